import re
from datetime import datetime
from typing import NamedTuple

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Coalesce
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from reviews.markdown import (
    INLINE_SPOILERS,
    SPOILER_CLOSE,
    SPOILER_HIDDEN,
    SPOILER_OPEN,
)
from reviews.models import Review, web_address, web_address_validator
from reviews.pagecache import bump

# Only http(s) addresses become links; anything else stays text.
URL_PATTERN = re.compile(r"\bhttps?://[^\s<>\"']+", re.IGNORECASE)


def _link(match):
    url = match.group(0).rstrip(".,;:!?")
    while url.endswith(")") and url.count("(") < url.count(")"):
        url = url[:-1]
    tail = match.group(0)[len(url) :]
    link = '<a href="{}" rel="nofollow ugc noopener">{}</a>{}'
    return format_html(link, url, url, tail)


def _linked_line(line):
    parts, position = [], 0
    for match in URL_PATTERN.finditer(line):
        parts += [escape(line[position : match.start()]), _link(match)]
        position = match.end()
    parts.append(escape(line[position:]))
    return "".join(parts)


PARAGRAPH_BREAK = re.compile(r"(\n\s*\n)")


def split_spoilers(text):
    """``text`` as (part, is_spoiler) pairs: the inline spoilers reviews have
    (``>!hidden!<``, ``||hidden||``), within one paragraph. One pass, however
    many openers are never closed."""
    parts, position, next_opener = [], 0, {}
    spoilers = dict(INLINE_SPOILERS)
    while spoilers:
        for opener in spoilers:
            if next_opener.get(opener, -1) < position:
                next_opener[opener] = text.find(opener, position)
        found = [(at, opener) for opener, at in next_opener.items() if at != -1]
        if not found:
            break
        start, opener = min(found)
        inner = start + len(opener)
        end = text.find(spoilers[opener], inner)
        if end == -1:
            # No closer after this opener, so none after any later one either.
            del spoilers[opener], next_opener[opener]
            continue
        if text[inner:end].strip():
            parts += [(text[position:start], False), (text[inner:end], True)]
            position = end + len(spoilers[opener])
        else:
            # "||||" or ">! !<" hides nothing: the opener stays as typed.
            parts.append((text[position:inner], False))
            position = inner
    parts.append((text[position:], False))
    return [(part, spoiler) for part, spoiler in parts if part]


def _lines(text):
    return "<br>\n".join(map(_linked_line, text.split("\n")))


def _paragraph(text, hide_spoilers):
    pieces = []
    for part, spoiler in split_spoilers(text):
        if not spoiler:
            pieces.append(_lines(part))
        elif hide_spoilers:
            pieces.append(SPOILER_HIDDEN)
        else:
            pieces.append(SPOILER_OPEN + _lines(part) + SPOILER_CLOSE)
    return "<p>{}</p>".format("".join(pieces))


def render_comment_text(text, hide_spoilers=False):
    """Plain text as HTML: escaped, paragraphs and line breaks kept, web
    addresses linked with rel="nofollow ugc noopener", and inline spoilers as
    reviews have them (with ``hide_spoilers``, a "spoiler hidden" note each).
    No other markup: a comment is what its writer typed."""
    paragraphs = re.split(r"\n\s*\n", text.replace("\r\n", "\n").strip())
    return mark_safe(
        "\n".join(_paragraph(p, hide_spoilers) for p in paragraphs if p.strip())
    )


def text_without_spoilers(text):
    """The plain text with each spoiler replaced by "[spoiler hidden]": for
    e-mails, the moderation queue's excerpts and the spoiler-word rule."""
    return "".join(
        "[spoiler hidden]" if spoiler else part
        for paragraph in PARAGRAPH_BREAK.split(text.replace("\r\n", "\n"))
        for part, spoiler in split_spoilers(paragraph)
    )


def count_links(text):
    return len(URL_PATTERN.findall(text))


class CommentStatus(models.IntegerChoices):
    """Integers, so that the queue sorts pending first."""

    PENDING = 0, "Awaiting moderation"
    APPROVED = 1, "Approved"
    SPAM = 2, "Spam"
    REMOVED = 3, "Removed"


class CommentQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=CommentStatus.APPROVED)

    def in_threads(self):
        """Each top-level comment followed by its replies, oldest first. Replies
        to a removed comment keep their thread (it shows "This comment was
        removed"); replies to spam or to a comment awaiting moderation wait
        with it."""
        kept = [CommentStatus.APPROVED, CommentStatus.REMOVED]
        return (
            self.filter(Q(parent=None) | Q(parent__status__in=kept))
            .annotate(thread=Coalesce("parent_id", "id"))
            .order_by("thread", "pk")
        )

    def listed(self):
        """These comments as the comment list shows them: ListedComments, read
        with values_list(). As model instances a page of 50 took 1.5 ms to
        read on the bench data set, as these 0.9."""
        return [ListedComment(*row) for row in self.values_list(*ListedComment.READ)]

    def sent_before(self, comment):
        """The comment the same submission made (a double click, a reload),
        if any: see CommentForm.save()."""
        return self.filter(fingerprint=comment.fingerprint).first()

    def pending(self):
        return self.filter(status=CommentStatus.PENDING)

    def visible(self, own_ids=(), moderator=False):
        """What a reader sees: approved comments, plus their own pending ones (or
        every pending one for a moderator)."""
        answered = Comment.objects.approved().filter(parent=OuterRef("pk"))
        shown = Q(status=CommentStatus.APPROVED) | Q(
            # A removed comment stays as a line, where approved replies answer it.
            Exists(answered),
            status=CommentStatus.REMOVED,
        )
        if moderator:
            shown |= Q(status=CommentStatus.PENDING)
        elif own_ids:
            shown |= Q(status=CommentStatus.PENDING, pk__in=own_ids)
        return self.filter(shown)

    def for_staff(self, user):
        """Moderators and editors see every comment; writers those on the reviews
        they may edit."""
        if user.has_perm("comments.change_comment"):
            return self
        if user.has_perm("comments.view_comment"):
            return self.filter(review__in=Review.objects.editable_by(user))
        return self.none()

    def moderate(self, status, user, *, only_from=None, on_reply_approved=None):
        """Move these comments to ``status`` (those of them in one of the
        statuses ``only_from``, when given); returns how many changed.
        ``on_reply_approved``, when given, is called with the pk of each reply
        among them approved (the admin's: comments.mail.reply_approved).

        One UPDATE statement: two moderators acting on the same comment at once
        leave it in one final state, with the moderator who set it.
        """
        comments = self.exclude(status=status)
        if only_from is not None:
            comments = comments.filter(status__in=only_from)
        # Readers see the change only of comments approved before or after.
        if status != CommentStatus.APPROVED:
            shown = comments.filter(status=CommentStatus.APPROVED)
        else:
            shown = comments
        reviews = set(shown.values_list("review", flat=True))
        # Its replies' too: they show, or not, with it.
        counted = set(comments.values_list("review", flat=True))
        notify = status == CommentStatus.APPROVED and on_reply_approved
        if notify:
            # The UPDATE does not say which rows it changed: the replies among
            # these are read first, and each one's task mails only when it
            # finds the reply approved.
            replies = list(comments.exclude(parent=None).values_list("pk", flat=True))
        changed = comments.update(
            status=status, moderated_by=user, moderated_at=timezone.now()
        )
        if changed:
            Review.objects.filter(pk__in=counted).recount_comments()
        if changed and reviews:
            bump(*(f"review:{pk}" for pk in reviews))
        if changed and notify:
            for reply_id in replies:
                on_reply_approved(reply_id)
        return changed


class ShownComment:
    """What readers are shown of a comment, from its status and website: for
    Comment and ListedComment alike. (Not reviews.pagecache.Shown: comments
    record no tags as they load; their writes bump their review's.)"""

    __slots__ = ()
    Status = CommentStatus

    @property
    def website_url(self):
        """The website, only when it is a web address: nothing else is linked."""
        return web_address(self.website)

    def is_pending(self):
        return self.status == self.Status.PENDING

    def is_removed(self):
        return self.status == self.Status.REMOVED

    def is_approved(self):
        return self.status == self.Status.APPROVED


class ListedRow(NamedTuple):
    pk: int
    parent_id: int | None
    parent_name: str | None
    name: str
    website: str
    text_html: str
    status: int
    created: datetime


class ListedComment(ShownComment, ListedRow):
    """A comment of the comment list (CommentQuerySet.listed()): what
    {% comment_threads %} shows of it, no more."""

    __slots__ = ()
    # The columns each field is read from, in order.
    READ = (
        *("pk", "parent_id", "parent__name", "name", "website", "text_html"),
        *("status", "created"),
    )

    @property
    def thread(self):
        """As CommentQuerySet.in_threads() orders them."""
        return self.pk if self.parent_id is None else self.parent_id


class Comment(ShownComment, models.Model):
    review = models.ForeignKey(
        Review, on_delete=models.CASCADE, related_name="comments"
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="replies",
        help_text="The comment this one replies to.",
    )
    name = models.CharField(max_length=80)
    email = models.EmailField("e-mail", help_text="Never shown on the site.")
    website = models.URLField(blank=True, validators=[web_address_validator])
    text = models.TextField()
    text_html = models.TextField(editable=False)
    status = models.PositiveSmallIntegerField(
        choices=CommentStatus, default=CommentStatus.PENDING
    )
    moderation_reason = models.CharField(
        max_length=200, blank=True, help_text="Why the rules gave it this status."
    )
    ip_address = models.CharField(
        "IP address",
        max_length=64,
        blank=True,
        help_text="Truncated or hashed, as COMMENTS_IP_PRIVACY says.",
    )
    # Identifies one submitted form, so a double click makes one comment.
    fingerprint = models.CharField(max_length=64, unique=True, editable=False)
    notify_replies = models.BooleanField(
        "e-mail replies",
        default=False,
        db_default=False,
        help_text="The commenter asked to be e-mailed the approved replies.",
    )
    # Its writer confirmed, from the first reply's e-mail, that the address is
    # theirs and wants the replies (asked: when that e-mail was sent).
    replies_asked = models.DateTimeField(null=True, blank=True, editable=False)
    replies_confirmed = models.DateTimeField(null=True, blank=True, editable=False)
    # When the comment this one answers was mailed about it: claimed before
    # sending, so a reply is mailed once whatever retries or re-approvals do.
    reply_mailed = models.DateTimeField(null=True, blank=True, editable=False)
    created = models.DateTimeField(default=timezone.now, editable=False)
    moderated_at = models.DateTimeField(null=True, blank=True, editable=False)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    objects = CommentQuerySet.as_manager()

    class Meta:
        # The table it had in the reviews app, before comments had their own.
        db_table = "reviews_comment"
        ordering = ["status", "-created"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=CommentStatus.values),
                name="comment_status_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["review", "status", "id"], name="comment_review_idx"),
            models.Index(fields=["email", "status"], name="comment_email_idx"),
            models.Index(fields=["status", "-created"], name="comment_queue_idx"),
            # The approved replies of a removed comment (visible()): without it
            # SQLite, lacking statistics, scans every approved comment instead.
            models.Index(fields=["parent", "status"], name="comment_replies_idx"),
        ]

    def __str__(self):
        return f"{self.name} on {self.review}"

    def save(self, *args, **kwargs):
        self.text_html = render_comment_text(self.text)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        """The page of comments that starts with this thread."""
        url = self.review.get_absolute_url()
        return f"{url}?comments_from={self.parent_id or self.pk}#comment-{self.pk}"

    def save_once(self):
        """Save a new comment: (comment, True); or, when the same submission
        was saved at the same moment (sent twice at once), (that one, False)."""
        try:
            with transaction.atomic():
                self.save()
        except IntegrityError:
            if (sent := Comment.objects.sent_before(self)) is None:
                raise
            return sent, False
        return self, True


class ReplyAddress(models.Model):
    """An address that asked for no more e-mail about replies, whatever
    comment names it (the "stop all" link of every reply e-mail), until it
    confirms a comment's replies again."""

    email = models.EmailField(unique=True)
    stopped = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "reply addresses stopped"
        ordering = ["email"]

    def __str__(self):
        return self.email


# What readers see changes when a comment is approved, or an approved one
# changes or goes: the pages showing its review (reviews.pagecache). The home
# page's most discussed follows at the next publication, not at each comment,
# which would keep the busiest page cold. A new comment awaiting moderation
# changes no page but its writer's, which is never cached.


@receiver(post_save, sender=Comment, dispatch_uid="pages-comment-saved")
def comment_saved(sender, instance, created, **kwargs):
    if not created or instance.is_approved():
        Review.objects.filter(pk=instance.review_id).recount_comments()
        bump(f"review:{instance.review_id}")


@receiver(post_delete, sender=Comment, dispatch_uid="pages-comment-deleted")
def comment_deleted(sender, instance, **kwargs):
    # A reply deleted with its comment, or with its review, counts as well.
    Review.objects.filter(pk=instance.review_id).recount_comments()
    if instance.is_approved():
        bump(f"review:{instance.review_id}")


@receiver(post_save, sender=Review, dispatch_uid="comments-review-restored")
def review_restored(sender, instance, raw, **kwargs):
    """A review saved as stored (a revision restored, a fixture loaded) holds
    no count of its own (reversion keeps none): it is counted again."""
    if raw:
        Review.objects.filter(pk=instance.pk).recount_comments()
