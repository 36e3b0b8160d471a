import json

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone

from ..diffs import marked_words, side_by_side
from .catalogue import Author
from .review import Review

# What a revision keeps: everything a writer edits in the review form.
REVISION_FIELDS = [
    "title",
    "slug",
    "author",
    "show",
    "episode",
    "kind",
    "summary",
    "intro",
    "recap",
    "body",
    "score",
    "story_score",
    "visuals_score",
    "sound_score",
    "characters_score",
    "verdict",
    "episodes_watched",
    "spoils_up_to",
    "cover",
    "cover_alt",
    "sign_off",
    "support_url",
    "support_label",
    "status",
    "published_at",
    "comments_enabled",
]
LONG_TEXT = {"intro", "recap", "body"}


class Revision(models.Model):
    """One saved state of a review: kept on every save, restorable."""

    review = models.ForeignKey(
        Review, on_delete=models.CASCADE, related_name="revisions"
    )
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    saved_at = models.DateTimeField(auto_now_add=True)
    note = models.CharField(max_length=200, blank=True)
    data = models.JSONField(encoder=DjangoJSONEncoder)

    class Meta:
        ordering = ["-saved_at", "-pk"]
        indexes = [
            models.Index(fields=["review", "-saved_at"], name="revision_review_idx")
        ]

    def __str__(self):
        return f"{self.review} at {self.saved_at:%Y-%m-%d %H:%M}"

    @staticmethod
    def snapshot(review):
        data = {}
        for name in REVISION_FIELDS:
            field = Review._meta.get_field(name)
            data[name] = field.value_from_object(review)
            if isinstance(field, models.FileField):
                data[name] = data[name].name or ""
        # Through JSON now, so a fresh snapshot compares equal to a stored one.
        return json.loads(json.dumps(data, cls=DjangoJSONEncoder))

    @classmethod
    def keep(cls, review, user, note=""):
        return cls.objects.create(
            review=review, saved_by=user, note=note, data=cls.snapshot(review)
        )

    @classmethod
    def keep_original(cls, review):
        """Before the first change of a review written outside the admin (the
        demo, an import), keep it as it was, so the change can be undone."""
        if review.pk and not review.revisions.exists():
            original = Review.objects.get(pk=review.pk)
            cls.objects.create(
                review=review,
                saved_by=None,
                note="As it was before its first change here",
                data=cls.snapshot(original),
            )

    def restore(self, user):
        """Put this revision's text back: a new save, and so a new revision."""
        review = self.review
        for name in REVISION_FIELDS:
            field = Review._meta.get_field(name)
            setattr(review, field.attname, field.to_python(self.data.get(name)))
        review.save()
        when = f"{self.saved_at:%Y-%m-%d %H:%M}"
        return Revision.keep(review, user, note=f"Restored the revision of {when}")

    @property
    def saved_by_name(self):
        return Author.name_of(self.saved_by) if self.saved_by else ""

    def changes_since(self, older):
        """(field label, rows) for each field that differs from ``older``, rows
        of (before, after) HTML: long texts line by line with the changed words
        marked (reviews.diffs), other fields as readers would see them."""
        changes = []
        for name in REVISION_FIELDS:
            before, after = older.data.get(name), self.data.get(name)
            if (
                before == after
                or name in LONG_TEXT
                and ((before or "").splitlines() == (after or "").splitlines())
            ):  # the same text, but for a browser's line endings
                continue
            label = Review._meta.get_field(name).verbose_name.capitalize()
            if name in LONG_TEXT:
                rows = side_by_side(before, after)
            else:
                rows = [marked_words(shown(name, before), shown(name, after))]
            changes.append((label, rows))
        return changes


def shown(name, value):
    """A field's stored value as the writer knows it: a show's title, not its
    id; a choice's label; a time in the site's time zone."""
    field = Review._meta.get_field(name)
    if value in (None, ""):
        return "—"
    if field.is_relation:
        found = field.related_model.objects.filter(pk=value).first()
        return str(found) if found else f"(deleted, #{value})"
    if field.choices:
        return str(dict(field.flatchoices).get(field.to_python(value), value))
    if isinstance(field, models.DateTimeField):
        moment = timezone.localtime(field.to_python(value))
        return f"{moment:%-d %b %Y, %H:%M}"
    if isinstance(field, models.BooleanField):
        return "Yes" if value else "No"
    return str(value)
