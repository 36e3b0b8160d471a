import re
from datetime import timedelta

import reversion
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from markdownx.models import MarkdownxField

from ..markdown import markdown_length, render_markdown
from ..pagecache import Shown
from .base import (
    CoverImage,
    Signature,
    cover_alt_constraint,
    reading_minutes,
    score_constraint,
    score_field,
)
from .catalogue import Author, Episode, Show
from .queries import ReviewQuerySet, State

PREVIEW_SALT = "reviews.review-preview"
# A title's lead that repeats what a card says beside it: the show's name, then
# maybe the episode and the kind, then a colon or a dash.
HEADLINE_PREFIX = (
    r"{show}(?:\s+(?:episode|ep\.?)\s*\d+)?"
    r"(?:\s+(?:review|recap|first impressions))?"
    r"\s*(?:[:|–—]|\s-)\s*(?P<rest>\S.*)"
)


def publication_time_now():
    """Now, to the second: the admin's form shows no finer, so a time set here
    comes back from the form unchanged."""
    return timezone.now().replace(microsecond=0)


# A revision keeps what the writer wrote, not the comments' count of the day.
@reversion.register(exclude=["comment_count"])
class Review(Shown, CoverImage, Signature):
    """A review. Its Signature (sign-off, support link) is the writer's
    profile's, copied when the review is started, so that a later change of
    profile leaves it as it was."""

    class Kind(models.TextChoices):
        EPISODE = "episode", "Episode review"
        FIRST_IMPRESSIONS = "first_impressions", "First impressions"
        SEASON = "season", "Season review"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted for review"
        PUBLISHED = "published", "Published"

    class Verdict(models.TextChoices):
        RECOMMENDED = "recommended", "Recommended"
        MIXED = "mixed", "Mixed"
        NOT_RECOMMENDED = "not_recommended", "Not recommended"
        KEEP_WATCHING = "keep_watching", "Keep watching"
        WAIT_AND_SEE = "wait_and_see", "Wait and see"
        DROP = "drop", "Drop it"

    FIRST_IMPRESSION_VERDICTS = {
        Verdict.KEEP_WATCHING,
        Verdict.WAIT_AND_SEE,
        Verdict.DROP,
    }

    # The headings a new review of each kind may start from (the review form
    # offers them while the thoughts are empty).
    OUTLINES = {
        Kind.FIRST_IMPRESSIONS: (
            "## Thoughts\n\n\n\n## The music\n\n\n\n## Is it worth watching?\n\n"
        ),
        Kind.EPISODE: "## Thoughts\n\n\n\n## Odds and ends\n\n",
        Kind.SEASON: (
            "## The story\n\n\n\n## The look and the sound\n\n\n\n"
            "## The characters\n\n\n\n## Is it worth watching?\n\n"
        ),
    }

    author = models.ForeignKey(Author, on_delete=models.PROTECT, related_name="reviews")
    show = models.ForeignKey(
        Show,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reviews",
        help_text="Needed to submit or publish (a draft can wait); the episode's "
        "show if you pick the episode first.",
    )
    episode = models.ForeignKey(
        Episode,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reviews",
        help_text="For an episode review or first impressions: the episode reviewed.",
    )
    kind = models.CharField(max_length=20, choices=Kind, default=Kind.EPISODE)
    title = models.CharField(max_length=200)
    slug = models.SlugField(
        max_length=200,
        unique=True,
        blank=True,
        help_text="The review's address: /reviews/slug/. Made from the title if "
        "left empty.",
    )
    summary = models.CharField(
        max_length=300,
        blank=True,
        help_text="The one-line summary in lists and on the page; no spoilers.",
    )
    intro = MarkdownxField(
        "introduction",
        blank=True,
        validators=[markdown_length],
        help_text="Optional, in Markdown: a spoiler-free opening shown before the "
        "recap (the recap always comes before your thoughts).",
    )
    intro_html = models.TextField(editable=False, blank=True)
    recap = MarkdownxField(
        blank=True,
        validators=[markdown_length],
        help_text="What happens, in Markdown. Always hidden behind a spoiler toggle.",
    )
    recap_html = models.TextField(editable=False, blank=True)
    body = MarkdownxField(
        "thoughts",
        blank=True,
        validators=[markdown_length],
        help_text=(
            "Your review, in Markdown. Hide spoilers with >!text!< or ||text||, "
            "or a block between '::: spoiler' and ':::'."
        ),
    )
    body_html = models.TextField(editable=False, blank=True)
    # The introduction and the body with each spoiler replaced by a note: for
    # feeds, search and descriptions, which must never carry hidden text.
    body_spoiler_free_html = models.TextField(editable=False, blank=True)
    score = score_field("score", "Out of 10, in half points. Optional for a recap.")
    story_score = score_field("story", "Optional aspect score out of 10.")
    visuals_score = score_field("visuals", "Optional aspect score out of 10.")
    sound_score = score_field("sound", "Optional aspect score out of 10.")
    characters_score = score_field("characters", "Optional aspect score out of 10.")
    verdict = models.CharField(
        max_length=20,
        choices=Verdict,
        blank=True,
        help_text=(
            "Recommended / mixed / not recommended; for first impressions: "
            "keep watching / wait and see / drop it."
        ),
    )
    episodes_watched = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="For a preliminary review: how many episodes you had watched.",
    )
    spoils_up_to = models.PositiveSmallIntegerField(
        "spoils up to episode",
        null=True,
        blank=True,
        help_text="The last episode whose events this review reveals.",
    )
    cover_alt = models.CharField(
        "cover alt text",
        max_length=200,
        blank=True,
        help_text="Describe the image for readers who cannot see it (required).",
    )
    status = models.CharField(max_length=10, choices=Status, default=Status.DRAFT)
    published_at = models.DateTimeField(
        "publication time",
        null=True,
        blank=True,
        help_text="Leave empty to publish now; a future time schedules the review.",
    )
    comments_enabled = models.BooleanField(
        "comments open",
        default=True,
        help_text="Untick to close comments. They also close by themselves some "
        "days after publication (COMMENTS_CLOSE_AFTER_DAYS).",
    )
    # Counts saves, so a form opened before another save can be told apart.
    version = models.PositiveIntegerField(default=0, editable=False)
    reading_time = models.PositiveSmallIntegerField(
        "reading time (minutes)", default=1, editable=False
    )
    # Its approved comments as the comment section shows them, written only by
    # ReviewQuerySet.recount_comments() when its comments change (comments.models):
    # a card reads it, the home page sorts by it, and no page counts comments.
    comment_count = models.PositiveIntegerField(
        "approved comments", default=0, db_default=0, editable=False
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    objects = ReviewQuerySet.as_manager()

    class Meta:
        # Drafts (no publication time) last, on every database.
        ordering = [models.F("published_at").desc(nulls_last=True), "-pk"]
        permissions = [
            ("change_any_review", "Can change every writer's reviews"),
            ("publish_review", "Can publish, schedule and unpublish own reviews"),
        ]
        constraints = [
            score_constraint("score", "review"),
            score_constraint("story_score", "review"),
            score_constraint("visuals_score", "review"),
            score_constraint("sound_score", "review"),
            score_constraint("characters_score", "review"),
            cover_alt_constraint("review"),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="review_published_has_publication_time",
            ),
            # A draft may be no more than a title; what readers or an editor
            # see is about a show.
            models.CheckConstraint(
                condition=Q(status="draft") | Q(show__isnull=False),
                name="review_submitted_or_published_has_a_show",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "-published_at"], name="review_pub_idx"),
            # A show's published reviews, newest first, how many each show
            # has (the genre, studio and season indexes) and their mean score
            # (the show list, the scores table) from the index alone: without
            # the status in it, /genres/ read every review, 220 ms on the bench
            # data set on SQLite, 6 ms with it; without the score, /scores/
            # read every review's row, 165 ms, 31 with it.
            models.Index(
                fields=["show", "status", "-published_at", "score"],
                name="review_show_scores_idx",
            ),
            # An author's published reviews, newest first, and their scores
            # ("how I score", on every review page) from the index alone.
            models.Index(
                fields=["author", "status", "-published_at", "score"],
                name="review_author_pub_idx",
            ),
            # The review list's other filters and its sort by score.
            models.Index(fields=["kind", "-published_at"], name="review_kind_idx"),
            models.Index(
                fields=["verdict", "-published_at"], name="review_verdict_idx"
            ),
            models.Index(
                fields=["status", "-score", "-published_at"], name="review_score_idx"
            ),
            # The home page's most discussed, by the stored count.
            models.Index(
                fields=["status", "-comment_count", "-published_at"],
                name="review_discussed_idx",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.version += 1
        if not self.slug:
            self.slug = self.free_slug()
        self.default_publication_time()
        self.render()
        if not self._state.adding and kwargs.get("update_fields") is None:
            # Never the comment count read when the form was opened: comments
            # approved since would be lost.
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key and field.name != "comment_count"
            ]
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("reviews:review-detail", kwargs={"slug": self.slug})

    def free_slug(self):
        """A slug from the title that no other review has."""
        base = slugify(self.title)[:180] or "review"
        taken = set(
            Review.objects.exclude(pk=self.pk)
            .filter(slug__startswith=base)
            .values_list("slug", flat=True)
        )
        return next(
            slug
            for slug in (base, *(f"{base}-{n}" for n in range(2, len(taken) + 3)))
            if slug not in taken
        )

    RENDERED_FIELDS = [
        "recap_html",
        "intro_html",
        "body_html",
        "body_spoiler_free_html",
        "reading_time",
    ]

    def render(self):
        """Derive the stored HTML (RENDERED_FIELDS) from the Markdown."""
        # The page shows the recap under "Episode recap" (review_detail.html).
        self.recap_html = render_markdown(
            self.recap, id_prefix="recap-", titled="recap"
        )
        self.intro_html = render_markdown(self.intro, id_prefix="intro-")
        self.body_html = render_markdown(self.body, contents=True)
        self.body_spoiler_free_html = render_markdown(
            self.intro, id_prefix="intro-", hide_spoilers=True
        ) + render_markdown(self.body, hide_spoilers=True)
        self.reading_time = reading_minutes(
            self.intro_html, self.recap_html, self.body_html
        )

    def get_preview_url(self):
        """A link to this review as it stands, for someone without an account;
        it expires after REVIEWS_PREVIEW_DAYS (see pk_from_preview_token)."""
        token = signing.TimestampSigner(salt=PREVIEW_SALT).sign(str(self.pk))
        return reverse("reviews:review-preview", kwargs={"token": token})

    @staticmethod
    def pk_from_preview_token(token):
        """The review a preview link shows; None once tampered with or expired."""
        max_age = timedelta(days=settings.REVIEWS_PREVIEW_DAYS)
        try:
            return signing.TimestampSigner(salt=PREVIEW_SALT).unsign(
                token, max_age=max_age
            )
        except signing.BadSignature:
            return None

    def clean(self):
        # Before constraint validation, which requires a publication time.
        self.default_publication_time()
        errors = {}
        if self.episode_id and self.show_id and self.episode.show_id != self.show_id:
            errors["episode"] = "This episode belongs to another show."
        if self.status != self.Status.DRAFT:
            errors = {**self.missing_before_publication(), **errors}
        if self.verdict and self.verdict not in self.verdicts_for(self.kind):
            errors["verdict"] = (
                "First impressions take keep watching / wait and see / drop it; "
                "other reviews take recommended / mixed / not recommended."
            )
        if self.cover and not self.cover_alt:
            errors["cover_alt"] = (
                "Describe the cover image for readers who cannot see it."
            )
        if errors:
            raise ValidationError(errors)

    def missing_before_publication(self):
        """What a draft still needs before it is submitted or published, by
        field: its show, and its kind's rules. A rough draft needs a title only."""
        missing = {}
        if not self.show_id:
            missing["show"] = (
                "Choose the show this review is about before you submit or publish "
                "it (a draft can be saved without one)."
            )
        if self.kind == self.Kind.EPISODE and not self.episode_id:
            missing["episode"] = (
                "An episode review needs its episode before it is submitted or "
                "published."
            )
        if self.kind == self.Kind.SEASON and self.episode_id:
            missing["episode"] = (
                "A season review covers the whole show: leave the episode empty "
                "and say how many episodes you watched."
            )
        return missing

    @classmethod
    def verdicts_for(cls, kind):
        """The verdicts a review of this kind may give."""
        if kind == cls.Kind.FIRST_IMPRESSIONS:
            return [v for v in cls.Verdict if v in cls.FIRST_IMPRESSION_VERDICTS]
        return [v for v in cls.Verdict if v not in cls.FIRST_IMPRESSION_VERDICTS]

    def default_publication_time(self):
        """Publishing without a time means publishing now."""
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = publication_time_now()

    @property
    def kind_label(self):
        """The kind as readers read it: a film's whole-work review is a film
        review, not a season's."""
        if (
            self.kind == self.Kind.SEASON
            and self.show
            and self.show.format == Show.Format.FILM
        ):
            return "Film review"
        return self.get_kind_display()

    def is_published(self):
        """ReviewQuerySet.published() for one review."""
        return self._publication_time_has_come() is True

    def is_scheduled(self):
        """ReviewQuerySet.scheduled() for one review."""
        return self._publication_time_has_come() is False

    def _publication_time_has_come(self):
        """For a review set to be published, whether its time has come; None
        for a draft or a submitted review."""
        if self.status != self.Status.PUBLISHED or self.published_at is None:
            return None
        return self.published_at <= timezone.now()

    def state(self):
        """Its State (ReviewQuerySet.in_state() for one review)."""
        if self.is_published():
            return State.PUBLISHED
        if self.is_scheduled():
            return State.SCHEDULED
        if self.status == self.Status.SUBMITTED:
            return State.SUBMITTED
        return State.DRAFT

    def publish_now(self):
        """Publish at once, even a review scheduled for later."""
        self.status = self.Status.PUBLISHED
        if self.published_at is None or self.published_at > timezone.now():
            self.published_at = publication_time_now()

    @staticmethod
    def may_publish(user):
        """Whether the user may publish at all (editors, writers; not guests)."""
        return user.has_perm("reviews.change_any_review") or user.has_perm(
            "reviews.publish_review"
        )

    def can_be_published_by(self, user):
        """Editors publish any review, writers their own (a new review will be
        theirs); guest writers none."""
        if user.has_perm("reviews.change_any_review"):
            return True
        own = self.author_id is None or self.author.user_id == user.pk
        return own and user.has_perm("reviews.publish_review")

    def statuses_for(self, user):
        """The statuses this user may give this review."""
        if self.can_be_published_by(user):
            return list(self.Status)
        if self.status == self.Status.PUBLISHED:
            return [self.Status.PUBLISHED]
        return [self.Status.DRAFT, self.Status.SUBMITTED]

    def comments_are_open(self):
        if not (self.comments_enabled and self.is_published()):
            return False
        days = settings.COMMENTS_CLOSE_AFTER_DAYS
        return not days or timezone.now() - self.published_at < timedelta(days=days)

    @property
    def last_modified(self):
        """When readers last saw it change: saved, or published after its last
        save (a scheduled review)."""
        if self.published_at:
            return max(self.updated, self.published_at)
        return self.updated

    @property
    def spoils_until(self):
        """The last episode whose events this review reveals: the writer's
        "spoils up to", else the episode reviewed, else the episodes watched;
        None when unknown (its spoilers then never open by themselves)."""
        if self.spoils_up_to:
            return self.spoils_up_to
        if self.episode_id:
            return self.episode.number
        return self.episodes_watched

    @property
    def spoiler_limit(self):
        """How far its spoilers go, as its card says it: up to episode N (see
        spoils_until), else the whole season or film for a review of one; ""
        when unknown."""
        if self.spoils_until is not None:
            return f"Spoilers up to episode {self.spoils_until}"
        if self.kind == self.Kind.SEASON:
            work = self.kind_label.removesuffix(" review").lower()
            return f"Spoilers for the whole {work}"
        return ""

    @property
    def headline(self):
        """The title as a card shows it, under the show's name and the episode:
        without the show's name leading it ("Metallic Rouge episode 1: a hunter
        who keeps her cards close" is "A hunter who keeps her cards close"). A
        title that names the show in its own words is kept whole."""
        if not self.show:
            return self.title
        leading = HEADLINE_PREFIX.format(show=re.escape(self.show.title))
        match = re.fullmatch(leading, self.title, re.IGNORECASE)
        if not match:
            return self.title
        rest = match["rest"]
        return rest[0].upper() + rest[1:]

    @property
    def headline_names_show(self):
        return bool(self.show) and self.show.title.lower() in self.headline.lower()

    @property
    def shown_cover(self):
        """The cover readers see: the review's own, else its show's (either may
        be empty)."""
        if self.cover or not self.show:
            return self.cover
        return self.show.cover

    @property
    def shown_cover_alt(self):
        return self.cover_alt if self.cover or not self.show else self.show.cover_alt

    @property
    def aspect_scores(self):
        """(label, score) for each aspect score the writer gave."""
        aspects = ["story_score", "visuals_score", "sound_score", "characters_score"]
        return [
            (self._meta.get_field(name).verbose_name.capitalize(), getattr(self, name))
            for name in aspects
            if getattr(self, name) is not None
        ]
