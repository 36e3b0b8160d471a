"""
Checks and re-encodes every image a writer uploads.

The format is detected by Pillow from the bytes, never from the file name or the
content type the browser sent. Re-encoding drops metadata (EXIF, GPS, comments) and
anything smuggled after the image data.
"""

import contextlib
import io
import re
import uuid
import warnings

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.template.defaultfilters import filesizeformat
from PIL import Image, ImageOps, UnidentifiedImageError

# Pillow format name -> file extension.
ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}
# What some refused formats start with, to name them in the error: Pillow opens
# only ALLOWED_FORMATS, so it never parses these (FITS, TIFF, BMP, EPS, ICO...).
REFUSED_SIGNATURES = {
    b"BM": "BMP",
    b"II*\x00": "TIFF",
    b"MM\x00*": "TIFF",
    b"\x00\x00\x01\x00": "ICO",
    b"SIMPLE  =": "FITS",
    b"%!PS": "EPS",
    b"\xc5\xd0\xd3\xc6": "EPS",
    b"\x00\x00\x00\x0cjP": "JPEG 2000",
    b"8BPS": "PSD",
}
# Image.info keys that carry the picture itself rather than metadata.
KEPT_INFO = {"transparency", "duration", "loop", "background"}


def unreadable():
    return ValidationError(
        "This file is not an image we can read: upload a JPEG, PNG, WebP or GIF.",
        code="invalid_image",
    )


def open_image(file):
    """Open an uploaded file as a fully decoded image, or raise ValidationError."""
    max_bytes = settings.REVIEWS_UPLOAD_MAX_BYTES
    if file.size > max_bytes:
        raise ValidationError(
            "This image is %(size)s; images may be at most %(limit)s.",
            code="too_large",
            params={
                "size": filesizeformat(file.size),
                "limit": filesizeformat(max_bytes),
            },
        )
    file.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(file, formats=list(ALLOWED_FORMATS))
            width, height = image.size
            frames = getattr(image, "n_frames", 1)
            if frames > settings.REVIEWS_UPLOAD_MAX_FRAMES:
                raise ValidationError(
                    "This animation has %(frames)s frames; at most %(limit)s are "
                    "accepted.",
                    code="too_many_frames",
                    params={
                        "frames": frames,
                        "limit": settings.REVIEWS_UPLOAD_MAX_FRAMES,
                    },
                )
            max_pixels = settings.REVIEWS_UPLOAD_MAX_PIXELS
            if width * height > max_pixels or width * height * frames > 4 * max_pixels:
                raise ValidationError(
                    "This image is %(width)s×%(height)s pixels (%(frames)s frames), "
                    "too large to process: make it smaller.",
                    code="too_many_pixels",
                    params={"width": width, "height": height, "frames": frames},
                )
            image.load()
    except UnidentifiedImageError as error:
        file.seek(0)
        head = file.read(16)
        for signature, name in REFUSED_SIGNATURES.items():
            if head.startswith(signature):
                raise ValidationError(
                    "%(format)s images are not accepted: upload a JPEG, PNG, WebP "
                    "or GIF.",
                    code="invalid_format",
                    params={"format": name},
                ) from error
        raise unreadable() from error
    except (
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
        OSError,
        SyntaxError,
        ValueError,
    ) as error:
        raise unreadable() from error
    finally:
        file.seek(0)
    return image


def validate_image(value):
    """Model field validator: checks new uploads, leaves stored files alone."""
    if getattr(value, "_committed", True):
        return
    open_image(value)


def reencode_image(file):
    """A clean copy of an uploaded image, as a ContentFile with a random name."""
    image = open_image(file)
    image_format = image.format
    animated = getattr(image, "is_animated", False)
    info = {key: value for key, value in image.info.items() if key in KEPT_INFO}
    if not animated:
        image = ImageOps.exif_transpose(image)
        max_width = settings.REVIEWS_UPLOAD_MAX_WIDTH
        if image.width > max_width:
            image = image.resize(
                (max_width, round(image.height * max_width / image.width)),
                Image.Resampling.LANCZOS,
            )
    image.info = info
    options = {"save_all": animated}
    if image_format == "JPEG":
        if image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        options.update(quality=85, optimize=True, progressive=True)
    elif image_format == "PNG":
        options.update(optimize=True)
    elif image_format == "WEBP":
        options.update(quality=85)
    output = io.BytesIO()
    image.save(output, format=image_format, **{**info, **options})
    name = f"{uuid.uuid4().hex}-{image.width}x{image.height}"
    return ContentFile(
        output.getvalue(), name=f"{name}.{ALLOWED_FORMATS[image_format]}"
    )


# A stored image's name says its size (see reencode_image), so a page can give
# it width, height and srcset without opening it (on S3-like storage, a request).
SIZE_IN_NAME = re.compile(r"-(\d+)x(\d+)\.[a-z]+$")


def size_from_name(name):
    """(width, height) from a stored image's name; None for a name without."""
    if match := SIZE_IN_NAME.search(name):
        return int(match[1]), int(match[2])
    return None


# Renditions: narrower copies for srcset, each in WebP and in the original format.
RENDITION_WIDTHS = (480, 960, 1600)
SAVE_OPTIONS = {
    "JPEG": {"quality": 82, "optimize": True, "progressive": True},
    "PNG": {"optimize": True},
    "WEBP": {"quality": 80},
}


def rendition_widths(width):
    return [w for w in RENDITION_WIDTHS if w < width]


def rendition_name(name, width=None, extension=None):
    """covers/abc.jpg -> covers/abc-480.webp; without a width, the full size."""
    stem, _, original = name.rpartition(".")
    extension = extension or original
    return f"{stem}-{width}.{extension}" if width else f"{stem}.{extension}"


def has_renditions(name):
    # Animated GIFs stay as they are.
    return not name.lower().endswith(".gif")


def rendition_specs(name, width):
    """(width, extension) of each rendition of an image ``width`` pixels wide;
    a width of None is the full size."""
    if not has_renditions(name):
        return []
    original = name.rpartition(".")[2]
    specs = [] if original == "webp" else [(None, "webp")]
    for narrower in rendition_widths(width):
        specs.append((narrower, "webp"))
        if original != "webp":
            specs.append((narrower, original))
    return specs


def srcset(name, width, extension, url=None):
    """The ``srcset`` of an image's renditions in one format, full size last."""
    url = url or default_storage.url
    return ", ".join(
        f"{url(rendition_name(name, w, extension))} {w or width}w"
        for w in [*rendition_widths(width), None]
    )


def rendition_names(name, width):
    return [rendition_name(name, w, ext) for w, ext in rendition_specs(name, width)]


def with_renditions(name):
    """An image's stored name and its renditions' names, whatever its width."""
    return [name, *rendition_names(name, max(RENDITION_WIDTHS) + 1)]


def make_renditions(name, storage=None):
    """Write the renditions of a stored image; returns their names. All or
    nothing: on a storage error (a full disk) the ones written are deleted."""
    storage = storage or default_storage
    if not has_renditions(name):
        return []
    with storage.open(name) as file:
        image = Image.open(file)
        image.load()
    original_format = image.format
    written = []
    try:
        for width, extension in rendition_specs(name, image.width):
            copy = image
            if width:
                height = round(image.height * width / image.width)
                copy = image.resize((width, height), Image.Resampling.LANCZOS)
            target = "WEBP" if extension == "webp" else original_format
            if target == "JPEG" and copy.mode not in ("RGB", "L"):
                copy = copy.convert("RGB")
            output = io.BytesIO()
            copy.save(output, format=target, **SAVE_OPTIONS.get(target, {}))
            rendition = rendition_name(name, width, extension)
            if storage.exists(rendition):
                storage.delete(rendition)
            written.append(storage.save(rendition, ContentFile(output.getvalue())))
    except OSError:
        delete_files(written, storage)
        raise
    return written


def store_image(name, content, storage=None):
    """Save an image and its renditions; returns every name written, the image
    first. On a storage error nothing is left behind."""
    storage = storage or default_storage
    stored = storage.save(name, content)
    try:
        return [stored, *make_renditions(stored, storage)]
    except OSError:
        storage.delete(stored)
        raise


def delete_files(names, storage=None):
    storage = storage or default_storage
    for name in names:
        with contextlib.suppress(OSError):
            storage.delete(name)


STORAGE_ERROR = (
    "The image could not be stored (the server may be out of disk space). Your "
    "text is kept: save again later, or without the image."
)
