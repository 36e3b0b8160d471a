from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.text import slugify
from markdownx.models import MarkdownxField

from ..images import validate_image
from ..markdown import markdown_length, render_markdown
from ..pagecache import Shown
from .base import (
    COUNTED,
    CollectionQuerySet,
    CoverImage,
    ReviewedQuerySet,
    Signature,
    cover_alt_constraint,
    published_condition,
    web_address_validator,
)


class Author(Shown, Signature):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="author"
    )
    name = models.CharField(max_length=100, help_text="Your name as readers see it.")
    slug = models.SlugField(max_length=100, unique=True)
    bio = MarkdownxField(
        blank=True,
        validators=[markdown_length],
        help_text="A short introduction, in Markdown.",
    )
    bio_html = models.TextField(editable=False, blank=True)
    avatar = models.ImageField(
        upload_to="avatars/", blank=True, validators=[validate_image]
    )
    website = models.URLField(blank=True, validators=[web_address_validator])

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

    @staticmethod
    def name_of(user):
        """How a staff user is named to others: their writer's name, else their
        full name, else their username."""
        try:
            return user.author.name
        except Author.DoesNotExist:
            return user.get_full_name() or user.get_username()

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


class Studio(Shown, models.Model):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)

    objects = CollectionQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("reviews:studio-detail", kwargs={"slug": self.slug})


class Genre(Shown, models.Model):
    name = models.CharField(max_length=50, unique=True)
    slug = models.SlugField(max_length=50, unique=True)

    objects = CollectionQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("reviews:genre-detail", kwargs={"slug": self.slug})


class ShowQuerySet(ReviewedQuerySet):
    def seasons(self):
        """The seasons of these shows that have a published review, newest
        first (Fall 2025, Summer 2025... Winter 2025, Fall 2024), each an
        AnimeSeason with its counts."""
        published = published_condition("reviews__")
        rows = (
            self.exclude(season="")
            .filter(year__isnull=False)
            .values("year", "season")
            .annotate(
                show_count=models.Count("pk", filter=published, distinct=True),
                review_count=models.Count(COUNTED, filter=published),
            )
            .filter(review_count__gt=0)
        )
        seasons = [AnimeSeason(**row) for row in rows]
        return sorted(seasons, key=lambda season: season.sort_key, reverse=True)


class Show(Shown, CoverImage):
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

        @classmethod
        def of(cls, day):
            """The season a day falls in: Winter is January to March, and so on."""
            return list(cls)[(day.month - 1) // 3]

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

    objects = ShowQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        constraints = [cover_alt_constraint("show")]
        indexes = [models.Index(fields=["year", "season"], name="show_season_idx")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("reviews:show-detail", kwargs={"slug": self.slug})

    def get_season_url(self):
        if self.season and self.year:
            return reverse(
                "reviews:season-detail",
                kwargs={"year": self.year, "season": self.season},
            )
        return ""

    # Read once per request wherever they are shown (the JSON-LD, the review
    # page's facts); a prefetch (the show page's) is used when there is one.
    @cached_property
    def studio_list(self):
        return list(self.studios.all())

    @cached_property
    def genre_list(self):
        return list(self.genres.all())

    @cached_property
    def credit_list(self):
        return list(self.credits.all())

    @cached_property
    def song_list(self):
        return list(self.theme_songs.all())

    def credited(self, *roles):
        """The credits in these roles, in their order."""
        return [credit for credit in self.credit_list if credit.role in roles]

    def key_credits(self):
        """The staff a review names: direction, scripts and music."""
        return self.credits_by_role(*Credit.KEY_ROLES)

    def credits_by_role(self, *roles):
        """(role, names) for each role credited (of ``roles``, if given), in
        the order of its first credit: two writers of the series composition
        are one fact."""
        names = {}
        for credit in self.credit_list:
            if not roles or credit.role in roles:
                names.setdefault(credit.get_role_display(), []).append(credit.name)
        return list(names.items())

    @property
    def alternate_titles(self):
        """Its other titles, English then Japanese, each only when it has one
        that differs from the title."""
        return [
            title
            for title in (self.title_english, self.title_japanese)
            if title and title != self.title
        ]

    @property
    def season_label(self):
        if self.season and self.year:
            return f"{self.get_season_display()} {self.year}"
        return str(self.year or "")


@dataclass(frozen=True)
class AnimeSeason:
    """A season of anime (Winter 2024); from ShowQuerySet.seasons(), with how
    many of its shows have a published review and how many reviews there are."""

    year: int
    season: str
    show_count: int = 0
    review_count: int = 0

    def __str__(self):
        return f"{Show.Season(self.season).label} {self.year}"

    def get_absolute_url(self):
        return reverse(
            "reviews:season-detail", kwargs={"year": self.year, "season": self.season}
        )

    def get_premieres_url(self):
        return reverse(
            "reviews:season-premieres",
            kwargs={"year": self.year, "season": self.season},
        )

    @property
    def sort_key(self):
        """Its place in time: Winter, Spring, Summer, then Fall of each year."""
        return self.year, Show.Season.values.index(self.season)


class SeasonGuide(models.Model):
    """An editor's introduction to a season's premiere guide."""

    year = models.PositiveSmallIntegerField()
    season = models.CharField(max_length=10, choices=Show.Season)
    introduction = MarkdownxField(
        validators=[markdown_length],
        help_text="In Markdown: what to expect this season, shown above the "
        "writers' first impressions on the premiere guide.",
    )
    introduction_html = models.TextField(editable=False, blank=True, db_default="")
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year", "season"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "season"], name="season_guide_one_per_season"
            )
        ]

    def __str__(self):
        return f"{self.season_label} premiere guide"

    def save(self, *args, **kwargs):
        self.introduction_html = render_markdown(
            self.introduction, id_prefix="introduction-"
        )
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return AnimeSeason(self.year, self.season).get_premieres_url()

    @property
    def season_label(self):
        return str(AnimeSeason(self.year, self.season))


class Credit(models.Model):
    class Role(models.TextChoices):
        DIRECTOR = "director", "Director"
        SERIES_COMPOSITION = "series_composition", "Series composition"
        SCRIPT = "script", "Screenplay / scripts"
        CHARACTER_DESIGN = "character_design", "Character design"
        MUSIC = "music", "Music"
        ORIGINAL_CREATOR = "original_creator", "Original creator"
        OTHER = "other", "Other"

    # The roles a review's facts name (Show.key_credits).
    KEY_ROLES = [Role.DIRECTOR, Role.SERIES_COMPOSITION, Role.SCRIPT, Role.MUSIC]

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


class Episode(Shown, models.Model):
    show = models.ForeignKey(Show, on_delete=models.CASCADE, related_name="episodes")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200, blank=True)
    air_date = models.DateField(null=True, blank=True)
    spoiler_words = models.TextField(
        blank=True,
        db_default="",
        help_text="Names and phrases that give this episode away (a character's "
        "fate, a twist), one per line. Never shown to readers: a comment on a "
        "review of an earlier episode that uses one waits for a moderator.",
    )

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

    @property
    def label(self):
        return f"Episode {self.number}"

    @property
    def spoiler_word_list(self):
        return [
            line.strip() for line in self.spoiler_words.splitlines() if line.strip()
        ]
