"""Reply notifications, sent by the task worker: a commenter who ticked "E-mail
me replies to this comment" is mailed each approved reply to it, once. The
first reply's e-mail only asks them to confirm that comment's replies (anyone
can type any address into the form); nothing more is sent for that comment
until they do (asked again after FOLLOWING_CONFIRM_DAYS). Every e-mail has a
signed link that mutes replies to that comment, also as its one-click
List-Unsubscribe (following.mail.message), and one that stops them all for the
address."""

import logging
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.core.mail import mailers
from django.db import transaction
from django.db.models import Q
from django.tasks import task, task_backends
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from following.mail import MAIL_ERRORS, later, message
from following.models import Follower
from following.rules import signed, unsigned

from .models import Comment, CommentStatus, ReplyAddress, text_without_spoilers

logger = logging.getLogger(__name__)
CONFIRM_SALT = "comments.replies.confirm"
MUTE_SALT = "comments.replies.mute"
STOP_SALT = "comments.replies.stop"


def confirm_token(comment_id):
    return signed(str(comment_id), CONFIRM_SALT, expires=True)


def comment_of_confirm_token(token):
    """The Comment's pk, or None (tampered with, or expired)."""
    value = unsigned(token, CONFIRM_SALT, expires=True)
    return None if value is None else int(value)


def mute_token(comment_id):
    return signed(str(comment_id), MUTE_SALT)


def comment_of_mute_token(token):
    value = unsigned(token, MUTE_SALT)
    return None if value is None else int(value)


def stop_token(email):
    return signed(email, STOP_SALT)


def email_of_stop_token(token):
    return unsigned(token, STOP_SALT)


def reply_approved(reply_id, site_url):
    """Queue the mail about an approved reply, once the approval is saved."""
    transaction.on_commit(partial(notify_reply.enqueue, reply_id, site_url.rstrip("/")))


def claim_reply(reply_id):
    """Mark the reply as mailed about, if it was not: True for the one task
    that may send it, whatever runs twice."""
    return bool(
        Comment.objects.filter(pk=reply_id, reply_mailed=None).update(
            reply_mailed=timezone.now()
        )
    )


def claim_asking(comment):
    """Mark the comment's writer as asked to confirm now, unless they were
    within FOLLOWING_CONFIRM_DAYS: True when this task asks."""
    recently = timezone.now() - timedelta(days=settings.FOLLOWING_CONFIRM_DAYS)
    return bool(
        Comment.objects.filter(Q(replies_asked=None) | Q(replies_asked__lt=recently))
        .filter(pk=comment.pk, replies_confirmed=None)
        .update(replies_asked=timezone.now())
    )


@task
def notify_reply(reply_id, site_url, attempt=1):
    """Mail the parent comment's writer about an approved reply, when they asked
    for it: a request to confirm the first time, the reply once confirmed.
    Checked now, not when queued: a reply no longer approved, a comment no
    longer shown or muted since, an address stopped, is not mailed."""
    reply = (
        Comment.objects.approved()
        .select_related("parent", "review")
        .filter(
            pk=reply_id,
            parent__notify_replies=True,
            parent__status=CommentStatus.APPROVED,
        )
        .first()
    )
    if reply is None:
        return
    parent = reply.parent
    email = Follower.normalize(parent.email)
    if Follower.normalize(reply.email) == email:
        return  # their own reply
    if ReplyAddress.objects.filter(email=email).exists():
        return  # stopped them all
    if parent.replies_confirmed is None:
        if not claim_asking(parent):
            return  # asked lately, and not confirmed: nothing else is sent
        template = "comments/email/reply_confirm.txt"
        subject = f"Confirm: e-mail me replies to my comment on {reply.review.title}"
        undo = {"replies_asked": parent.replies_asked}
    elif claim_reply(reply.pk):
        template = "comments/email/reply.txt"
        subject = f"{reply.name} replied to your comment on {reply.review.title}"
        undo = {}
    else:
        return  # mailed already
    mute_url = site_url + reverse("comments:mute-replies", args=[mute_token(parent.pk)])
    context = {
        "reply": reply,
        "parent": parent,
        "review": reply.review,
        # Spoilers stay hidden in the inbox: the page shows them.
        "text": text_without_spoilers(reply.text),
        "reply_url": site_url + reply.get_absolute_url(),
        "confirm_url": site_url
        + reverse("comments:confirm-replies", args=[confirm_token(parent.pk)]),
        "mute_url": mute_url,
        "stop_url": site_url
        + reverse("comments:stop-replies", args=[stop_token(email)]),
        "days": settings.FOLLOWING_CONFIRM_DAYS,
    }
    body = render_to_string(template, context)
    try:
        mailers.default.send_messages([message(subject, body, email, mute_url)])
    except MAIL_ERRORS:
        # Not sent, or not known to be: free the claim, so the retry (or a
        # later reply) may send. A server that failed after taking the mail may
        # so receive it twice; a lost one would be worse.
        if undo:
            Comment.objects.filter(pk=parent.pk).update(**undo)
        else:
            Comment.objects.filter(pk=reply.pk).update(reply_mailed=None)
        delays = settings.MAIL_RETRY_MINUTES
        if attempt > len(delays) or not task_backends["default"].supports_defer:
            raise  # the task fails: logged, and kept with its result
        logger.warning("Reply notice not sent (try %s)", attempt, exc_info=True)
        retry = timezone.now() + timedelta(minutes=delays[attempt - 1])
        later(notify_reply, retry).enqueue(reply_id, site_url, attempt + 1)
