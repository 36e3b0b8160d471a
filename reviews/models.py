import math
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import slugify
from markdownx.models import MarkdownxField

from .images import validate_image
from .markdown import render_markdown

WORDS_PER_MINUTE = 220

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


class ReviewedQuerySet(models.QuerySet):
    """For models with reviews (shows, episodes, authors)."""

    def with_scores(self):
        published = published_condition("reviews__")
        return self.annotate(
            review_count=models.Count("reviews", filter=published),
            mean_score=models.Avg("reviews__score", filter=published),
        )


def reading_minutes(*html_fragments):
    words = sum(len(strip_tags(html).split()) for html in html_fragments)
    return max(1, math.ceil(words / WORDS_PER_MINUTE))


class Author(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="author"
    )
    name = models.CharField(max_length=100, help_text="Your name as readers see it.")
    slug = models.SlugField(max_length=100, unique=True)
    bio = MarkdownxField(blank=True, help_text="A short introduction, in Markdown.")
    bio_html = models.TextField(editable=False, blank=True)
    avatar = models.ImageField(
        upload_to="avatars/", blank=True, validators=[validate_image]
    )
    website = models.URLField(blank=True)
    support_url = models.URLField(
        "support link",
        blank=True,
        help_text="Where readers can support you (Patreon, Ko-fi...).",
    )
    support_label = models.CharField(
        max_length=60,
        blank=True,
        help_text='The text of the support link, e.g. "Buy me a coffee on Ko-fi".',
    )
    sign_off = models.CharField(
        max_length=200,
        blank=True,
        help_text="An optional line shown under your reviews.",
    )

    objects = ReviewedQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        permissions = [("change_any_author", "Can change every writer's profile")]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.bio_html = render_markdown(self.bio, id_prefix="bio-")
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("reviews:author-detail", kwargs={"slug": self.slug})

    @classmethod
    def for_user(cls, user):
        """The user's author profile, created from their account on first use."""
        try:
            return user.author
        except cls.DoesNotExist:
            name = (user.get_full_name() or user.get_username())[:100]
            slug = slugify(name)[:80] or f"author-{user.pk}"
            if cls.objects.filter(slug=slug).exists():
                slug = f"{slug}-{user.pk}"
            return cls.objects.create(user=user, name=name, slug=slug)


class Studio(models.Model):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Genre(models.Model):
    name = models.CharField(max_length=50, unique=True)
    slug = models.SlugField(max_length=50, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Show(models.Model):
    class Format(models.TextChoices):
        TV = "tv", "TV series"
        FILM = "film", "Film"
        OVA = "ova", "OVA"
        ONA = "ona", "ONA (web)"

    class Source(models.TextChoices):
        ORIGINAL = "original", "Original"
        MANGA = "manga", "Manga"
        LIGHT_NOVEL = "light_novel", "Light novel"
        GAME = "game", "Game"
        OTHER = "other", "Other"

    class Season(models.TextChoices):
        WINTER = "winter", "Winter"
        SPRING = "spring", "Spring"
        SUMMER = "summer", "Summer"
        FALL = "fall", "Fall"

    class Airing(models.TextChoices):
        UPCOMING = "upcoming", "Not yet aired"
        AIRING = "airing", "Airing"
        FINISHED = "finished", "Finished"

    title = models.CharField(max_length=200, help_text="The title readers know it by.")
    title_english = models.CharField("English title", max_length=200, blank=True)
    title_japanese = models.CharField(
        "Japanese title", max_length=200, blank=True, help_text="In Japanese or romaji."
    )
    slug = models.SlugField(max_length=200, unique=True)
    synopsis = models.TextField(blank=True, help_text="A spoiler-free premise.")
    format = models.CharField(max_length=10, choices=Format, default=Format.TV)
    source = models.CharField(max_length=20, choices=Source, default=Source.ORIGINAL)
    season = models.CharField(max_length=10, choices=Season, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    premiere_date = models.DateField(null=True, blank=True)
    episode_count = models.PositiveSmallIntegerField(
        "number of episodes", null=True, blank=True, help_text="Leave empty if unknown."
    )
    airing_status = models.CharField(
        max_length=10, choices=Airing, default=Airing.AIRING
    )
    cover = models.ImageField(
        upload_to="covers/", blank=True, validators=[validate_image]
    )
    cover_alt = models.CharField(
        "cover alt text",
        max_length=200,
        blank=True,
        help_text="Describe the cover for readers who cannot see it.",
    )
    studios = models.ManyToManyField(Studio, blank=True, related_name="shows")
    genres = models.ManyToManyField(Genre, blank=True, related_name="shows")
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    objects = ReviewedQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        constraints = [cover_alt_constraint("show")]
        indexes = [models.Index(fields=["year", "season"], name="show_season_idx")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("reviews:show-detail", kwargs={"slug": self.slug})

    @property
    def season_label(self):
        if self.season and self.year:
            return f"{self.get_season_display()} {self.year}"
        return str(self.year or "")


class Credit(models.Model):
    class Role(models.TextChoices):
        DIRECTOR = "director", "Director"
        SERIES_COMPOSITION = "series_composition", "Series composition"
        SCRIPT = "script", "Scripts"
        CHARACTER_DESIGN = "character_design", "Character design"
        MUSIC = "music", "Music"
        ORIGINAL_CREATOR = "original_creator", "Original creator"
        OTHER = "other", "Other"

    show = models.ForeignKey(Show, on_delete=models.CASCADE, related_name="credits")
    role = models.CharField(max_length=30, choices=Role)
    name = models.CharField(max_length=100)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self):
        return f"{self.get_role_display()}: {self.name}"


class ThemeSong(models.Model):
    class Kind(models.TextChoices):
        OPENING = "opening", "Opening"
        ENDING = "ending", "Ending"
        INSERT = "insert", "Insert song"

    show = models.ForeignKey(Show, on_delete=models.CASCADE, related_name="theme_songs")
    kind = models.CharField(max_length=10, choices=Kind)
    title = models.CharField(max_length=200)
    artist = models.CharField(max_length=200)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()}: “{self.title}” by {self.artist}"


class Episode(models.Model):
    show = models.ForeignKey(Show, on_delete=models.CASCADE, related_name="episodes")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200, blank=True)
    air_date = models.DateField(null=True, blank=True)

    objects = ReviewedQuerySet.as_manager()

    class Meta:
        ordering = ["show_id", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["show", "number"], name="episode_number_unique_per_show"
            )
        ]

    def __str__(self):
        label = f"{self.show} episode {self.number}"
        return f"{label}: {self.title}" if self.title else label

    def get_absolute_url(self):
        return reverse(
            "reviews:episode-detail",
            kwargs={"show_slug": self.show.slug, "number": self.number},
        )


class ReviewQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published_condition())

    def editable_by(self, user):
        """The reviews a staff user may open and change in the admin."""
        if user.has_perm("reviews.change_any_review"):
            return self
        if user.has_perm("reviews.change_review"):
            return self.filter(author__user=user)
        return self.none()

    def with_related(self):
        return self.select_related("author", "show", "episode")


class Review(models.Model):
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

    author = models.ForeignKey(Author, on_delete=models.PROTECT, related_name="reviews")
    show = models.ForeignKey(Show, on_delete=models.PROTECT, related_name="reviews")
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
        max_length=200, unique=True, help_text="The review's address: /reviews/slug/."
    )
    summary = models.CharField(
        max_length=300,
        blank=True,
        help_text="The one-line summary in lists and on the page; no spoilers.",
    )
    recap = MarkdownxField(
        blank=True,
        help_text="What happens, in Markdown. Always hidden behind a spoiler toggle.",
    )
    recap_html = models.TextField(editable=False, blank=True)
    body = MarkdownxField(
        "thoughts",
        blank=True,
        help_text=(
            "Your review, in Markdown. Hide spoilers with >!text!< or ||text||, "
            "or a block between '::: spoiler' and ':::'."
        ),
    )
    body_html = models.TextField(editable=False, blank=True)
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
    cover = models.ImageField(
        upload_to="covers/", blank=True, validators=[validate_image]
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
    reading_time = models.PositiveSmallIntegerField(
        "reading time (minutes)", default=1, editable=False
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    objects = ReviewQuerySet.as_manager()

    class Meta:
        # Drafts (no publication time) last, on every database.
        ordering = [models.F("published_at").desc(nulls_last=True), "-pk"]
        permissions = [("change_any_review", "Can change every writer's reviews")]
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
        ]
        indexes = [
            models.Index(fields=["status", "-published_at"], name="review_pub_idx"),
            models.Index(fields=["show", "-published_at"], name="review_show_idx"),
            models.Index(fields=["author", "-published_at"], name="review_author_idx"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.default_publication_time()
        self.recap_html = render_markdown(self.recap, id_prefix="recap-")
        self.body_html = render_markdown(self.body)
        self.reading_time = reading_minutes(self.recap_html, self.body_html)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("reviews:review-detail", kwargs={"slug": self.slug})

    def clean(self):
        # Before constraint validation, which requires a publication time.
        self.default_publication_time()
        errors = {}
        if self.episode_id and self.show_id and self.episode.show_id != self.show_id:
            errors["episode"] = "This episode belongs to another show."
        if self.kind == self.Kind.EPISODE and not self.episode_id:
            errors["episode"] = "An episode review needs its episode."
        if self.kind == self.Kind.SEASON and self.episode_id:
            errors["episode"] = (
                "A season review covers the whole show: leave the episode empty "
                "and say how many episodes you watched."
            )
        if self.verdict:
            first_impressions = self.kind == self.Kind.FIRST_IMPRESSIONS
            if first_impressions != (self.verdict in self.FIRST_IMPRESSION_VERDICTS):
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

    def default_publication_time(self):
        """Publishing without a time means publishing now."""
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()

    def is_published(self):
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @property
    def aspect_scores(self):
        """(label, score) for each aspect score the writer gave."""
        aspects = ["story_score", "visuals_score", "sound_score", "characters_score"]
        return [
            (self._meta.get_field(name).verbose_name.capitalize(), getattr(self, name))
            for name in aspects
            if getattr(self, name) is not None
        ]
