"""The followers' e-mails, all sent by the task worker: the confirmation a
follow request asks for, and a published review's mail to each confirmed
follower of its show, at most once each (one Delivery row per follower and
review, claimed before it is sent; see Delivery.State)."""

import html
import logging
import re
import secrets
import smtplib
from datetime import timedelta
from math import ceil

from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMessage, mailers
from django.db import connection, transaction
from django.db.models import F, Q
from django.tasks import task, task_backends
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from reviews.models import Review, Show

from .models import Announcement, Delivery, Follow, Follower
from .rules import confirm_token, manage_token, unsubscribe_token

logger = logging.getLogger(__name__)
State = Delivery.State
MAIL_ERRORS = (OSError, smtplib.SMTPException)


def later(task_, when):
    """``task_`` to run at ``when``, where the backend can wait (the worker's
    can; the immediate backend of the tests cannot, and runs it now)."""
    if when > timezone.now() and task_backends["default"].supports_defer:
        return task_.using(run_after=when)
    return task_


def links(site_url, follower_id, show_id):
    unsubscribe = reverse(
        "following:unsubscribe", args=[unsubscribe_token(follower_id, show_id)]
    )
    manage = reverse("following:manage", args=[manage_token(follower_id)])
    return {"unsubscribe_url": site_url + unsubscribe, "manage_url": site_url + manage}


def message(subject, body, address, unsubscribe_url):
    """An e-mail with RFC 8058's one-click unsubscribe: a mail client POSTs
    "List-Unsubscribe=One-Click" to the address, which unsubscribes."""
    return EmailMessage(
        " ".join(subject.split()),
        body,
        to=[address],
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


# Following a show: the confirmation


def forget_expired():
    """Addresses and follows never confirmed in FOLLOWING_CONFIRM_DAYS."""
    Follow.objects.expired().delete()
    Follower.objects.expired().delete()


@task
def request_follow(email, show_id, site_url, attempt=1):
    """Someone asked to follow a show for ``email``: ask that address to confirm
    (or, when it already follows the show, send it its manage link), at most
    once an hour per address and show, so the form cannot flood an inbox."""
    forget_expired()
    show = Show.objects.get(pk=show_id)
    follower, _ = Follower.objects.get_or_create(email=Follower.normalize(email))
    follow, _ = Follow.objects.get_or_create(follower=follower, show=show)
    if attempt == 1 and not cache.add(
        f"following:asked:{follow.pk}", True, settings.FOLLOWING_ASK_SECONDS
    ):
        return
    context = {
        "show": show,
        "follow": follow,
        "show_url": site_url + show.get_absolute_url(),
        "confirm_url": site_url
        + reverse("following:confirm", args=[confirm_token(follow.pk)]),
        "days": settings.FOLLOWING_CONFIRM_DAYS,
        **links(site_url, follower.pk, show.pk),
    }
    if follow.confirmed:
        subject = f"You already follow {show.title}"
        body = render_to_string("following/email/already.txt", context)
    else:
        subject = f"Confirm: e-mail me new reviews of {show.title}"
        body = render_to_string("following/email/confirm.txt", context)
    try:
        mailers.default.send_messages(
            [message(subject, body, follower.email, context["unsubscribe_url"])]
        )
    except MAIL_ERRORS:
        delays = settings.MAIL_RETRY_MINUTES
        if attempt > len(delays) or not task_backends["default"].supports_defer:
            raise  # the task fails: logged, and kept with its result
        logger.warning("Follow confirmation not sent (try %s)", attempt, exc_info=True)
        retry = timezone.now() + timedelta(minutes=delays[attempt - 1])
        later(request_follow, retry).enqueue(email, show_id, site_url, attempt + 1)


# A review published: its followers' mail


def announce(review, site_url):
    """Called when an editor saves a published review (reviews.notifications):
    its followers are mailed at its publication time, a scheduled review's
    included, with no cron: the task waits in the worker's queue until then."""
    later(announce_review, review.published_at).enqueue(review.pk, site_url)


@task
def announce_review(review_id, site_url):
    """Make a Delivery for each follower of the review's show who confirmed
    before its publication (once per review), then queue the sending in
    batches. Checked now, not when queued: a review unpublished or moved later
    since is not announced (the save that moved it queued its own task)."""
    review = Review.objects.published().filter(pk=review_id).first()
    if review is None or review.show_id is None:
        return
    with transaction.atomic():
        announcement, new = Announcement.objects.get_or_create(review=review)
        if new:
            followers = (
                Follow.objects.confirmed()
                .filter(show=review.show_id, confirmed__lte=review.published_at)
                .values_list("follower_id", flat=True)
            )
            made = Delivery.objects.bulk_create(
                (
                    Delivery(follower_id=follower, review_id=review.pk)
                    for follower in followers.iterator()
                ),
                batch_size=1000,
                ignore_conflicts=True,
            )
            announcement.followers = len(made)
            announcement.save(update_fields=["followers"])
    due = Delivery.objects.filter(review=review, state=State.PENDING).count()
    batches = ceil(due / settings.FOLLOWING_BATCH)
    for _ in range(batches):
        send_deliveries.enqueue(review_id, site_url)


def claim(review_id, size):
    """Take up to ``size`` deliveries due for ``review_id`` for this batch:
    (the batch's claim, how many). A row is taken by one batch only: locked and
    skipped by the others on PostgreSQL, and on any database claimed by an
    UPDATE that only changes rows still due."""
    name = secrets.token_hex(16)
    now = timezone.now()
    stale = now - timedelta(minutes=settings.FOLLOWING_CLAIM_MINUTES)
    due = (
        Q(state=State.PENDING)
        | Q(state=State.FAILED, retry_at__lte=now)
        | Q(state=State.CLAIMED, claimed__lt=stale)
    )
    with transaction.atomic():
        rows = Delivery.objects.filter(due, review=review_id).order_by("pk")
        if connection.features.has_select_for_update_skip_locked:
            rows = rows.select_for_update(skip_locked=True)
        ids = list(rows.values_list("pk", flat=True)[:size])
        taken = Delivery.objects.filter(due, pk__in=ids).update(
            state=State.CLAIMED, claimed=now, claim=name
        )
    return name, taken


def plain_text(spoiler_free_html):
    text = html.unescape(strip_tags(spoiler_free_html))
    return re.sub(r"\n{3,}", "\n\n", text).strip()


@task
def send_deliveries(review_id, site_url):
    """Send one batch of a review's mail to its followers, reusing one SMTP
    connection. A delivery is marked "sending" just before it is handed to the
    mail server, and those handed over "sent" at the end: a worker killed
    meanwhile leaves them "sending", never sent again. The first failure marks
    that one "failed" (tried again later, MAIL_RETRY_MINUTES) and gives the rest
    of the batch back."""
    name, taken = claim(review_id, settings.FOLLOWING_BATCH)
    if not taken:
        return
    batch = Delivery.objects.filter(claim=name, state=State.CLAIMED)
    review = (
        Review.objects.published()
        .select_related("show", "episode", "author")
        .filter(pk=review_id)
        .first()
    )
    if review is None:  # unpublished since: kept for when it is published again
        batch.update(state=State.PENDING, claim="", claimed=None)
        return
    context = {
        "review": review,
        "show": review.show,
        "review_url": site_url + review.get_absolute_url(),
        "text": plain_text(review.body_spoiler_free_html),
    }
    subject = subject_of(review)
    mailer = mailers.default
    sent = []
    try:
        for delivery in batch.select_related("follower").order_by("pk"):
            mine = Delivery.objects.filter(
                pk=delivery.pk, claim=name, state=State.CLAIMED
            ).update(state=State.SENDING, attempts=F("attempts") + 1)
            if not mine:
                continue
            urls = links(site_url, delivery.follower_id, review.show_id)
            body = render_to_string("following/email/review.txt", {**context, **urls})
            mail = message(
                subject, body, delivery.follower.email, urls["unsubscribe_url"]
            )
            try:
                mailer.open()  # once: the batch shares one connection
                mailer.send_messages([mail])
            except MAIL_ERRORS as error:
                failed(delivery, error, review_id, site_url)
                break
            sent.append(delivery.pk)
    finally:
        mailer.close()
        Delivery.objects.filter(pk__in=sent).update(
            state=State.SENT, sent=timezone.now(), error=""
        )
        batch.update(state=State.PENDING, claim="", claimed=None)


def subject_of(review):
    """The review's title, after its show's name unless the title names it."""
    if review.show.title.lower() in review.title.lower():
        return review.title
    return f"{review.show.title}: {review.title}"


def failed(delivery, error, review_id, site_url):
    """Keep the delivery, failed, with its error; tried again after the next
    of MAIL_RETRY_MINUTES, and kept failed after the last (see the admin)."""
    delays = settings.MAIL_RETRY_MINUTES
    attempts = delivery.attempts + 1
    retry_at = None
    if attempts <= len(delays):
        retry_at = timezone.now() + timedelta(minutes=delays[attempts - 1])
    Delivery.objects.filter(pk=delivery.pk).update(
        state=State.FAILED, retry_at=retry_at, error=repr(error)[:1000]
    )
    logger.warning(
        "Follow mail %s not sent (try %s)%s",
        delivery.pk,
        attempts,
        f"; trying again at {retry_at:%H:%M}" if retry_at else "; giving up",
        exc_info=True,
    )
    if retry_at and task_backends["default"].supports_defer:
        later(send_deliveries, retry_at).enqueue(review_id, site_url)
