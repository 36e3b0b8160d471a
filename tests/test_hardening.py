"""Smaller hardening, each point a test: what a crafted request or file cannot
do any more."""

import io
import random

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from reviews.images import open_image
from reviews.markdown import render_markdown, sanitize
from tests.factories import make_review, make_user

pytestmark = pytest.mark.django_db

# The sanitiser is a fixed point


TAGS = [
    "p",
    "select",
    "option",
    "table",
    "tr",
    "td",
    "div",
    "ul",
    "li",
    "form",
    "input",
    "button",
    "h2",
    "a",
    "code",
]
TAGS += [
    "details",
    "summary",
    "label",
    "section",
    "pre",
    "blockquote",
    "dl",
    "dt",
    "em",
    "sup",
    "svg",
    "math",
]
TAGS += [
    "textarea",
    "fieldset",
    "colgroup",
    "caption",
    "template",
    "noscript",
    "iframe",
]


def random_markup(seed, count):
    chooser = random.Random(seed)
    for _ in range(count):
        parts = []
        for _ in range(chooser.randint(1, 8)):
            tag = chooser.choice(TAGS)
            parts.append(chooser.choice([f"<{tag}>", f"</{tag}>", "x", '<a href="x">']))
        yield "".join(parts)


def test_a_second_pass_of_the_sanitiser_changes_nothing():
    # e.g. '<p><select><h2>' became '<p><h2></h2></p>', then '<p></p><h2>...'
    unstable = [
        markup
        for markup in random_markup(1, 20_000)
        if sanitize(sanitize(markup)) != sanitize(markup)
    ]
    assert unstable == []


def test_rendered_markdown_is_already_sanitised():
    for markup in random_markup(2, 2_000):
        html = render_markdown(f"Some *text* {markup}\n\n## A heading {markup}")
        assert sanitize(html) == html


# srcset addresses


@pytest.mark.parametrize(
    "bad", ["javascript:alert(1) 1x", "data:image/png;base64,AAAA 2x", "JaVaScRiPt:x"]
)
def test_a_srcset_with_any_other_address_is_dropped(bad):
    html = sanitize(f'<img src="/a.png" alt="" srcset="/a-480.webp 480w, {bad}">')
    assert html == '<img src="/a.png" alt="">'


def test_a_srcset_of_relative_and_web_addresses_is_kept():
    srcset = "/a-480.webp 480w, https://example.com/b.webp 960w"
    html = sanitize(f'<img src="/a.png" alt="" srcset="{srcset}">')
    assert f'srcset="{srcset}"' in html


# Images: only our formats are parsed; animations are bounded


def upload(data, name="picture"):
    return SimpleUploadedFile(name, data)


@pytest.mark.parametrize(
    "format_name, pillow_format",
    [("BMP", "BMP"), ("TIFF", "TIFF"), ("ICO", "ICO")],
)
def test_a_refused_format_is_named_without_being_parsed(
    format_name, pillow_format, monkeypatch
):
    output = io.BytesIO()
    Image.new("RGB", (16, 16)).save(output, format=pillow_format)
    parsed = []
    real_open = Image.open
    monkeypatch.setattr(
        Image,
        "open",
        lambda file, *args, **kwargs: (
            parsed.append(kwargs.get("formats")) or real_open(file, *args, **kwargs)
        ),
    )
    with pytest.raises(ValidationError) as refused:
        open_image(upload(output.getvalue()))
    assert f"{format_name} images are not accepted" in refused.value.messages[0]
    assert parsed == [["JPEG", "PNG", "WEBP", "GIF"]]


def test_an_animation_with_too_many_frames_is_refused(settings):
    settings.REVIEWS_UPLOAD_MAX_FRAMES = 5
    colors = ["red", "lime", "blue", "white", "black", "yellow"]
    frames = [Image.new("RGB", (8, 8), color) for color in colors]
    output = io.BytesIO()
    frames[0].save(output, format="GIF", save_all=True, append_images=frames[1:])
    with pytest.raises(ValidationError) as refused:
        open_image(upload(output.getvalue()))
    assert "6 frames; at most 5" in refused.value.messages[0]


# Logging in


def test_a_login_with_an_unsafe_next_lands_on_the_admin(client):
    make_user("editor-next", password="a long password")
    response = client.post(
        "/admin/login/?next=https://evil.example.com/",
        {"username": "editor-next", "password": "a long password"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/admin/"


# One-line fields


def test_a_crafted_title_with_a_line_break_is_refused(writer_client, writer):
    from tests.test_workflow import edit

    review = make_review(author=writer.author, title="Clean")
    response = edit(writer_client, review, title="Injected\r\nBcc: everyone@x.test")
    assert response.status_code == 200
    assert "Write this on one line." in str(
        response.context["adminform"].form.errors["title"]
    )
    review.refresh_from_db()
    assert review.title == "Clean"


def test_every_one_line_field_of_the_catalogue_refuses_line_breaks(editor_client):
    response = editor_client.post(
        "/admin/reviews/studio/add/", {"name": "Studio\nTrigger", "slug": "trigger"}
    )
    assert "Write this on one line." in response.content.decode()


def test_a_mail_subject_is_one_line_whatever_it_quotes():
    from django.core import mail

    from reviews.mail import deliver

    deliver("Published: “A\nB”", "Body.", ["w@example.com"])
    assert mail.outbox[0].subject == "Published: “A B”"


# Links that are not web addresses


def test_a_stored_javascript_support_link_is_not_a_link(client):
    from reviews.models import Author

    review = make_review(support_url="https://ko-fi.com/ok")
    Author.objects.filter(pk=review.author_id).update(website="javascript:alert(1)")
    type(review).objects.filter(pk=review.pk).update(support_url="javascript:alert(2)")
    content = client.get(review.get_absolute_url()).content.decode()
    assert "javascript:" not in content


def test_a_support_link_must_be_a_web_address():
    review = make_review()
    review.support_url = "ftp://files.example.com/tip-jar"
    with pytest.raises(ValidationError) as refused:
        review.full_clean()
    assert "support_url" in refused.value.message_dict


# A database outage


def test_a_view_that_cannot_reach_the_database_answers_503_with_our_page(
    client, caplog
):
    from unittest import mock

    from django.db import OperationalError

    with mock.patch(
        "reviews.views.HomeView.get", side_effect=OperationalError("server closed")
    ):
        response = client.get("/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    content = response.content.decode()
    assert "Back in a moment" in content
    assert 'class="site-search"' in content  # the site's own layout
    assert "no-store" in response["Cache-Control"]
    assert "Database unavailable: GET /" in caplog.text


def test_health_check_answers_ok_when_all_is_reachable(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "cache": "ok"}


def test_health_check_names_an_unreachable_database(client):
    from unittest import mock

    from django.db import OperationalError

    with mock.patch(
        "reviews.outage.connection.cursor", side_effect=OperationalError("down")
    ):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


# Failed logins are throttled


def log_in(client, password, username="editor-throttled", **extra):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": username, "password": password},
        **extra,
    )


def test_after_too_many_wrong_passwords_even_the_right_one_is_refused(client, settings):
    make_user("editor-throttled", password="the right password")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert log_in(client, "a wrong guess").status_code == 200
    assert log_in(client, "a wrong guess").status_code == 429  # the limit
    locked = log_in(client, "the right password")
    assert locked.status_code == 429
    content = locked.content.decode()
    assert "Too many login attempts" in content
    assert "paused for 15 minutes" in content


def test_the_account_is_locked_from_any_address(client, settings):
    make_user("editor-throttled", password="the right password")
    for number in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, "a wrong guess", REMOTE_ADDR=f"203.0.113.{number}")
    assert log_in(client, "the right password").status_code == 429


def test_a_success_before_the_limit_resets_the_count(client, settings):
    make_user("editor-throttled", password="the right password")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        log_in(client, "a wrong guess")
    assert log_in(client, "the right password").status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        log_in(client, "a wrong guess")
    assert log_in(client, "the right password").status_code == 302


# A request cut off mid-upload


def test_a_form_cut_off_mid_upload_is_refused_and_nothing_saved(writer_client):
    import io as bytes_io

    from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

    from reviews.models import Review
    from tests.factories import image_bytes, make_show
    from tests.test_admin import review_form_data

    data = review_form_data(make_show(), title="Cut off", body="After the cover.")
    data["cover"] = SimpleUploadedFile("cover.png", image_bytes(size=(400, 300)))
    body = encode_multipart(BOUNDARY, data)
    arrived = body[: body.index(b"cover.png") + 200]  # the connection dropped here
    response = writer_client.generic(
        "POST",
        "/admin/reviews/review/add/",
        arrived,
        content_type=MULTIPART_CONTENT,
        CONTENT_LENGTH=str(len(body)),
        **{"wsgi.input": bytes_io.BytesIO(arrived)},
    )
    assert response.status_code == 400
    assert "The form did not arrive whole" in response.content.decode()
    assert not Review.objects.exists()


def test_a_whole_upload_goes_through(writer_client):
    from reviews.models import Review
    from tests.factories import make_show
    from tests.test_admin import review_form_data

    response = writer_client.post(
        "/admin/reviews/review/add/", review_form_data(make_show(), title="Whole")
    )
    assert response.status_code == 302
    assert Review.objects.get().title == "Whole"
