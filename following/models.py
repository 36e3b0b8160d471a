"""Readers following a show by e-mail, without an account: an address, the
shows it follows (each confirmed from a link sent to it, double opt-in), and one
Delivery row per follower and review, the record that makes a review's mail go
out at most once per follower whatever the worker does."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from reviews.models import Review, Show


class FollowerQuerySet(models.QuerySet):
    def expired(self):
        """Addresses that never confirmed a show within FOLLOWING_CONFIRM_DAYS."""
        cutoff = timezone.now() - timedelta(days=settings.FOLLOWING_CONFIRM_DAYS)
        return self.filter(created__lt=cutoff).exclude(follows__confirmed__isnull=False)


class Follower(models.Model):
    email = models.EmailField(unique=True)
    created = models.DateTimeField(default=timezone.now, editable=False)

    objects = FollowerQuerySet.as_manager()

    class Meta:
        ordering = ["email"]

    def __str__(self):
        return self.email

    @staticmethod
    def normalize(email):
        return email.strip().lower()


class FollowQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(confirmed__isnull=False)

    def expired(self):
        cutoff = timezone.now() - timedelta(days=settings.FOLLOWING_CONFIRM_DAYS)
        return self.filter(confirmed__isnull=True, created__lt=cutoff)


class Follow(models.Model):
    follower = models.ForeignKey(
        Follower, on_delete=models.CASCADE, related_name="follows"
    )
    show = models.ForeignKey(Show, on_delete=models.CASCADE, related_name="follows")
    created = models.DateTimeField(default=timezone.now, editable=False)
    # When the reader followed the link of the confirmation e-mail; until then
    # nothing but that e-mail is sent.
    confirmed = models.DateTimeField(null=True, blank=True)

    objects = FollowQuerySet.as_manager()

    class Meta:
        ordering = ["show__title"]
        constraints = [
            models.UniqueConstraint(
                fields=["follower", "show"], name="follow_one_per_show"
            ),
        ]
        indexes = [
            models.Index(fields=["show", "confirmed"], name="follow_show_idx"),
        ]

    def __str__(self):
        return f"{self.follower} follows {self.show}"


class Announcement(models.Model):
    """A review whose deliveries were made: it is never announced again."""

    review = models.OneToOneField(
        Review, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    created = models.DateTimeField(default=timezone.now, editable=False)
    followers = models.PositiveIntegerField(default=0, db_default=0)

    def __str__(self):
        return f"{self.review} to {self.followers} followers"


class Delivery(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        # Taken by a worker for its batch; taken again if the worker died
        # before trying it (FOLLOWING_CLAIM_MINUTES).
        CLAIMED = "claimed", "Claimed"
        # Being handed to the mail server: if the worker dies now, whether the
        # mail left is unknown, and it is never sent again (at most once).
        SENDING = "sending", "Sending (unknown if the worker stopped)"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    follower = models.ForeignKey(
        Follower, on_delete=models.CASCADE, related_name="deliveries"
    )
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="+")
    state = models.CharField(
        max_length=10,
        choices=State,
        default=State.PENDING,
        db_default=State.PENDING,
    )
    attempts = models.PositiveSmallIntegerField(default=0, db_default=0)
    # When a failed delivery is tried again, and when a claim was taken.
    retry_at = models.DateTimeField(null=True, blank=True)
    claimed = models.DateTimeField(null=True, blank=True)
    claim = models.CharField(max_length=32, blank=True, default="", db_default="")
    sent = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True, default="", db_default="")

    class Meta:
        verbose_name_plural = "deliveries"
        ordering = ["-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["follower", "review"], name="delivery_one_per_review"
            ),
            models.CheckConstraint(
                condition=Q(
                    state__in=["pending", "claimed", "sending", "sent", "failed"]
                ),
                name="delivery_state_known",
            ),
        ]
        indexes = [
            models.Index(fields=["review", "state"], name="delivery_state_idx"),
        ]

    def __str__(self):
        return f"{self.review} to {self.follower}: {self.get_state_display()}"
