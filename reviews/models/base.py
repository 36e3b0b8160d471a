import math
from decimal import Decimal

from django.core.validators import URLValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.html import strip_tags

from ..images import validate_image
from ..scores import band_ranges

WORDS_PER_MINUTE = 220

# Links a writer or reader gives (a support page, a website) are web addresses:
# checked so when saved, and only linked so when shown (a row written by other
# means is shown as no link).
web_address_validator = URLValidator(schemes=["http", "https"])


def web_address(url):
    """``url`` if it is an http(s) address, else ""."""
    return url if url.lower().startswith(("http://", "https://")) else ""


# One decimal place, as the database returns them, so a stored 7.0 matches its choice.
SCORE_VALUES = [(Decimal(n) / 2).quantize(Decimal("0.1")) for n in range(21)]
SCORE_CHOICES = [(value, f"{value:g}".removesuffix(".0")) for value in SCORE_VALUES]


def score_field(verbose_name, help_text):
    return models.DecimalField(
        verbose_name,
        max_digits=3,
        decimal_places=1,
        choices=SCORE_CHOICES,
        null=True,
        blank=True,
        help_text=help_text,
    )


def score_constraint(field, model):
    return models.CheckConstraint(
        condition=Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__in": SCORE_VALUES}),
        name=f"{model}_{field}_half_points_0_to_10",
        violation_error_message="Scores go from 0 to 10 in half points.",
    )


def cover_alt_constraint(model):
    return models.CheckConstraint(
        condition=Q(cover="") | ~Q(cover_alt=""),
        name=f"{model}_cover_has_alt_text",
        violation_error_message=(
            "Describe the cover image in its alt text for readers who cannot see it."
        ),
    )


class CoverImage(models.Model):
    """A cover image, with the size it was stored at (for width, height and
    srcset: reviews.images makes its renditions)."""

    cover = models.ImageField(
        upload_to="covers/",
        blank=True,
        validators=[validate_image],
        width_field="cover_width",
        height_field="cover_height",
    )
    cover_width = models.PositiveIntegerField(null=True, editable=False)
    cover_height = models.PositiveIntegerField(null=True, editable=False)

    class Meta:
        abstract = True


class Signature(models.Model):
    """What is shown under a writer's reviews: a sign-off line and a support
    link. A writer's profile has one; each review keeps its own copy."""

    sign_off = models.CharField(
        max_length=200,
        blank=True,
        help_text="An optional line shown under the review.",
    )
    support_url = models.URLField(
        "support link",
        blank=True,
        validators=[web_address_validator],
        help_text="Where readers can support you (Patreon, Ko-fi...).",
    )
    support_label = models.CharField(
        max_length=60,
        blank=True,
        help_text='The text of the support link, e.g. "Buy me a coffee on Ko-fi".',
    )

    SIGNATURE_FIELDS = ["sign_off", "support_url", "support_label"]

    class Meta:
        abstract = True

    def sign_as(self, signed):
        """Take the sign-off and support link of ``signed`` (a writer's profile)."""
        for name in self.SIGNATURE_FIELDS:
            setattr(self, name, getattr(signed, name))


def published_condition(prefix=""):
    """The one publishing rule as a condition: published, and its time has come.

    ``prefix`` reaches reviews through a relation, e.g. "reviews__" from a show.
    """
    return Q(
        **{
            f"{prefix}status": "published",
            f"{prefix}published_at__lte": timezone.now(),
        }
    )


# What a count of reviews counts: a column of every index that serves a
# published-review aggregate (status, published_at, score), never null. Counted
# by key, PostgreSQL read each review's row: /shows/, /authors/ and /scores/
# took 35-40 ms of SQL on the bench data set.
COUNTED = "reviews__status"


class ReviewedQuerySet(models.QuerySet):
    """For models with reviews (shows, episodes, authors)."""

    def with_scores(self):
        """Annotate ``review_count`` and ``mean_score``, of published reviews.
        The reviews counted are their statuses (never null), not their keys:
        then PostgreSQL reads them from the indexes that hold the score, not
        from the rows (see COUNTED)."""
        published = published_condition("reviews__")
        return self.annotate(
            review_count=models.Count(COUNTED, filter=published),
            mean_score=models.Avg("reviews__score", filter=published),
        )

    def with_score_bands(self):
        """How many published scores fall in each band of the score colours
        (reviews.scores): ``high_scores``, ``mid_scores``, ``low_scores``."""
        published = published_condition("reviews__")
        counts = {}
        for name, lowest, below in band_ranges():
            band = Q(reviews__score__gte=lowest)
            if below is not None:
                band &= Q(reviews__score__lt=below)
            counts[f"{name}_scores"] = models.Count(COUNTED, filter=published & band)
        return self.annotate(**counts)


class CollectionQuerySet(models.QuerySet):
    """For studios and genres, whose reviews are their shows'."""

    def with_counts(self):
        """Annotate ``show_count``, their shows with a published review, and
        ``review_count``, those reviews."""
        published = published_condition("shows__reviews__")
        return self.annotate(
            show_count=models.Count("shows", filter=published, distinct=True),
            review_count=models.Count(f"shows__{COUNTED}", filter=published),
        )


def reading_minutes(*html_fragments):
    words = sum(len(strip_tags(html).split()) for html in html_fragments)
    return max(1, math.ceil(words / WORDS_PER_MINUTE))
