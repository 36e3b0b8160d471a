"""Small factory functions for test data; times are relative to timezone.now()."""

import importlib
import io
import itertools
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth.models import Group, Permission, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import ExifTags, Image

from reviews.models import (
    Author,
    Comment,
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
    return Review.objects.create(
        show=show, kind=kind, slug=slug, title=kwargs.pop("title", slug), **kwargs
    )


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
        genre = Genre.objects.create(name="Science fiction", slug="science-fiction")
        studio = Studio.objects.create(name="Bones", slug="bones")
        self.shows = []
        for number in range(5):
            show = make_show(
                title=f"Show {number}",
                year=2024,
                season="winter",
                airing_status="airing",
            )
            show.genres.add(genre)
            show.studios.add(studio)
            Credit.objects.create(show=show, role="director", name="Motonobu Hori")
            ThemeSong.objects.create(
                show=show, kind="opening", title="Rouge", artist="Yu-ka"
            )
            self.shows.append(show)
        self.authors = [
            make_author(support_url="https://ko-fi.com/x") for _ in range(3)
        ]
        self.reviews = []
        self.comments = []

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
    for migration in ("0002_groups", "0004_comment_permissions", "0006_guest_writers"):
        module = importlib.import_module(f"reviews.migrations.{migration}")
        for name, codenames in module.GROUPS.items():
            group, _ = Group.objects.get_or_create(name=name)
            group.permissions.add(
                *Permission.objects.filter(
                    content_type__app_label="reviews", codename__in=codenames
                )
            )
