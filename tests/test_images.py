"""Renditions for srcset, storage failures that leave nothing behind, and the
orphan-image command."""

import io
import re

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.management import call_command
from django.urls import reverse
from PIL import Image

from reviews.images import make_renditions
from reviews.markdown import render_markdown
from reviews.models import Review
from tests.factories import keep_revision, make_image_file, make_review, make_show
from tests.test_admin import review_form_data

pytestmark = pytest.mark.django_db

UPLOAD_URL = reverse("reviews:markdown-upload")


def files_in(media_root):
    if not media_root.exists():
        return []
    return sorted(
        str(path.relative_to(media_root))
        for path in media_root.rglob("*")
        if path.is_file()
    )


def size_of(path):
    with Image.open(path) as image:
        return image.format, image.size


def upload(client, file):
    response = client.post(UPLOAD_URL, {"image": file})
    url = re.search(r"\((/media/[^)]+)\)", response.json()["image_code"])[1]
    return url.removeprefix("/media/")


# Renditions


def test_wide_upload_gets_webp_and_original_renditions(writer_client, media_root):
    name = upload(writer_client, make_image_file("JPEG", size=(2000, 1000)))
    stem = name.removesuffix(".jpg")
    assert size_of(media_root / f"{stem}.webp") == ("WEBP", (2000, 1000))
    for width in (480, 960, 1600):
        height = width // 2
        assert size_of(media_root / f"{stem}-{width}.webp") == ("WEBP", (width, height))
        assert size_of(media_root / f"{stem}-{width}.jpg") == ("JPEG", (width, height))


def test_small_upload_gets_only_a_webp_copy(writer_client, media_root):
    name = upload(writer_client, make_image_file("PNG", size=(400, 300)))
    stem = name.removesuffix(".png")
    assert files_in(media_root) == sorted([name, f"{stem}.webp"])


def test_animated_gif_is_left_alone(writer_client, media_root):
    name = upload(writer_client, make_image_file("GIF", size=(900, 600)))
    assert files_in(media_root) == [name]


def test_uploaded_image_in_markdown_gets_size_and_srcset(writer_client):
    name = upload(writer_client, make_image_file("PNG", size=(1000, 500)))
    stem = name.removesuffix(".png")
    html = render_markdown(f"![A still](/media/{name})")
    assert 'width="1000" height="500"' in html
    assert f"/media/{stem}-480.webp 480w, /media/{stem}-960.webp 960w" in html
    assert f"/media/{stem}.webp 1000w" in html
    assert 'sizes="' in html
    assert 'loading="lazy"' in html


def test_rendering_an_uploaded_image_reads_its_size_from_its_name(monkeypatch):
    def no_storage(*args, **kwargs):
        raise AssertionError("rendering Markdown asked the storage")

    for method in ("open", "exists", "size"):
        monkeypatch.setattr(FileSystemStorage, method, no_storage)
    html = render_markdown("![A still](/media/uploads/2026/12/abc-1000x500.png)")
    assert 'width="1000" height="500"' in html
    assert "/media/uploads/2026/12/abc-1000x500-480.webp 480w" in html


def test_image_from_elsewhere_gets_no_srcset():
    html = render_markdown("![x](https://example.com/a.png)")
    assert "srcset" not in html


def test_review_cover_is_shown_with_renditions(writer_client, client, media_root):
    cover = make_image_file("JPEG", size=(1200, 675))
    data = review_form_data(
        make_show(), cover=cover, cover_alt="A poster", status="published"
    )
    writer_client.post(reverse("admin:reviews_review_add"), data)
    review = Review.objects.get()
    stem = review.cover.name.removesuffix(".jpg")
    content = client.get(review.get_absolute_url()).content.decode()
    assert (
        f'<source type="image/webp" srcset="/media/{stem}-480.webp 480w, '
        f'/media/{stem}-960.webp 960w, /media/{stem}.webp 1200w"' in content
    )
    assert f'srcset="/media/{stem}-480.jpg 480w, /media/{stem}-960.jpg 960w' in content
    assert 'width="1200" height="675"' in content
    for url in re.findall(r"(/media/[^ \"]+)", content):
        assert (media_root / url.removeprefix("/media/")).exists(), url


# Failures leave nothing behind


class FullDisk(FileSystemStorage):
    """Stores the first ``room`` files, then fails as a full disk does."""

    room = 1

    def _save(self, name, content):
        if FullDisk.room <= 0:
            raise OSError(28, "No space left on device")
        FullDisk.room -= 1
        return super()._save(name, content)


@pytest.fixture
def full_disk(settings, media_root):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "tests.test_images.FullDisk"},
    }
    FullDisk.room = 1
    return FullDisk


def test_full_disk_during_a_cover_upload_keeps_the_text_and_no_files(
    writer_client, full_disk, media_root
):
    data = review_form_data(
        make_show(),
        body="Three paragraphs I will not write again.",
        cover=make_image_file("JPEG", size=(1200, 675)),
        cover_alt="A poster",
    )
    response = writer_client.post(reverse("admin:reviews_review_add"), data)
    assert response.status_code == 200
    content = response.content.decode()
    assert "could not be stored" in content
    assert "Three paragraphs I will not write again." in content
    assert not Review.objects.exists()
    assert files_in(media_root) == []


def test_full_disk_during_an_inline_upload_is_a_clear_error(
    writer_client, full_disk, media_root
):
    response = writer_client.post(
        UPLOAD_URL, {"image": make_image_file("PNG", size=(1000, 500))}
    )
    assert response.status_code == 507
    assert "could not be stored" in response.json()["image"][0]
    assert files_in(media_root) == []


def refused_with_a_cover(writer_client):
    data = review_form_data(
        make_show(),
        cover=make_image_file("JPEG", size=(1200, 675), name="poster.jpg"),
        cover_alt="A poster",
        kind="season",  # A season review with an episode: refused by clean().
        status="submitted",
    )
    response = writer_client.post(reverse("admin:reviews_review_add"), data)
    assert response.status_code == 200
    assert not Review.objects.exists()
    return data, response


def kept_token(response):
    return re.search(r'name="cover_kept" value="([^"]+)"', response.content.decode())[1]


def test_a_refused_form_keeps_the_chosen_cover_for_the_next_try(writer_client):
    data, response = refused_with_a_cover(writer_client)
    assert "Kept from your last try: <strong>poster.jpg</strong>" in (
        response.content.decode()
    )
    del data["cover"]
    data.update(kind="episode", cover_kept=kept_token(response))
    assert writer_client.post(
        reverse("admin:reviews_review_add"), data
    ).status_code == (302)
    review = Review.objects.get()
    assert review.cover.name.startswith("covers/")
    assert (review.cover_width, review.cover_height) == (1200, 675)


def test_the_kept_cover_is_stored_once(writer_client, media_root):
    data, response = refused_with_a_cover(writer_client)
    stored = files_in(media_root)
    del data["cover"]
    data.update(kind="episode", cover_kept=kept_token(response))
    writer_client.post(reverse("admin:reviews_review_add"), data)
    assert files_in(media_root) == stored


def test_a_new_choice_replaces_the_kept_cover_and_its_files(writer_client, media_root):
    data, response = refused_with_a_cover(writer_client)
    data.update(
        kind="episode",
        cover_kept=kept_token(response),
        cover=make_image_file("PNG", size=(800, 450), name="other.png"),
    )
    writer_client.post(reverse("admin:reviews_review_add"), data)
    review = Review.objects.get()
    assert review.cover.name.endswith(".png")
    assert not [name for name in files_in(media_root) if name.endswith(".jpg")]


def test_a_forged_kept_token_is_ignored(writer_client):
    data, _ = refused_with_a_cover(writer_client)
    del data["cover"]
    data.update(kind="episode", cover="", cover_kept="covers/someone-elses.jpg")
    writer_client.post(reverse("admin:reviews_review_add"), data)
    assert Review.objects.get().cover.name == ""


def test_invalid_image_leaves_no_file(writer_client, media_root):
    data = review_form_data(
        make_show(),
        cover=ContentFile(b"not an image", name="x.jpg"),
        cover_alt="A poster",
    )
    writer_client.post(reverse("admin:reviews_review_add"), data)
    assert not Review.objects.exists()
    assert files_in(media_root) == []


# Orphans


def stored(name, size=(1200, 600)):
    output = io.BytesIO()
    Image.new("RGB", size, "teal").save(output, "JPEG")
    name = default_storage.save(name, ContentFile(output.getvalue()))
    make_renditions(name)
    return name


def test_orphan_command_lists_only_unused_images(capsys, media_root):
    used_cover = stored("covers/used.jpg")
    make_review(cover=used_cover, cover_alt="x")
    inline = stored("uploads/2026/11/inline.jpg")
    make_review(body=f"![still](/media/{inline})")
    kept_by_revision = stored("covers/old.jpg")
    review = make_review(cover=kept_by_revision, cover_alt="x")
    keep_revision(review)
    Review.objects.filter(pk=review.pk).update(cover="")
    orphan = stored("uploads/2026/11/orphan.jpg")
    call_command("orphan_images")
    listed = capsys.readouterr().out.splitlines()
    assert listed[:-1] == sorted(
        [
            orphan,
            "uploads/2026/11/orphan-480.jpg",
            "uploads/2026/11/orphan-480.webp",
            "uploads/2026/11/orphan-960.jpg",
            "uploads/2026/11/orphan-960.webp",
            "uploads/2026/11/orphan.webp",
        ]
    )
    assert (media_root / used_cover).exists()


def test_orphan_command_deletes_with_delete(media_root):
    used = stored("covers/used.jpg")
    make_review(cover=used, cover_alt="x")
    stored("uploads/orphan.jpg", size=(100, 100))
    call_command("orphan_images", "--delete")
    assert files_in(media_root) == sorted(
        [
            used,
            "covers/used-480.jpg",
            "covers/used-480.webp",
            "covers/used-960.jpg",
            "covers/used-960.webp",
            "covers/used.webp",
        ]
    )
