"""Readers' scores of episodes: one rating per browser per episode, and each
episode's community score, kept up to date on every rating so that no page
adds up the ratings."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import Count, Q, Sum
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone

from reviews.models import Episode
from reviews.pagecache import bump

SCORES = range(1, 11)


class CommunityScore(models.Model):
    """An episode's readers' score: what the counted ratings add up to."""

    episode = models.OneToOneField(
        Episode,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="community_score",
    )
    count = models.PositiveIntegerField(default=0, db_default=0)
    total = models.PositiveIntegerField(default=0, db_default=0)
    # How many counted ratings gave each score, 1 to 10.
    distribution = models.JSONField(default=list, db_default=[])

    class Meta:
        verbose_name = "community score"

    def __str__(self):
        return f"{self.episode}: {self.mean or '—'} from {self.count}"

    @property
    def mean(self):
        return self.total / self.count if self.count else None

    @property
    def bars(self):
        """(score, count, percent of the largest count) for the distribution."""
        counts = self.distribution or [0] * len(SCORES)
        largest = max(counts) or 1
        return [
            (score, count, round(100 * count / largest))
            for score, count in zip(SCORES, counts, strict=True)
        ]

    def recount(self):
        """Add up the episode's counted ratings again (its row is locked)."""
        ratings = Rating.objects.filter(episode=self.episode_id, counted=True)
        per_score = dict(
            ratings.values_list("score").annotate(n=Count("pk")).order_by()
        )
        totals = ratings.aggregate(count=Count("pk"), total=Sum("score"))
        self.count = totals["count"]
        self.total = totals["total"] or 0
        self.distribution = [per_score.get(score, 0) for score in SCORES]
        self.save()


class RatingQuerySet(models.QuerySet):
    def counted(self):
        return self.filter(counted=True)


class Rating(models.Model):
    episode = models.ForeignKey(
        Episode, on_delete=models.CASCADE, related_name="ratings"
    )
    # The browser's identifier (a signed cookie set when it first rates).
    rater = models.CharField(max_length=32, editable=False)
    score = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    # A keyed hash of the rater's address block (/24, or /48 for IPv6).
    network = models.CharField(max_length=64, editable=False)
    counted = models.BooleanField(
        default=True,
        db_default=True,
        help_text="Counted in the community score. Ratings from one network "
        "over RATINGS_PER_NETWORK for an episode are kept but not counted.",
    )
    created = models.DateTimeField(default=timezone.now, editable=False)
    updated = models.DateTimeField(auto_now=True)

    objects = RatingQuerySet.as_manager()

    class Meta:
        ordering = ["-updated"]
        constraints = [
            models.UniqueConstraint(
                fields=["episode", "rater"], name="rating_one_per_browser"
            ),
            models.CheckConstraint(
                condition=Q(score__gte=1, score__lte=10), name="rating_score_1_to_10"
            ),
        ]
        indexes = [
            models.Index(fields=["episode", "network"], name="rating_network_idx"),
        ]

    def __str__(self):
        return f"{self.score}/10 for {self.episode}"


def recount(episode_ids):
    """Bring these episodes' community scores up to date (after a moderator
    counts a rating again or stops counting one), each with its row locked."""
    for episode_id in set(episode_ids):
        with transaction.atomic():
            CommunityScore.objects.get_or_create(episode_id=episode_id)
            CommunityScore.objects.select_for_update().get(
                episode_id=episode_id
            ).recount()


def rate(episode, rater, score, network, per_network):
    """Record ``rater``'s score for ``episode`` (a change when they rated it
    before) and bring the community score up to date, in one transaction with
    the episode's score row locked, so that ratings sent at once all count.
    A new rating is counted while its network has fewer than ``per_network``
    counted ratings of the episode. Returns the Rating."""
    with transaction.atomic():
        CommunityScore.objects.get_or_create(episode=episode)
        community = CommunityScore.objects.select_for_update().get(episode=episode)
        rating = Rating.objects.filter(episode=episode, rater=rater).first()
        if rating is None:
            crowded = (
                Rating.objects.counted()
                .filter(episode=episode, network=network)
                .count()
                >= per_network
            )
            rating = Rating(
                episode=episode, rater=rater, network=network, counted=not crowded
            )
        rating.score = score
        rating.save()
        community.recount()
    return rating


@receiver(post_save, sender=CommunityScore, dispatch_uid="pages-community-score")
def community_score_saved(sender, instance, **kwargs):
    """A rating, or a moderator's recount: the pages showing the episode."""
    bump(f"episode:{instance.episode_id}")
