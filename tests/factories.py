"""Small factory functions for test data; times are relative to timezone.now()."""

import importlib
import io
import itertools
from datetime import timedelta
from decimal import Decimal

import reversion
from django.contrib.auth.models import Group, Permission, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from PIL import ExifTags, Image

from comments.models import Comment
from reviews.history import versions_of
from reviews.models import (
    Author,
    Credit,
    Episode,
    Genre,
    Review,
    Show,
    Studio,
    ThemeSong,
)

_counter = itertools.count(1)

CONTENT_TYPES = {
    "PNG": "image/png",
    "JPEG": "image/jpeg",
    "WEBP": "image/webp",
    "GIF": "image/gif",
    "BMP": "image/bmp",
    "TIFF": "image/tiff",
}
EXTENSIONS = {"JPEG": "jpg", "TIFF": "tif"}


def unique(prefix):
    return f"{prefix}-{next(_counter)}"


def make_user(username=None, groups=(), staff=True, password="password", **kwargs):
    user = User.objects.create_user(
        username=username or unique("user"),
        password=password,
        is_staff=staff,
        **kwargs,
    )
    if groups:
        user.groups.add(*Group.objects.filter(name__in=groups))
    return user


def make_author(user=None, **kwargs):
    if user is None:
        user = make_user(groups=["Writers"])
    slug = kwargs.pop("slug", None) or unique("author")
    return Author.objects.create(
        user=user, name=kwargs.pop("name", user.username), slug=slug, **kwargs
    )


def make_show(**kwargs):
    slug = kwargs.pop("slug", None) or unique("show")
    return Show.objects.create(title=kwargs.pop("title", slug), slug=slug, **kwargs)


def make_episode(show=None, number=1, **kwargs):
    return Episode.objects.create(show=show or make_show(), number=number, **kwargs)


def make_review(**kwargs):
    """A review published a day ago: an episode review of a new show by default."""
    show = kwargs.pop("show", None) or make_show()
    kind = kwargs.pop("kind", Review.Kind.EPISODE)
    if "episode" not in kwargs:
        kwargs["episode"] = (
            Episode.objects.get_or_create(show=show, number=1)[0]
            if kind == Review.Kind.EPISODE
            else None
        )
    slug = kwargs.pop("slug", None) or unique("review")
    kwargs.setdefault("author", None)
    if kwargs["author"] is None:
        kwargs["author"] = make_author()
    kwargs.setdefault("status", Review.Status.PUBLISHED)
    if kwargs["status"] == Review.Status.PUBLISHED:
        kwargs.setdefault("published_at", timezone.now() - timedelta(days=1))
    review = Review(
        show=show, kind=kind, slug=slug, title=kwargs.pop("title", slug), **kwargs
    )
    review.sign_as(review.author)  # as the review form starts it
    review.save()
    return review


def keep_revision(review, user=None, note=""):
    """A revision of the review as it is, as the admin would keep on a save;
    its version."""
    with reversion.create_revision():
        reversion.set_user(user)
        reversion.set_comment(note)
        reversion.add_to_revision(review)
    return versions_of(review).first()


def make_comment(review=None, **kwargs):
    """An approved comment a minute old, unless told otherwise."""
    kwargs.setdefault("status", Comment.Status.APPROVED)
    kwargs.setdefault("created", timezone.now() - timedelta(minutes=1))
    return Comment.objects.create(
        review=review or make_review(),
        name=kwargs.pop("name", "Reader"),
        email=kwargs.pop("email", f"{unique('reader')}@example.com"),
        text=kwargs.pop("text", "Great episode."),
        fingerprint=unique("fingerprint"),
        **kwargs,
    )


def image_bytes(format="PNG", size=(40, 30), gps=False, mode=None):
    """Real image bytes made by Pillow; gps=True adds EXIF with a GPS position."""
    image = Image.new(mode or ("RGBA" if format == "PNG" else "RGB"), size, "teal")
    options = {}
    if gps:
        exif = Image.Exif()
        exif[ExifTags.Base.Make] = "TestCam"
        exif.get_ifd(ExifTags.IFD.GPSInfo).update(
            {
                ExifTags.GPS.GPSLatitudeRef: "N",
                ExifTags.GPS.GPSLatitude: (35.0, 39.0, 29.0),
                ExifTags.GPS.GPSLongitudeRef: "E",
                ExifTags.GPS.GPSLongitude: (139.0, 44.0, 28.0),
            }
        )
        options["exif"] = exif
    output = io.BytesIO()
    image.save(output, format=format, **options)
    return output.getvalue()


def make_image_file(
    format="PNG", size=(40, 30), name=None, gps=False, content_type=None
):
    """An uploaded image with real bytes; name and content_type may lie."""
    extension = EXTENSIONS.get(format, format.lower())
    return SimpleUploadedFile(
        name or f"picture.{extension}",
        image_bytes(format, size, gps=gps),
        content_type=content_type or CONTENT_TYPES.get(format),
    )


class Catalogue:
    """Demo-like data that grows: shows with episodes, genres, staff and songs,
    three authors, and reviews spread over them."""

    def __init__(self):
        self.genre = Genre.objects.create(
            name="Science fiction", slug="science-fiction"
        )
        self.studio = Studio.objects.create(name="Bones", slug="bones")
        self.shows = []
        self.authors = []
        self.reviews = []
        self.comments = []
        self.add_shows(5)
        self.add_authors(3)

    def add_shows(self, count):
        """Shows of winter 2024 in the catalogue's genre and studio, each also
        with a genre and a studio of its own, a director and a song."""
        for _ in range(count):
            number = len(self.shows)
            show = make_show(
                title=f"Show {number}",
                year=2024,
                season="winter",
                airing_status="airing",
            )
            show.genres.add(
                self.genre,
                Genre.objects.create(name=f"Genre {number}", slug=f"genre-{number}"),
            )
            show.studios.add(
                self.studio,
                Studio.objects.create(name=f"Studio {number}", slug=f"studio-{number}"),
            )
            Credit.objects.create(show=show, role="director", name="Motonobu Hori")
            ThemeSong.objects.create(
                show=show, kind="opening", title="Rouge", artist="Yu-ka"
            )
            self.shows.append(show)

    def add_authors(self, count):
        self.authors += [
            make_author(support_url="https://ko-fi.com/x") for _ in range(count)
        ]

    def grow(self, count):
        """``count`` more of everything: shows (with genres, studios, staff,
        songs), authors, reviews and comments."""
        self.add_shows(count)
        self.add_authors(count)
        self.add_reviews(count)
        self.add_comments(count)

    def add_comments(self, count):
        """Approved comments on the first review, every other one a reply; and
        as many on the others, some pending."""
        for _ in range(count):
            index = len(self.comments)
            first = self.reviews[0]
            parent = self.comments[-1] if index % 2 else None
            self.comments.append(make_comment(first, parent=parent))
            other = self.reviews[index % len(self.reviews)]
            status = Comment.Status.PENDING if index % 3 else Comment.Status.APPROVED
            make_comment(other, status=status)

    def add_reviews(self, count):
        for _ in range(count):
            index = len(self.reviews)
            show = self.shows[index % len(self.shows)]
            episode = make_episode(show, number=index // len(self.shows) + 1)
            self.reviews.append(
                make_review(
                    show=show,
                    episode=episode,
                    author=self.authors[index % len(self.authors)],
                    score=Decimal(index % 21) / 2,
                    story_score=Decimal("7.5"),
                    verdict=Review.Verdict.RECOMMENDED,
                    recap="Rouge >!wins!<.",
                    body="## Thoughts\n\nGood.",
                    published_at=timezone.now() - timedelta(hours=index + 1),
                )
            )


def restore_groups():
    """The data migrations' groups, which a transactional test's flush removes.

    (serialized_rollback would restore them, but is unreliable with live_server:
    pytest-django issues #1062 and #1117.)
    """
    migrations = (
        "0002_groups",
        "0004_comment_permissions",
        "0006_guest_writers",
        "0024_season_guide",
    )
    grants = [
        importlib.import_module(f"reviews.migrations.{name}").GROUPS
        for name in migrations
    ]
    fixes = importlib.import_module(
        "reviews.migrations.0015_writers_fix_catalogue_rows"
    )
    grants.append({"Writers": fixes.CODENAMES})
    grants += [
        importlib.import_module(f"{app}.migrations.0002_group_permissions").GROUPS
        for app in ("ratings", "following")
    ]
    for groups in grants:
        for name, codenames in groups.items():
            group, _ = Group.objects.get_or_create(name=name)
            group.permissions.add(
                *Permission.objects.filter(
                    # Comments' permissions moved with them (comments.0001).
                    content_type__app_label__in=[
                        "reviews",
                        "comments",
                        "ratings",
                        "following",
                    ],
                    codename__in=codenames,
                )
            )


def make_demo_content():
    """The content of `manage.py demo` (without its logins): reviews with covers,
    recaps, spoilers and aspect scores, approved comments and a reply."""
    call_command("demo", "--no-accounts", stdout=io.StringIO())


DEMO_PAGES = [
    "home",
    "review-list",
    "review-list-by-show",
    "review-list-page-2",
    "review-with-recap",
    "review-with-comments",
    "review-replying",
    "episode",
    "show-list",
    "show-list-by-title",
    "show",
    "author-list",
    "author",
    "scores",
    "season",
    "season-premieres",
    "studio",
    "genre",
    "season-list",
    "studio-list",
    "genre-list",
    "search",
    "search-without-results",
    "search-form",
    "not-found",
]


def demo_pages():
    """Every public page type, over make_demo_content(): DEMO_PAGES name -> URL."""
    review_list = reverse("reviews:review-list")
    show_list = reverse("reviews:show-list")
    search = reverse("reviews:search")
    show = Show.objects.get(slug="teapot-weather")
    commented = Review.objects.get(slug="metallic-rouge-episode-1-review")
    comment = commented.comments.filter(
        status=Comment.Status.APPROVED, parent=None
    ).earliest("created")
    return {
        "home": reverse("reviews:home"),
        "review-list": review_list,
        "review-list-by-show": f"{review_list}?show=metallic-rouge",
        "review-list-page-2": f"{review_list}?page=2",
        "review-with-recap": Review.objects.get(
            slug="metallic-rouge-episode-1-recap"
        ).get_absolute_url(),
        "review-with-comments": commented.get_absolute_url(),
        "review-replying": f"{commented.get_absolute_url()}?reply_to={comment.pk}",
        "episode": commented.episode.get_absolute_url(),
        "show-list": show_list,
        "show-list-by-title": f"{show_list}?order=title",
        "show": show.get_absolute_url(),
        "author-list": reverse("reviews:author-list"),
        "author": commented.author.get_absolute_url(),
        "scores": reverse("reviews:scores"),
        "season": show.get_season_url(),
        "season-premieres": reverse(
            "reviews:season-premieres",
            kwargs={"year": show.year, "season": show.season},
        ),
        "studio": show.studios.get().get_absolute_url(),
        "genre": show.genres.first().get_absolute_url(),
        "season-list": reverse("reviews:season-list"),
        "studio-list": reverse("reviews:studio-list"),
        "genre-list": reverse("reviews:genre-list"),
        "search": f"{search}?q=rouge",
        "search-without-results": f"{search}?q=zeppelin",
        "search-form": search,
        "not-found": "/no-such-page/",
    }
