"""Small factory functions for test data; times are relative to timezone.now()."""

import io
import itertools
from datetime import timedelta

from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import ExifTags, Image

from reviews.models import Author, Comment, Episode, Review, Show

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
