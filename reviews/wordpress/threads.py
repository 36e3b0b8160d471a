"""
A post's WordPress comments as ours.

WordPress threads go as deep as its settings allow; ours have one reply
level, so a reply to a reply answers the thread's first comment, and the
order is kept (replies are made in the order they were written). Pingbacks
and trackbacks are not readers' comments: skipped and counted. An approved
imported comment makes its e-mail address known to the first-comment rule
(comments.moderation.moderate), as on WordPress.
"""

import hashlib
from datetime import UTC, datetime

from django.utils import timezone

from comments.models import Comment, render_comment_text
from comments.moderation import stored_ip

from ..models import WordPressItem, web_address
from .convert import comment_text
from .parse import gmt_time, local_time

STATUSES = {
    "1": Comment.Status.APPROVED,
    "approve": Comment.Status.APPROVED,
    "0": Comment.Status.PENDING,
    "hold": Comment.Status.PENDING,
    "spam": Comment.Status.SPAM,
    "trash": Comment.Status.REMOVED,
    "post-trashed": Comment.Status.REMOVED,
}
FIELDS = ["name", "email", "website", "text", "status", "created", "ip_address"]


def comment_time(record, fallback):
    when = gmt_time(record.date_gmt)
    if when is None and (local := local_time(record.date)):
        when = timezone.make_aware(local)
    return when or fallback


def thread_roots(records):
    """{comment id: the id of the first comment of its thread here}."""
    parents = {record.id: record.parent for record in records}
    roots = {}
    for record in records:
        current, seen = record.id, set()
        while parents.get(current) in parents and current not in seen:
            seen.add(current)
            current = parents[current]
        roots[record.id] = current
    return roots


class CommentImporter:
    def __init__(self, site, report):
        self.site = site
        self.report = report

    def fingerprint(self, record):
        return hashlib.sha256(f"wordpress:{self.site}:{record.id}".encode()).hexdigest()

    def values(self, record, review):
        """The comment's fields, as our model has them."""
        text = comment_text(record.content) or "(empty comment)"
        return {
            "name": record.author[:80] or "Anonymous",
            "email": record.email[:254],
            "website": web_address(record.url)[:200],
            "text": text,
            "status": STATUSES.get(record.approved, Comment.Status.PENDING),
            "created": comment_time(record, review.published_at or timezone.now()),
            "ip_address": stored_ip(record.ip) if record.ip else "",
        }

    def import_comments(self, item, review):
        records = []
        for record in item.comments:
            kind = record.type or "comment"
            if kind in ("pingback", "trackback"):
                self.report.count("comments", "skipped")
                self.report.skip(f"{kind}s (not readers' comments)")
            elif kind != "comment":
                self.report.count("comments", "skipped")
                self.report.skip(f'comments of type "{kind}"')
            else:
                records.append(record)
        if not records:
            return
        earliest = datetime.min.replace(tzinfo=UTC)
        records.sort(key=lambda record: (comment_time(record, earliest), record.id))
        roots = thread_roots(records)
        known = {
            row.wp_id: row
            for row in WordPressItem.objects.filter(
                site=self.site,
                kind=WordPressItem.Kind.COMMENT,
                wp_id__in=[str(record.id) for record in records],
            )
        }
        ours = {}  # WordPress comment id -> our Comment id
        for row in known.values():
            ours[int(row.wp_id)] = row.object_id
        top = [record for record in records if roots[record.id] == record.id]
        replies = [record for record in records if roots[record.id] != record.id]
        for level in (top, replies):
            new = []
            for record in level:
                values = self.values(record, review)
                parent = None if level is top else ours.get(roots[record.id])
                digest = hashlib.sha256(
                    repr([values[name] for name in FIELDS] + [parent]).encode()
                ).hexdigest()
                row = known.get(str(record.id))
                if row is None:
                    comment = Comment(
                        review=review,
                        parent_id=parent,
                        text_html=render_comment_text(values["text"]),
                        moderation_reason="Imported from WordPress.",
                        fingerprint=self.fingerprint(record),
                        **values,
                    )
                    new.append((record, comment, digest))
                elif row.digest != digest:
                    comment = Comment.objects.get(pk=row.object_id)
                    for name, value in values.items():
                        setattr(comment, name, value)
                    comment.parent_id = parent
                    comment.save()
                    row.digest = digest
                    row.save(update_fields=["digest", "imported"])
                    self.report.count("comments", "updated")
                else:
                    self.report.count("comments", "unchanged")
            created = Comment.objects.bulk_create([comment for _, comment, _ in new])
            WordPressItem.objects.bulk_create(
                WordPressItem(
                    site=self.site,
                    kind=WordPressItem.Kind.COMMENT,
                    wp_id=str(record.id),
                    object_id=comment.pk,
                    digest=digest,
                )
                for (record, _, digest), comment in zip(new, created, strict=True)
            )
            for (record, _, _), comment in zip(new, created, strict=True):
                ours[record.id] = comment.pk
            self.report.count("comments", "created", len(created))
        # Created in bulk, without the signals that count them.
        type(review).objects.filter(pk=review.pk).recount_comments()
