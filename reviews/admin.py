from django.contrib import admin
from django.http import Http404
from django.utils.html import format_html
from markdownx.models import MarkdownxField
from markdownx.widgets import AdminMarkdownxWidget

from .forms import ReencodedImagesForm
from .models import Author, Credit, Episode, Genre, Review, Show, Studio, ThemeSong

admin.site.site_header = "Three Episode Rule"
admin.site.site_title = "Three Episode Rule admin"
admin.site.index_title = "Writing desk"


class MarkdownEditorMixin:
    """The markdownx editor with a live preview styled like the public page."""

    formfield_overrides = {MarkdownxField: {"widget": AdminMarkdownxWidget}}

    class Media:
        css = {"all": ["css/content.css", "css/admin.css"]}


class OwnObjectsMixin:
    """Writers see and change only their own objects (get_queryset says which);
    another's is a 404, not the admin's redirect. ``any_permission`` marks editors.
    """

    any_permission = None

    def is_editor(self, request):
        return request.user.has_perm(self.any_permission)

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404("No such object, or not one of yours.")
        return obj


class EpisodeInline(admin.TabularInline):
    model = Episode
    extra = 1


class CreditInline(admin.TabularInline):
    model = Credit
    extra = 1


class ThemeSongInline(admin.TabularInline):
    model = ThemeSong
    extra = 1


@admin.register(Review)
class ReviewAdmin(MarkdownEditorMixin, OwnObjectsMixin, admin.ModelAdmin):
    form = ReencodedImagesForm
    any_permission = "reviews.change_any_review"
    list_display = [
        "title",
        "show",
        "episode_number",
        "author",
        "kind",
        "score_display",
        "status",
        "published_at",
    ]
    list_filter = ["status", "kind", "verdict", "show", "author"]
    list_select_related = ["show", "episode", "author"]
    search_fields = ["title", "summary", "show__title", "author__name"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "published_at"
    autocomplete_fields = ["show", "episode"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "author", "show", "episode", "kind"]}),
        ("Text", {"fields": ["summary", "recap", "body"]}),
        (
            "Scores",
            {
                "fields": [
                    "score",
                    ("story_score", "visuals_score", "sound_score", "characters_score"),
                    "verdict",
                    ("episodes_watched", "spoils_up_to"),
                ]
            },
        ),
        ("Cover image", {"fields": ["cover", "cover_alt"]}),
        ("Publishing", {"fields": ["status", "published_at"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).editable_by(request.user)

    @admin.display(description="Ep.", ordering="episode__number")
    def episode_number(self, review):
        return review.episode.number if review.episode else "—"

    @admin.display(description="Score", ordering="score")
    def score_display(self, review):
        return "—" if review.score is None else f"{review.score:g}/10"

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if self.is_editor(request):
            return fieldsets
        # Writers always write as themselves.
        first, *rest = fieldsets
        fields = [name for name in first[1]["fields"] if name != "author"]
        return [(first[0], {**first[1], "fields": fields}), *rest]

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        if hasattr(request.user, "author"):
            initial.setdefault("author", request.user.author.pk)
        return initial

    def save_model(self, request, obj, form, change):
        if not change and not (self.is_editor(request) and obj.author_id):
            obj.author = Author.for_user(request.user)
        super().save_model(request, obj, form, change)


@admin.register(Show)
class ShowAdmin(admin.ModelAdmin):
    form = ReencodedImagesForm
    list_display = ["title", "season_display", "format", "source", "airing_status"]
    list_filter = ["airing_status", "format", "source", "season", "year", "genres"]
    search_fields = ["title", "title_english", "title_japanese"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["studios", "genres"]
    inlines = [EpisodeInline, CreditInline, ThemeSongInline]
    fieldsets = [
        (None, {"fields": ["title", "title_english", "title_japanese", "slug"]}),
        ("About", {"fields": ["synopsis", "format", "source", "studios", "genres"]}),
        (
            "Airing",
            {
                "fields": [
                    ("season", "year"),
                    "premiere_date",
                    "episode_count",
                    "airing_status",
                ]
            },
        ),
        ("Cover image", {"fields": ["cover", "cover_alt"]}),
    ]

    @admin.display(description="Season", ordering="year")
    def season_display(self, show):
        return show.season_label or "—"


@admin.register(Episode)
class EpisodeAdmin(admin.ModelAdmin):
    list_display = ["show", "number", "title", "air_date"]
    list_filter = ["show"]
    list_select_related = ["show"]
    search_fields = ["show__title", "title", "=number"]
    autocomplete_fields = ["show"]


@admin.register(Author)
class AuthorAdmin(MarkdownEditorMixin, OwnObjectsMixin, admin.ModelAdmin):
    form = ReencodedImagesForm
    any_permission = "reviews.change_any_author"
    list_display = ["name", "user", "support_link"]
    search_fields = ["name", "user__username"]
    prepopulated_fields = {"slug": ["name"]}

    @admin.display(description="Support link")
    def support_link(self, author):
        if not author.support_url:
            return "—"
        return format_html(
            '<a href="{}">{}</a>', author.support_url, author.support_label or "link"
        )

    def get_queryset(self, request):
        authors = super().get_queryset(request)
        return authors if self.is_editor(request) else authors.filter(user=request.user)

    def get_readonly_fields(self, request, obj=None):
        return [] if self.is_editor(request) else ["user"]


@admin.register(Studio, Genre)
class NameSlugAdmin(admin.ModelAdmin):
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
