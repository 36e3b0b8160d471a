"""Shows with their episodes, staff and songs; writers' profiles; studios and
genres; the editors' season guides."""

from django.contrib import admin
from django.db.models import Max
from django.utils.html import format_html

from ..forms import ReencodedImagesForm, ShowAdminForm
from ..models import (
    Author,
    Credit,
    Episode,
    Genre,
    SeasonGuide,
    Show,
    Studio,
    ThemeSong,
)
from .desk import (
    MarkdownEditorMixin,
    OneLineFieldsMixin,
    OwnObjectsMixin,
    StoredImagesMixin,
)


class EpisodeInline(OneLineFieldsMixin, admin.TabularInline):
    model = Episode
    extra = 1
    # Spoiler words are a list per episode: on the episode's own page.
    exclude = ["spoiler_words"]
    show_change_link = True


class CreditInline(OneLineFieldsMixin, admin.TabularInline):
    model = Credit
    extra = 1
    exclude = ["position"]  # in the order of the rows (ShowAdmin.save_formset)


class ThemeSongInline(OneLineFieldsMixin, admin.TabularInline):
    model = ThemeSong
    extra = 1
    exclude = ["position"]


@admin.register(Show)
class ShowAdmin(OneLineFieldsMixin, StoredImagesMixin, admin.ModelAdmin):
    form = ShowAdminForm
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
        (
            "Add many episodes at once",
            {"fields": ["new_episodes", "new_episode_titles", "first_air_date"]},
        ),
    ]

    def save_formset(self, request, form, formset, change):
        """Staff and songs keep the order of their rows; a new one comes last."""
        if formset.model not in (Credit, ThemeSong):
            return super().save_formset(request, form, formset, change)
        rows = formset.save(commit=False)
        for row in formset.deleted_objects:
            row.delete()
        last = formset.model.objects.filter(show=form.instance).aggregate(
            last=Max("position")
        )["last"]
        position = -1 if last is None else last
        for row in rows:
            if row.pk is None:
                position += 1
                row.position = position
            row.save()
        return None

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if episodes := form.episodes_to_add(form.instance):
            Episode.objects.bulk_create(episodes)
            numbers = ", ".join(str(episode.number) for episode in episodes)
            self.message_user(request, f"Added episodes {numbers}.")

    @admin.display(description="Season", ordering="year")
    def season_display(self, show):
        return show.season_label or "—"


@admin.register(Episode)
class EpisodeAdmin(OneLineFieldsMixin, admin.ModelAdmin):
    list_display = ["show", "number", "title", "air_date", "spoiler_word_count"]
    list_filter = ["show"]
    list_select_related = ["show"]
    search_fields = ["show__title", "title", "=number"]
    autocomplete_fields = ["show"]

    def get_search_results(self, request, queryset, search_term):
        """The review form's episode picker asks for one show's episodes
        (?show=, from static/js/review-form.js)."""
        show = request.GET.get("show", "")
        if show.isdigit() and request.GET.get("field_name") == "episode":
            queryset = queryset.filter(show=show)
        return super().get_search_results(request, queryset, search_term)

    @admin.display(description="Spoiler words")
    def spoiler_word_count(self, episode):
        return len(episode.spoiler_word_list) or "—"


@admin.register(Author)
class AuthorAdmin(
    OneLineFieldsMixin,
    StoredImagesMixin,
    MarkdownEditorMixin,
    OwnObjectsMixin,
    admin.ModelAdmin,
):
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
class NameSlugAdmin(OneLineFieldsMixin, admin.ModelAdmin):
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(SeasonGuide)
class SeasonGuideAdmin(MarkdownEditorMixin, admin.ModelAdmin):
    """Editors only: the guide's permissions are granted to Editors alone
    (migration 0024)."""

    list_display = ["__str__", "premiere_guide", "updated"]
    list_filter = ["season", "year"]
    date_hierarchy = "updated"

    @admin.display(description="Page")
    def premiere_guide(self, guide):
        return format_html('<a href="{}">View on site</a>', guide.get_absolute_url())
