import io
import re
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from PIL import ExifTags, Image, PngImagePlugin

from reviews.images import open_image
from tests.factories import image_bytes, make_image_file

UPLOAD_URL = reverse("reviews:markdown-upload")
PREVIEW_URL = reverse("reviews:markdown-preview")
IMAGE_CODE = re.compile(r"!\[Describe this image\]\((?P<url>/media/(?P<name>.+))\)")


RENDITION = re.compile(r"-(480|960|1600)\.\w+$")


def stored_files(media_root, renditions=False):
    """The images stored; without their renditions unless asked."""
    if not media_root.exists():
        return []
    files = sorted(path for path in media_root.rglob("*") if path.is_file())
    if renditions:
        return files
    stems = {path.with_suffix("") for path in files if path.suffix != ".webp"}
    return [
        path
        for path in files
        if not RENDITION.search(path.name)
        and not (path.suffix == ".webp" and path.with_suffix("") in stems)
    ]


def upload(client, file):
    return client.post(UPLOAD_URL, {"image": file})


def stored_image(response, media_root):
    """The image an upload response points at, checked to be the only file."""
    match = IMAGE_CODE.fullmatch(response.json()["image_code"])
    assert match, response.json()
    path = media_root / match["name"]
    assert stored_files(media_root) == [path]
    return Image.open(path)


def with_ihdr_size(png, width, height):
    """A PNG whose header claims another size (the pixel data stays small)."""
    ihdr = b"IHDR" + struct.pack(">II", width, height) + png[24:29]
    return png[:12] + ihdr + struct.pack(">I", zlib.crc32(ihdr)) + png[33:]


def bad_file(name, content, content_type):
    return SimpleUploadedFile(name, content, content_type=content_type)


# Who may upload


def test_anonymous_upload_is_refused_and_nothing_stored(client, db, media_root):
    response = upload(client, make_image_file())
    assert response.status_code in (302, 403)
    assert stored_files(media_root) == []


def test_moderator_upload_is_refused_and_nothing_stored(moderator_client, media_root):
    response = upload(moderator_client, make_image_file())
    assert response.status_code == 403
    assert stored_files(media_root) == []


def test_upload_by_get_is_not_allowed(writer_client):
    assert writer_client.get(UPLOAD_URL).status_code == 405


def test_editor_can_upload(editor_client, media_root):
    response = upload(editor_client, make_image_file())
    assert response.status_code == 200
    assert stored_image(response, media_root).format == "PNG"


# Accepted images


@pytest.mark.parametrize("image_format", ["PNG", "JPEG", "WEBP", "GIF"])
def test_writer_uploads_image_and_gets_markdown_for_it(
    writer_client, media_root, image_format
):
    response = upload(writer_client, make_image_file(image_format))
    assert response.status_code == 200
    image = stored_image(response, media_root)
    assert (image.format, image.size) == (image_format, (40, 30))


def test_uploaded_image_is_stored_under_a_random_name(writer_client, media_root):
    response = upload(writer_client, make_image_file(name="my holiday.png"))
    name = IMAGE_CODE.fullmatch(response.json()["image_code"])["name"]
    assert re.fullmatch(r"uploads/\d{4}/\d{2}/[0-9a-f]{32}-40x30\.png", name)


def test_uploaded_jpeg_loses_its_exif_and_gps_data(writer_client, media_root):
    original = Image.open(io.BytesIO(image_bytes("JPEG", gps=True)))
    assert original.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    response = upload(writer_client, make_image_file("JPEG", gps=True))
    image = stored_image(response, media_root)
    assert (dict(image.getexif()), "exif" in image.info) == ({}, False)


def test_uploaded_png_loses_its_text_chunks(writer_client, media_root):
    text = PngImagePlugin.PngInfo()
    text.add_text("Comment", "taken at home, 1-2-3 Example St")
    output = io.BytesIO()
    Image.new("RGB", (40, 30)).save(output, format="PNG", pnginfo=text)
    file = bad_file("a.png", output.getvalue(), "image/png")
    image = stored_image(upload(writer_client, file), media_root)
    assert "Comment" not in image.info


def test_uploaded_jpeg_is_turned_upright_by_its_orientation(writer_client, media_root):
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    output = io.BytesIO()
    Image.new("RGB", (40, 30)).save(output, format="JPEG", exif=exif)
    file = bad_file("a.jpg", output.getvalue(), "image/jpeg")
    image = stored_image(upload(writer_client, file), media_root)
    assert image.size == (30, 40)


def test_wide_upload_is_scaled_down_to_the_maximum_width(
    writer_client, media_root, settings
):
    settings.REVIEWS_UPLOAD_MAX_WIDTH = 20
    image = stored_image(upload(writer_client, make_image_file()), media_root)
    assert image.size == (20, 15)


def test_animated_gif_stays_animated(writer_client, media_root):
    frames = [Image.new("RGB", (40, 30), color) for color in ("red", "lime", "blue")]
    output = io.BytesIO()
    frames[0].save(
        output, format="GIF", save_all=True, append_images=frames[1:], duration=100
    )
    file = bad_file("a.gif", output.getvalue(), "image/gif")
    image = stored_image(upload(writer_client, file), media_root)
    assert image.n_frames == 3


def test_format_comes_from_the_bytes_not_the_name_or_content_type(
    writer_client, media_root
):
    file = make_image_file("PNG", name="evil.jpg", content_type="image/jpeg")
    response = upload(writer_client, file)
    assert response.json()["image_code"].endswith(".png)")
    assert stored_image(response, media_root).format == "PNG"


# Refused files


REFUSED_FILES = {
    "svg": (
        "drawing.svg",
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>',
        "image/svg+xml",
    ),
    "text-named-png": ("notes.png", b"Just some notes.\n", "image/png"),
    "html": (
        "page.html",
        b"<!doctype html><html><script>alert(1)</script></html>",
        "text/html",
    ),
    "html-named-gif": (
        "page.gif",
        b"<html><script>alert(1)</script></html>",
        "image/gif",
    ),
    "truncated-png": (
        "cut.png",
        image_bytes("PNG", size=(400, 300))[:300],
        "image/png",
    ),
    "bmp": ("a.bmp", image_bytes("BMP"), "image/bmp"),
    "tiff": ("a.tif", image_bytes("TIFF"), "image/tiff"),
    "empty": ("empty.png", b"", "image/png"),
    "decompression-bomb": (
        "bomb.png",
        with_ihdr_size(image_bytes("PNG"), 20_000, 20_000),
        "image/png",
    ),
    "png-claiming-too-many-pixels": (
        "big.png",
        with_ihdr_size(image_bytes("PNG"), 8_000, 6_000),
        "image/png",
    ),
}


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    REFUSED_FILES.values(),
    ids=REFUSED_FILES.keys(),
)
def test_upload_that_is_not_an_accepted_image_is_refused_and_not_stored(
    writer_client, media_root, name, content, content_type
):
    response = upload(writer_client, bad_file(name, content, content_type))
    assert response.status_code == 400
    assert list(response.json()) == ["image"]
    assert stored_files(media_root) == []


def test_decompression_bomb_is_refused_from_its_header_before_decoding(settings):
    settings.REVIEWS_UPLOAD_MAX_PIXELS = 10**9
    bomb = with_ihdr_size(image_bytes("PNG"), 20_000, 20_000)
    with pytest.raises(ValidationError) as error:
        open_image(bad_file("bomb.png", bomb, "image/png"))
    assert isinstance(error.value.__cause__, Image.DecompressionBombError)


def test_upload_claiming_more_pixels_than_allowed_is_refused_with_its_size(
    writer_client,
):
    file = bad_file("big.png", with_ihdr_size(image_bytes("PNG"), 8_000, 6_000), "")
    response = upload(writer_client, file)
    assert "8000×6000 pixels" in response.json()["image"][0]


def test_bmp_upload_error_names_the_format(writer_client):
    response = upload(writer_client, make_image_file("BMP"))
    assert response.json()["image"][0].startswith("BMP images are not accepted")


def test_upload_over_the_byte_limit_is_refused_with_its_size(
    writer_client, media_root, settings
):
    settings.REVIEWS_UPLOAD_MAX_BYTES = 50
    file = make_image_file()
    response = upload(writer_client, file)
    assert response.status_code == 400
    assert response.json() == {
        "image": [
            f"This image is {filesizeformat(file.size)}; "
            f"images may be at most {filesizeformat(50)}."
        ]
    }
    assert stored_files(media_root) == []


def test_upload_over_the_pixel_limit_is_refused(writer_client, media_root, settings):
    settings.REVIEWS_UPLOAD_MAX_PIXELS = 100
    response = upload(writer_client, make_image_file(size=(20, 10)))
    assert response.status_code == 400
    assert "20×10 pixels" in response.json()["image"][0]
    assert stored_files(media_root) == []


def test_upload_without_a_file_is_refused(writer_client, media_root):
    response = writer_client.post(UPLOAD_URL, {})
    assert response.status_code == 400
    assert list(response.json()) == ["image"]


# The live preview


def test_anonymous_preview_is_refused(client, db):
    response = client.post(PREVIEW_URL, {"content": "*hi*"})
    assert response.status_code in (302, 403)


def test_moderator_preview_is_refused(moderator_client):
    response = moderator_client.post(PREVIEW_URL, {"content": "*hi*"})
    assert response.status_code == 403


def test_preview_by_get_is_not_allowed(writer_client):
    assert writer_client.get(PREVIEW_URL, {"content": "*hi*"}).status_code == 405


def test_writer_preview_renders_sanitized_html(writer_client):
    response = writer_client.post(
        PREVIEW_URL, {"content": "*hi* <script>alert(1)</script>"}
    )
    assert response.status_code == 200
    assert response.content == b"<p><em>hi</em> </p>\n"


def test_inactive_writer_preview_is_refused(writer, writer_client):
    writer.is_active = False
    writer.save()
    response = writer_client.post(PREVIEW_URL, {"content": "*hi*"})
    assert response.status_code in (302, 403)
