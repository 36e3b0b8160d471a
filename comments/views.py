"""Posting a comment, and the comment section of a review page (its threads,
paged, and the form), which reviews' page pulls in through {% comment_section %}."""

import json
from dataclasses import dataclass, field
from functools import partial

from django import forms
from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.decorators import method_decorator
from django.utils.functional import SimpleLazyObject
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods
from django.views.generic import FormView

from following.models import Follower
from reviews import stamps
from reviews.clients import client_ip
from reviews.models import Review
from reviews.views import ReviewPageMixin

from . import moderation
from .forms import CommentForm
from .mail import (
    comment_of_confirm_token,
    comment_of_mute_token,
    email_of_stop_token,
    reply_approved,
)
from .models import Comment, ReplyAddress

OWN_COMMENTS_KEY = "own_pending_comments"
REMEMBERED_FIELDS = ("name", "email", "website")
REMEMBER_SALT = "comments.remembered-commenter"
REMEMBER_SECONDS = 365 * 24 * 3600


# Without CSRF protection on purpose: a comment is not tied to the sender's
# account or session (it names whoever the form says), so a forged request can do
# nothing the forger could not do directly, and the review page carries no CSRF
# token, so it can be served from the page cache. The signed form token, honeypot
# and rate limit are what keep robots out.
@method_decorator(csrf_exempt, name="dispatch")
class PostCommentView(ReviewPageMixin, FormView):
    """A reader's comment; a refused one comes back on the review page with its
    text."""

    http_method_names = ["post"]
    form_class = CommentForm

    def get_queryset(self):
        return Review.objects.published().for_page()

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        if not self.object.comments_are_open():
            return self.refuse(self.get_form(), status=403)
        return super().post(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "review": self.object}

    def get_context_data(self, **kwargs):
        return super().get_context_data(comment_form=kwargs.get("form"), **kwargs)

    def refuse(self, form, status=200):
        return self.render_to_response(self.get_context_data(form=form), status=status)

    def form_invalid(self, form):
        form.renew_token()
        return self.refuse(form)

    def form_valid(self, form):
        comment = form.save(commit=False)
        if sent := Comment.objects.sent_before(comment):
            return commented(self.request, sent)
        address = client_ip(self.request)
        wait = moderation.seconds_to_wait(address, comment.fingerprint)
        if wait:
            return self.too_fast(form, wait)
        comment.ip_address = moderation.stored_ip(address)
        comment.status, comment.moderation_reason = moderation.moderate(
            comment,
            honeypot=form.cleaned_data["homepage"],
            seconds_to_post=form.seconds_to_post,
            rate_limit_checked=wait is not None,
        )
        comment, created = comment.save_once()
        site_url = self.request.build_absolute_uri("/")
        if created and comment.is_pending():
            transaction.on_commit(
                partial(moderation.notify_moderators.enqueue, comment.pk, site_url)
            )
        if created and comment.is_approved() and comment.parent_id:
            reply_approved(comment.pk, site_url)
        return remember_commenter(
            self.request, commented(self.request, comment), form.cleaned_data
        )

    def too_fast(self, form, wait):
        form.refuse_for_speed(wait)
        response = self.refuse(form, status=429)
        response["Retry-After"] = str(wait)
        return response


def commented(request, comment):
    """Where a commenter lands after posting: their comment, or the news that it
    awaits moderation (spam is told the same, and never shown)."""
    if comment.is_approved():
        messages.success(request, "Thank you: your comment is published.")
        return redirect(shown_at(request, comment))
    messages.info(
        request,
        "Thank you: your comment is awaiting moderation. It will appear once a "
        "moderator has approved it.",
    )
    if comment.is_pending():
        own = request.session.get(OWN_COMMENTS_KEY, [])
        if comment.pk not in own:
            request.session[OWN_COMMENTS_KEY] = [*own, comment.pk][-20:]
        return redirect(shown_at(request, comment))
    return redirect(comment.review.get_absolute_url() + "#comments")


def shown_at(request, comment):
    """The comment in the whole discussion when it is on the first page of
    comments this reader sees; otherwise on the page its thread starts."""
    thread = comment.parent_id or comment.pk
    before = (
        Comment.objects.visible(
            own_ids=request.session.get(OWN_COMMENTS_KEY, []),
            moderator=request.user.has_perm("comments.change_comment"),
        )
        .filter(review=comment.review_id)
        .in_threads()
        .filter(Q(thread__lt=thread) | Q(thread=thread, pk__lt=comment.pk))
    )
    if before.count() < settings.COMMENTS_PER_PAGE:
        return f"{comment.review.get_absolute_url()}#comment-{comment.pk}"
    return comment.get_absolute_url()


def remembered_commenter(request):
    """The name, e-mail and website this browser asked to be remembered ({}
    when it did not): a signed cookie, set only on the reader's opt-in."""
    value = request.get_signed_cookie(
        settings.COMMENTS_REMEMBER_COOKIE,
        default=None,
        salt=REMEMBER_SALT,
        max_age=REMEMBER_SECONDS,
    )
    try:
        remembered = json.loads(value or "null")
    except ValueError:
        return {}
    if not isinstance(remembered, dict):
        return {}
    return {name: str(remembered.get(name, "")) for name in REMEMBERED_FIELDS}


def remember_commenter(request, response, data):
    """Remember the commenter in this browser when they ticked the box (on
    review pages only: the rest of the site stays cached for them); forget
    them when they untick it."""
    cookie = settings.COMMENTS_REMEMBER_COOKIE
    path = reverse("reviews:review-list")
    if data.get("remember"):
        response.set_signed_cookie(
            cookie,
            json.dumps({name: data[name] for name in REMEMBERED_FIELDS}),
            salt=REMEMBER_SALT,
            max_age=REMEMBER_SECONDS,
            path=path,
            secure=request.is_secure(),
            httponly=True,
            samesite="Lax",
        )
    elif cookie in request.COOKIES:
        response.delete_cookie(cookie, path=path, samesite="Lax")
    return response


@dataclass
class Thread:
    """A top-level comment and its replies on one page; ``comment`` is None when
    the thread began on an earlier page."""

    comment: Comment | None
    replies: list = field(default_factory=list)

    def takes(self, reply):
        """Whether ``reply`` continues this thread: it answers the thread's
        comment, or the same comment as the replies before it (a thread that
        began on an earlier page)."""
        if self.comment is not None:
            return self.comment.pk == reply.parent_id
        return self.replies[-1].parent_id == reply.parent_id


def group_threads(comments):
    """Comments in thread order (see CommentQuerySet.in_threads) as Threads."""
    threads = []
    for comment in comments:
        if comment.parent_id is None:
            threads.append(Thread(comment))
        elif threads and threads[-1].takes(comment):
            threads[-1].replies.append(comment)
        else:
            threads.append(Thread(None, [comment]))
    return threads


def parse_start(value):
    """?comments_from=<thread>-<comment> as (thread, comment, one spelling of
    it for cache keys); a page's start is a keyset, so page 40 of a long
    discussion, or of one long thread, costs what page 1 does."""
    thread, _, first = value.partition("-")
    try:
        thread, first = int(thread or 0), int(first or 0)
    except ValueError:
        return 0, 0, ""
    return thread, first, f"{thread}-{first}" if value else ""


def section_context(request, review, form=None):
    """The comment section of a published review: one page of its visible
    comments in thread order, oldest first, and the form (``form``: a refused
    one, shown again with its text). The comments are read lazily: not at all
    when the template finds the list in the fragment cache, which it may only
    when the list is everyone's (no comment of this reader's own awaiting
    moderation, not a moderator's view)."""
    moderator = request.user.has_perm("comments.change_comment")
    own_ids = request.session.get(OWN_COMMENTS_KEY, [])
    thread, first, start = parse_start(request.GET.get("comments_from", ""))
    per_page = settings.COMMENTS_PER_PAGE

    def read_page():
        rows = (
            Comment.objects.visible(own_ids=own_ids, moderator=moderator)
            .filter(review=review)
            .in_threads()
            .filter(Q(thread__gt=thread) | Q(thread=thread, pk__gte=first))[
                : per_page + 1
            ]
            .listed()
        )
        following = rows[per_page] if len(rows) > per_page else None
        return {
            "threads": group_threads(rows[:per_page]),
            "next": following and f"{following.thread}-{following.pk}",
        }

    page = SimpleLazyObject(read_page)
    threads = SimpleLazyObject(lambda: page["threads"])
    is_open = review.comments_are_open()
    remembered = remembered_commenter(request)
    if form is None and is_open:
        initial = {"reply_to": reply_to(request, threads), **remembered}
        form = CommentForm(review, initial={**initial, "remember": bool(remembered)})
    # Behind Varnish, a shared page's token comes from comments:form-token.
    token_by_esi = stamps.by_esi(request) and form is not None and not form.is_bound
    if token_by_esi:
        request.esi = True
    return {
        "review": review,
        "token_by_esi": token_by_esi,
        "comment_threads": threads,
        "comments_next": SimpleLazyObject(lambda: page["next"]),
        "comments_start": start,
        "comments_shared": not (own_ids or moderator),
        "comment_form": form,
        "comments_open": is_open,
        "comment_moderator": moderator,
    }


def reply_to(request, threads):
    """The comment ?reply_to= names, when it is on this page."""
    try:
        parent = int(request.GET.get("reply_to", ""))
    except ValueError:
        return None  # without ?reply_to= the threads are not read
    shown = {thread.comment.pk for thread in threads if thread.comment}
    return parent if parent in shown else None


def form_token(request, review_id):
    """The comment form's dated token as its hidden field, for the ESI include
    Varnish fills in on each fetch of a stored review page: each reader's token
    dates their own fetch (to the second: Varnish keeps it one second)."""
    field = forms.HiddenInput().render(
        "token", stamps.dated(review_id), attrs={"id": "id_token"}
    )
    response = HttpResponse(field)
    patch_cache_control(response, public=True, max_age=0, s_maxage=1)
    return response


# The reply e-mails' links: the signed link is the reader's only key, so their
# forms need no CSRF token (another site cannot know it). A GET only asks, with
# a button: a mail scanner following every link changes nothing.


@never_cache
@csrf_exempt
@require_http_methods(["GET", "POST"])
def confirm_replies(request, token):
    comment = (
        Comment.objects.select_related("review")
        .filter(pk=comment_of_confirm_token(token))
        .first()
    )
    if comment is None:
        return render(request, "comments/replies.html", {"invalid": True}, status=400)
    if request.method == "POST" and not comment.replies_confirmed:
        Comment.objects.filter(pk=comment.pk).update(
            replies_confirmed=timezone.now(), notify_replies=True
        )
        comment.replies_confirmed = True
        # Asking again is opting in again, after a "stop all".
        ReplyAddress.objects.filter(email=Follower.normalize(comment.email)).delete()
    return render(
        request,
        "comments/replies.html",
        {"confirming": True, "comment": comment, "review": comment.review},
    )


@never_cache
@csrf_exempt
@require_http_methods(["GET", "POST"])
def mute_replies(request, token):
    """Every reply e-mail's List-Unsubscribe address: a POST (a mail client's
    one click, RFC 8058, or the button a GET shows) stops replies to that
    comment."""
    comment = (
        Comment.objects.select_related("review")
        .filter(pk=comment_of_mute_token(token))
        .first()
    )
    if comment is None:
        return render(request, "comments/replies.html", {"invalid": True}, status=400)
    muted = request.method == "POST"
    if muted:
        Comment.objects.filter(pk=comment.pk).update(notify_replies=False)
    return render(
        request,
        "comments/replies.html",
        {"muting": True, "muted": muted, "review": comment.review},
    )


@never_cache
@csrf_exempt
@require_http_methods(["GET", "POST"])
def stop_replies(request, token):
    """No more reply e-mail to this address, about any comment."""
    email = email_of_stop_token(token)
    if email is None:
        return render(request, "comments/replies.html", {"invalid": True}, status=400)
    stopped = request.method == "POST"
    if stopped:
        ReplyAddress.objects.get_or_create(email=email)
    return render(
        request,
        "comments/replies.html",
        {"stopping": True, "stopped": stopped, "email": email},
    )
