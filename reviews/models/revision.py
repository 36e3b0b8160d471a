import difflib
import json

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

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
    "status",
    "published_at",
    "comments_enabled",
]
LONG_TEXT = {"recap", "body"}


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

    def changes_since(self, older):
        """(field label, lines) for each field that differs from ``older``; long
        texts as a unified diff, others as a before and after."""
        changes = []
        for name in REVISION_FIELDS:
            before, after = older.data.get(name), self.data.get(name)
            if before == after:
                continue
            label = Review._meta.get_field(name).verbose_name.capitalize()
            if name in LONG_TEXT:
                lines = list(
                    difflib.unified_diff(
                        (before or "").splitlines(),
                        (after or "").splitlines(),
                        lineterm="",
                        n=2,
                    )
                )[2:]
            else:
                lines = [f"-{before if before is not None else ''}", f"+{after}"]
            changes.append((label, lines))
        return changes
