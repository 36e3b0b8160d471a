"""The review form and list: the writing workflow, the publish panel, the
list by state, revisions and their restore."""

from contextlib import suppress

import reversion
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.options import ActionLocation
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import ORDER_VAR, ChangeList
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from reversion import RevertError
from reversion_compare.admin import BaseCompareVersionAdmin

from .. import history, notifications
from ..diffs import marked_words, side_by_side
from ..forms import ReviewAdminForm
from ..models import Author, Review, State
from ..scores import format_score
from .desk import (
    MarkdownEditorMixin,
    OneLineFieldsMixin,
    OwnObjectsMixin,
    StoredImagesMixin,
)


def workflow_action(status, description):
    """A bulk action moving the selected reviews to ``status``, each only where
    the user may (Review.statuses_for)."""

    @admin.action(description=description)
    def action(modeladmin, request, queryset):
        moved, refused, unready = 0, [], []
        for review in queryset.select_related("author"):
            if review.status == status:
                continue
            if status not in review.statuses_for(request.user):
                refused.append(review.title)
                continue
            if status != Review.Status.DRAFT and (
                missing := review.missing_before_publication()
            ):
                unready.append(f"{review.title} ({' '.join(missing.values())})")
                continue
            before = review.status
            if status == Review.Status.PUBLISHED:
                review.publish_now()
            else:
                review.status = status
            review.save()
            notifications.status_changed(request, review, before)
            moved += 1
        if moved and reversion.is_active():  # the list's revision (VersionAdmin)
            reversion.set_comment(description)
        label = Review.Status(status).label.lower()
        if moved:
            modeladmin.message_user(request, f"{moved} review(s) now {label}.")
        if refused:
            modeladmin.message_user(
                request,
                f"You may not make these {label}: {', '.join(refused)}.",
                messages.ERROR,
            )
        for review in unready:
            modeladmin.message_user(
                request, f"Not yet {label}: {review}", messages.ERROR
            )

    action.__name__ = f"make_{status}"
    return action


# What a review says under it, from its writer's profile (Review.sign_as).
SIGNATURE = Review.SIGNATURE_FIELDS


class StateFilter(admin.SimpleListFilter):
    """Drafts, submitted, scheduled or published: shown as the tabs above the
    list (ReviewAdmin.changelist_view), not in the sidebar."""

    title = "state"
    parameter_name = "state"
    template = "admin/reviews/review/state_filter.html"

    def lookups(self, request, model_admin):
        return State.choices

    def queryset(self, request, queryset):
        if self.value() in State.values:
            return queryset.in_state(self.value())
        return queryset


class WritingOrderChangeList(ChangeList):
    """Drafts and scheduled reviews first (in_writing_order), unless a column
    is sorted."""

    def get_queryset(self, request, exclude_parameters=None):
        reviews = super().get_queryset(request, exclude_parameters)
        if ORDER_VAR not in self.params:
            reviews = reviews.in_writing_order()
        return reviews

    def get_ordering_field_columns(self):
        if ORDER_VAR not in self.params:
            return {}
        return super().get_ordering_field_columns()


# The tabs above the writers' list: (label, state; None for all).
STATE_TABS = [
    ("All", None),
    ("Drafts", State.DRAFT),
    ("Submitted", State.SUBMITTED),
    ("Scheduled", State.SCHEDULED),
    ("Published", State.PUBLISHED),
]


@admin.register(Review)
class ReviewAdmin(
    OneLineFieldsMixin,
    StoredImagesMixin,
    MarkdownEditorMixin,
    OwnObjectsMixin,
    BaseCompareVersionAdmin,
):
    form = ReviewAdminForm
    any_permission = "reviews.change_any_review"
    # Revisions (django-reversion): every save in the form or the list keeps
    # one; the history page lists them and compares any two, field by field
    # (reversion-compare, with our compare_* methods below).
    change_list_template = "admin/reviews/review/change_list.html"
    object_history_template = "admin/reviews/review/revisions.html"
    compare_fields = history.REVISION_FIELDS
    history_latest_first = True
    # The two versions compared, as reversion-compare's links name them.
    COMPARED = ("version_id1", "version_id2")

    class Media:
        # admin.css for the list's tabs too; the form's assets come with its
        # editor (desk.WritingEditor).
        css = {"all": ["css/admin.css"]}
        js = ["js/review-form.js"]

    actions = [
        workflow_action(Review.Status.SUBMITTED, "Submit for review"),
        workflow_action(Review.Status.PUBLISHED, "Publish now"),
        workflow_action(Review.Status.DRAFT, "Back to draft (unpublish)"),
    ]
    list_display = ["title", "reviewed", "kind", "score_display", "state", "author"]
    list_filter = [StateFilter, "kind", "verdict", "show", "author"]
    list_select_related = ["show", "episode", "author"]
    search_fields = ["title", "summary", "recap", "body", "show__title", "author__name"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "published_at"
    autocomplete_fields = ["show", "episode"]
    # The form's column, then the publish panel (the fieldset with the class
    # "publish-panel": templates/admin/reviews/review/change_form.html).
    fieldsets = [
        (None, {"fields": ["title", "summary"]}),
        ("What it reviews", {"fields": ["show", "episode", "kind"]}),
        ("Text", {"fields": ["intro", "recap", "body"]}),
        (
            "Score and verdict",
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
        (
            "Under the review",
            {
                "fields": ["sign_off", ("support_url", "support_label")],
                "description": "From your profile when the review was started; "
                "changing your profile later leaves this review as it is.",
            },
        ),
        (
            "Publishing",
            {
                "classes": ["publish-panel"],
                "fields": [
                    "status",
                    "published_at",
                    "author",
                    "slug",
                    "comments_enabled",
                    "seen_version",
                ],
            },
        ),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).editable_by(request.user)

    def get_changelist(self, request, **kwargs):
        return WritingOrderChangeList

    def get_actions(self, request, action_location=ActionLocation.CHANGE_LIST):
        # Guest writers may not publish: not even offered.
        actions = super().get_actions(request, action_location)
        if not Review.may_publish(request.user):
            actions.pop(f"make_{Review.Status.PUBLISHED}", None)
        return actions

    def get_list_display(self, request):
        # A writer's list holds only their own reviews: no author to show.
        columns = super().get_list_display(request)
        return (
            columns
            if self.is_editor(request)
            else [column for column in columns if column != "author"]
        )

    def get_list_filter(self, request):
        filters = super().get_list_filter(request)
        return (
            filters
            if self.is_editor(request)
            else [item for item in filters if item != "author"]
        )

    def changelist_view(self, request, extra_context=None):
        if request.method == "POST" and "action" in request.POST:
            history.keep_originals(
                self.get_queryset(request).filter(
                    pk__in=request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
                )
            )
        counts = self.get_queryset(request).state_counts()
        current = request.GET.get("state")
        tabs = [
            {
                "label": label,
                "count": counts[state or "all"],
                "query": f"?state={state}" if state else "?",
                "current": current == state or (state is None and not current),
            }
            for label, state in STATE_TABS
        ]
        extra_context = {
            **(extra_context or {}),
            "state_tabs": tabs,
            # The whole width for the list's columns.
            "is_nav_sidebar_enabled": False,
        }
        return super().changelist_view(request, extra_context)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        return type(form.__name__, (form,), {"user": request.user})

    def has_change_permission(self, request, obj=None):
        # A guest writer's review, once published, is the editors' to change.
        allowed = super().has_change_permission(request, obj)
        if obj is None or obj.status != Review.Status.PUBLISHED:
            return allowed
        return allowed and obj.can_be_published_by(request.user)

    @admin.display(description="Of", ordering="show__title")
    def reviewed(self, review):
        if review.episode:
            return f"{review.show} · Ep. {review.episode.number}"
        return str(review.show or "—")

    @admin.display(description="State", ordering="published_at")
    def state(self, review):
        state = review.state()
        if state in (State.SCHEDULED, State.PUBLISHED):
            when = timezone.localtime(review.published_at)
            return format_html(
                '<span class="state state-{}">{}</span> {}',
                state,
                state.label,
                f"{when:%-d %b %Y, %H:%M}",
            )
        return format_html('<span class="state state-{}">{}</span>', state, state.label)

    @admin.display(description="Score", ordering="score")
    def score_display(self, review):
        return "—" if review.score is None else f"{format_score(review.score)}/10"

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if self.is_editor(request):
            return fieldsets
        # Writers always write as themselves.
        return [
            (name, {**options, "fields": [f for f in fields if f != "author"]})
            for name, options in fieldsets
            for fields in [options["fields"]]
        ]

    def render_change_form(self, request, context, *args, **kwargs):
        # The writing desk takes the whole width: the admin's menu is one click
        # away in the breadcrumbs.
        context["is_nav_sidebar_enabled"] = False
        context["preview_days"] = settings.REVIEWS_PREVIEW_DAYS
        review = context.get("original")
        context["can_publish_now"] = (
            review.status != Review.Status.PUBLISHED
            and review.can_be_published_by(request.user)
            if review
            else Review.may_publish(request.user)
        )
        return super().render_change_form(request, context, *args, **kwargs)

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        if hasattr(request.user, "author"):
            author = request.user.author
            initial.setdefault("author", author.pk)
            for name in SIGNATURE:
                initial.setdefault(name, getattr(author, name))
        return initial

    def save_model(self, request, obj, form, change):
        if not change and not (self.is_editor(request) and obj.author_id):
            obj.author = Author.for_user(request.user)
        if not change and not any(name in form.changed_data for name in SIGNATURE):
            # An editor writing under another byline signs with theirs.
            obj.sign_as(obj.author)
        super().save_model(request, obj, form, change)
        notifications.status_changed(request, obj, form.initial.get("status"))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "POST" and (review := self.get_object(request, object_id)):
            history.keep_originals([review])
        return super().change_view(request, object_id, form_url, extra_context)

    # Revisions

    def history_view(self, request, object_id, extra_context=None):
        """Every saved version, newest first, and what changed between any two
        (?version_id1=&version_id2=, as reversion-compare names them)."""
        review = self.own_object_or_404(request, object_id)
        versions = list(history.versions_of(review))
        by_pk = {version.pk: version for version in versions}
        older = newer = None
        with suppress(KeyError, ValueError):  # none asked for, or not this review's
            older, newer = sorted(
                (by_pk[int(request.GET[key])] for key in self.COMPARED),
                key=lambda version: version.pk,
            )
        for version in versions:
            version.saved_by_name = history.saved_by_name(version)
            status = history.stored_fields(version.serialized_data)["status"]
            version.status_label = Review.Status(status).label
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": review,
            "title": f"Revisions of “{review}”",
            "versions": versions,
            "older": older,
            "newer": newer,
            "changes": self.changes(review, older, newer) if older else None,
            "can_restore": self.has_change_permission(request, review),
        }
        return TemplateResponse(request, self.object_history_template, context)

    def compare_view(self, request, object_id, extra_context=None):
        # The history page compares too: one page for both.
        self.own_object_or_404(request, object_id)
        url = reverse("admin:reviews_review_history", args=[object_id])
        return redirect(f"{url}?{request.GET.urlencode()}")

    def revision_view(self, request, object_id, version_id, extra_context=None):
        """Restore: what would change, then the writer's fields of that version
        put back as a new save (history.restore), never the review's
        bookkeeping."""
        review = self.own_object_or_404(request, object_id)
        if not self.has_change_permission(request, review):
            raise PermissionDenied
        version = get_object_or_404(history.versions_of(review), pk=version_id)
        if request.method == "POST":
            status = history.stored_fields(version.serialized_data)["status"]
            if status not in review.statuses_for(request.user):
                raise PermissionDenied
            try:
                with self.create_revision(request):
                    note = history.restore(version, review)
            except RevertError as error:
                self.message_user(request, str(error), messages.ERROR)
                return redirect("admin:reviews_review_history", review.pk)
            self.message_user(request, f"{note}.")
            return redirect("admin:reviews_review_change", review.pk)
        version.saved_by_name = history.saved_by_name(version)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": review,
            "version": version,
            "changes": self.changes(review, history.current_version(review), version),
            "title": f"Restore a revision of “{review}”",
        }
        return TemplateResponse(request, "admin/reviews/review/restore.html", context)

    def recoverlist_view(self, request, extra_context=None):
        # Not offered yet: a recovered review would need our change form's
        # layout around reversion's recover form.
        raise Http404

    recover_view = recoverlist_view

    def own_object_or_404(self, request, object_id):
        review = self.get_object(request, unquote(object_id))
        if review is None or not self.has_view_or_change_permission(request, review):
            raise Http404
        return review

    def changes(self, review, older, newer):
        """[(field label, rows)] for each writer's field that differs between
        two versions: rows of (before, after) HTML (see the compare_* methods).
        A version that cannot be read (its cover file gone) is one row saying
        so, not an error page."""
        try:
            compared = self.compare(review, older, newer).diff
        except RevertError as error:
            unreadable = f"A revision here could not be read back ({error})."
            return [("Not comparable", [(unreadable, unreadable)])]
        return [
            (change["field"].verbose_name.capitalize(), change["diff"])
            for change in compared
            if change["diff"]
        ]

    # How reversion-compare shows a changed field: long texts line by line with
    # the changed words marked, other fields as readers would see them.

    def compare_long_text(self, compared):
        before, after = compared.value1 or "", compared.value2 or ""
        if before.splitlines() == after.splitlines():
            return []  # the same text, but for a browser's line endings
        return side_by_side(before, after)

    compare_intro = compare_recap = compare_body = compare_long_text

    def fallback_compare(self, compared):
        field = compared.field
        return [
            marked_words(
                history.shown(field, compared.value1),
                history.shown(field, compared.value2),
            )
        ]
