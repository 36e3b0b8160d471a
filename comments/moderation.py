"""The rules that decide what happens to a reader's comment, in the order they
apply: spam first, then what a moderator must see, then approval. Also the client
address, the rate limit and the moderators' e-mail."""

import hashlib
import hmac
import ipaddress
import re

from django.conf import settings
from django.core.cache import cache
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse

from reviews.mail import addresses_of_staff_who_may, deliver
from reviews.models import Episode

from .models import Comment, count_links, text_without_spoilers

Status = Comment.Status


def moderate(comment, *, honeypot, seconds_to_post, rate_limit_checked=True):
    """(status, reason) for a new comment."""
    if honeypot:
        return Status.SPAM, "Filled in the hidden honeypot field."
    words = f"{comment.name}\n{comment.website}\n{comment.text}"
    if word := matched_word(words, settings.COMMENTS_SPAM_WORDS):
        return Status.SPAM, f"Contains the spam word “{word}”."
    if seconds_to_post < settings.COMMENTS_MIN_SECONDS:
        # Robots are that fast, and so is a person pasting what they wrote
        # elsewhere: held for a moderator, never lost.
        return (
            Status.PENDING,
            f"Sent {seconds_to_post:.1f} s after the form was shown "
            "(faster than most people type).",
        )
    links = count_links(comment.text)
    if links >= settings.COMMENTS_HOLD_LINKS:
        return Status.PENDING, f"Contains {links} links."
    if word := matched_word(words, settings.COMMENTS_MODERATION_WORDS):
        return Status.PENDING, f"Contains the moderation word “{word}”."
    if held := later_spoiler(comment):
        return Status.PENDING, held
    if not Comment.objects.approved().filter(email=comment.email).exists():
        return Status.PENDING, "First comment from this e-mail address."
    if not rate_limit_checked:
        # Fail closed: a flood would be published while the limit is blind.
        return Status.PENDING, "The rate limit could not be checked (cache down)."
    return Status.APPROVED, "This e-mail address has an approved comment."


def later_spoiler(comment):
    """Why the comment gives away an episode after the ones its review covers
    (a spoiler word a writer listed for that episode, outside the comment's
    own spoiler tags), or None."""
    review = comment.review
    covered = review.spoils_until
    if not review.show_id or not covered:
        return None
    text = text_without_spoilers(comment.text)
    later = (
        Episode.objects.filter(show=review.show_id, number__gt=covered)
        .exclude(spoiler_words="")
        .order_by("number")
    )
    for episode in later:
        if word := matched_word(text, episode.spoiler_word_list):
            return (
                f"Names “{word}”, a spoiler for episode {episode.number} (the "
                f"review covers episodes up to {covered})."
            )
    return None


def matched_word(text, words):
    """The first of ``words`` (or phrases) found in ``text`` as whole words."""
    for word in words:
        pattern = r"\s+".join(map(re.escape, word.split()))
        if re.search(rf"(?<!\w){pattern}(?!\w)", text, re.IGNORECASE):
            return word
    return None


def _keyed_hash(value, purpose):
    key = f"{settings.SECRET_KEY}:{purpose}".encode()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


def stored_ip(address):
    """The address as the moderation queue keeps it: its network, or a hash."""
    if settings.COMMENTS_IP_PRIVACY == "hash":
        return _keyed_hash(address, "comment-ip")[:16]
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return ""
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


def seconds_to_wait(address, fingerprint):
    """0 when this client may post now, None when the cache cannot say (the
    comment is then held, see moderate()); otherwise how long to wait.

    One comment per COMMENTS_RATE_SECONDS and COMMENTS_RATE_PER_HOUR per hour. The
    same submission sent twice (a double click) is not a second comment.
    """
    key = f"comments:rate:{_keyed_hash(address, 'rate')[:32]}"
    burst = settings.COMMENTS_RATE_SECONDS
    first = cache.add(f"{key}:last", fingerprint, burst)
    if first is None:
        return None  # the cache cannot answer (django-redis logs why)
    if not first and cache.get(f"{key}:last") != fingerprint:
        return burst
    cache.add(f"{key}:hour", 0, 3600)
    try:
        sent = cache.incr(f"{key}:hour")
    except ValueError:  # Expired between add() and incr().
        sent = 1
        cache.set(f"{key}:hour", sent, 3600)
    if sent is None:
        return None
    if sent > settings.COMMENTS_RATE_PER_HOUR:
        return 3600
    return 0


@task
def notify_moderators(comment_id, site_url):
    """E-mail the moderators a held comment, with links to act on it."""
    comment = Comment.objects.select_related("review").get(pk=comment_id)
    recipients = addresses_of_staff_who_may("comments.change_comment")
    if not recipients:
        return
    site_url = site_url.rstrip("/")

    def admin_url(action):
        path = reverse("admin:comments_comment_moderate", args=[comment.pk, action])
        return site_url + path

    text = text_without_spoilers(comment.text)
    context = {
        "comment": comment,
        # A spoiler is hidden in the inbox too: the moderate link shows it.
        "text": text,
        "spoilers_hidden": text != comment.text,
        "review_url": site_url + comment.review.get_absolute_url(),
        "approve_url": admin_url("approve"),
        "spam_url": admin_url("spam"),
        "queue_url": site_url + reverse("admin:comments_comment_changelist"),
    }
    deliver(
        f"Comment awaiting moderation on “{comment.review.title}”",
        render_to_string("comments/email/held_comment.txt", context),
        recipients,
    )
