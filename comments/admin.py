"""The moderation queue: pending comments first, bulk actions, the comment in
context, and the confirmation page the moderators' e-mail links open."""

import time
from datetime import UTC, datetime
from functools import partial

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from .mail import reply_approved
from .models import Comment, text_without_spoilers

# Moderation actions: name -> (new status, the statuses it applies to, label).
MODERATION = {
    "approve": (Comment.Status.APPROVED, None, "Approve"),
    "spam": (Comment.Status.SPAM, None, "Mark as spam"),
    "not_spam": (Comment.Status.APPROVED, [Comment.Status.SPAM], "Not spam"),
    "remove": (Comment.Status.REMOVED, None, "Remove"),
}


class ModerationActionForm(helpers.ActionForm):
    """The list's action form, dated when the list was shown: an action leaves
    alone the comments another moderator acted on since (CommentAdmin.moderate)."""

    seen_at = forms.FloatField(
        label="", widget=forms.HiddenInput, initial=time.time, required=False
    )


def moderation_action(name):
    """A bulk action applying MODERATION[name] to the selected comments."""
    label = MODERATION[name][2]

    @admin.action(permissions=["change"], description=f"{label}: selected comments")
    def action(modeladmin, request, queryset):
        modeladmin.moderate(request, queryset, name)

    action.__name__ = name
    return action


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    """The moderation queue: pending comments first (Status sorts them so)."""

    # Fits 1280 px beside its filters: who sent it in one column.
    list_display = [
        "excerpt",
        "sender",
        "status",
        "review_link",
        "sent",
        "in_context",
    ]
    list_filter = ["status", "created"]
    list_select_related = ["review"]
    search_fields = ["name", "email", "text", "review__title", "ip_address"]
    date_hierarchy = "created"
    ordering = ["status", "-created"]
    actions = [moderation_action(name) for name in MODERATION]
    action_form = ModerationActionForm
    fields = [
        "status",
        "review_link",
        "in_context",
        "name",
        "email",
        "website",
        "text_display",
        "moderation_reason",
        "ip_address",
        "created",
        "moderated",
    ]
    readonly_fields = [field for field in fields if field != "status"]

    class Media:
        css = {"all": ["css/content.css", "css/admin.css"]}  # spoilers

    def get_queryset(self, request):
        return super().get_queryset(request).for_staff(request.user)

    def changelist_view(self, request, extra_context=None):
        # The queue takes the whole width: the admin's menu is in the breadcrumbs.
        extra_context = {**(extra_context or {}), "is_nav_sidebar_enabled": False}
        return super().changelist_view(request, extra_context)

    def has_add_permission(self, request):
        return False  # Comments come from readers.

    @admin.display(description="Sent", ordering="created")
    def sent(self, comment):
        return f"{timezone.localtime(comment.created):%-d %b %Y, %H:%M}"

    @admin.display(description="From", ordering="name")
    def sender(self, comment):
        return format_html(
            '{}<br><span class="quiet">{}<br>{}</span>',
            comment.name,
            comment.email,
            comment.ip_address or "—",
        )

    @admin.display(description="Comment")
    def excerpt(self, comment):
        return Truncator(text_without_spoilers(comment.text)).chars(80)

    @admin.display(description="Comment")
    def text_display(self, comment):
        # text_html is render_comment_text()'s escaped output.
        return format_html(
            '<div class="comment-text">{}</div>', mark_safe(comment.text_html)
        )

    @admin.display(description="Review", ordering="review__title")
    def review_link(self, comment):
        title = Truncator(comment.review.title).chars(32)
        return format_html(
            '<a href="{}">{}</a>', comment.review.get_absolute_url(), title
        )

    @admin.display(description="In context")
    def in_context(self, comment):
        return format_html(
            '<a href="{}">View on the page</a>', comment.get_absolute_url()
        )

    @admin.display(description="Moderated")
    def moderated(self, comment):
        if not comment.moderated_at:
            return "—"
        return f"{comment.moderated_at:%Y-%m-%d %H:%M} by {comment.moderated_by}"

    def save_model(self, request, obj, form, change):
        # Only the status is editable: set it the way the actions do.
        if "status" in form.changed_data:
            Comment.objects.filter(pk=obj.pk).moderate(
                obj.status, request.user, on_reply_approved=replies_mailed(request)
            )

    def moderate(self, request, queryset, action, seen_status=None):
        """Apply a moderation action; say what changed, and when another
        moderator had already acted."""
        status, only_from, _ = MODERATION[action]
        if seen_status is not None:
            # From a page that showed this status: only if it still has it.
            only_from = [s for s in only_from or [seen_status] if s == seen_status]
        try:
            seen_at = datetime.fromtimestamp(float(request.POST["seen_at"]), UTC)
        except (KeyError, ValueError, OverflowError, OSError):
            pass
        else:
            # From the list: only what nobody moderated since it was shown.
            queryset = queryset.exclude(moderated_at__gt=seen_at)
        hidden = list(queryset.values_list("pk", flat=True))
        changed = queryset.moderate(
            status,
            request.user,
            only_from=only_from,
            on_reply_approved=replies_mailed(request),
        )
        if changed:
            label = Comment.Status(status).label.lower()
            plural = "s" if changed != 1 else ""
            message = f"{changed} comment{plural} now {label}."
            replies = Comment.objects.approved().filter(parent__in=hidden).count()
            if replies and status == Comment.Status.REMOVED:
                message += (
                    f" Their {replies} approved repl{'ies' if replies > 1 else 'y'}"
                    " stay on the page, under “This comment was removed”."
                )
            elif replies and status == Comment.Status.SPAM:
                message += (
                    f" Their {replies} approved repl{'ies' if replies > 1 else 'y'}"
                    " are hidden with them (remove rather than mark as spam to keep"
                    " them)."
                )
            self.message_user(request, message)
        else:
            self.message_user(
                request,
                "Nothing changed: the comment was already in that state, or another "
                "moderator acted on it first.",
                messages.WARNING,
            )

    def get_urls(self):
        return [
            path(
                "<int:pk>/moderate/<str:action>/",
                self.admin_site.admin_view(self.moderate_view),
                name="comments_comment_moderate",
            ),
            *super().get_urls(),
        ]

    def moderate_view(self, request, pk, action):
        """The e-mail's links: confirm, then act on one comment. Acting on GET
        would let a mail scanner that follows links moderate the queue."""
        if action not in MODERATION or not self.has_change_permission(request):
            raise PermissionDenied
        comment = get_object_or_404(self.get_queryset(request), pk=pk)
        if request.method == "POST":
            seen = request.POST.get("seen_status", "")
            self.moderate(
                request,
                Comment.objects.filter(pk=pk),
                action,
                seen_status=int(seen) if seen.isdigit() else None,
            )
            return redirect(pending_queue_url())
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "comment": comment,
            "action_label": MODERATION[action][2],
            "title": f"{MODERATION[action][2]}: a comment by {comment.name}",
            "kept_replies": comment.replies.approved().count()
            if action in ("remove", "spam")
            else 0,
        }
        return TemplateResponse(
            request, "admin/comments/comment/moderate.html", context
        )


def replies_mailed(request):
    """What a moderator's approval does with each reply approved: its mail to
    the comment it answers, with links to this site."""
    return partial(reply_approved, site_url=request.build_absolute_uri("/"))


def pending_queue_url():
    """The queue, filtered to the comments awaiting moderation."""
    query = urlencode({"status__exact": Comment.Status.PENDING})
    return f"{reverse('admin:comments_comment_changelist')}?{query}"
