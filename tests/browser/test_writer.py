import io

import pytest
from PIL import Image

from reviews.models import Author, Review
from tests.factories import make_episode, make_show, make_user

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a-long-test-password"


def png_bytes():
    output = io.BytesIO()
    Image.new("RGB", (640, 360), "crimson").save(output, "PNG")
    return output.getvalue()


def drop_image(page, selector):
    """Drop a PNG onto the markdownx editor, as a writer dragging a file would."""
    page.locator(selector).evaluate(
        """(editor, bytes) => {
            const transfer = new DataTransfer();
            const file = new File(
                [new Uint8Array(bytes)], "still.png", {type: "image/png"}
            );
            transfer.items.add(file);
            editor.dispatchEvent(new DragEvent(
                "drop", {dataTransfer: transfer, bubbles: true, cancelable: true}
            ));
        }""",
        list(png_bytes()),
    )


def wait_for(page, condition, describe, timeout_ms=8000):
    """Poll from Python: the Content Security Policy forbids Playwright's eval."""
    for _ in range(timeout_ms // 100):
        if condition():
            return
        page.wait_for_timeout(100)
    if callable(describe):
        describe = describe()
    raise AssertionError(f"timed out waiting for {describe}")


@pytest.fixture
def writer_in_browser(page, live_server):
    user = make_user("writer", groups=["Writers"])
    user.set_password(PASSWORD)
    user.save()
    Author.for_user(user)
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "writer")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")
    return page


def test_writer_publishes_a_review_that_reads_exactly_as_previewed(
    writer_in_browser, live_server
):
    page = writer_in_browser
    show = make_show(title="Metallic Rouge")
    make_episode(show, number=1)
    page.goto(f"{live_server.url}/admin/reviews/review/add/")
    page.fill("#id_title", "Rouge wakes up")
    page.click(".field-show .select2-selection")
    page.fill(".select2-search__field", "Metallic")
    page.click(".select2-results__option >> text=Metallic Rouge")
    page.click(".field-episode .select2-selection")
    page.click(".select2-results__option >> text=episode 1")
    page.fill("#id_summary", "A confident opener.")
    page.fill("#id_recap", "## What happens\n\nRouge >!finds the first Immortal!<.")
    page.fill("#id_body", "## Thoughts\n\nThe twist: ||Naomi knew||.\n\n")
    drop_image(page, "#id_body")
    wait_for(
        page,
        lambda: "/media/uploads/" in page.input_value("#id_body"),
        lambda: f"the upload; the editor holds {page.input_value('#id_body')!r}",
    )

    body_preview = page.locator(".field-body .markdownx-preview")
    wait_for(page, lambda: body_preview.locator("img").count() == 1, "the preview")
    assert body_preview.locator("label.spoiler input[type=checkbox]").count() == 1
    recap_preview = page.locator(".field-recap .markdownx-preview")
    wait_for(page, lambda: recap_preview.locator("h2").count() == 1, "the recap")
    previewed_body = body_preview.inner_html()

    page.select_option("#id_score", label="7")
    page.select_option("#id_verdict", "recommended")
    page.select_option("#id_status", "published")
    page.click("input[name=_save]")
    page.wait_for_url(f"{live_server.url}/admin/reviews/review/")

    review = Review.objects.get()
    assert review.is_published()
    page.goto(f"{live_server.url}{review.get_absolute_url()}")
    assert page.locator(".review-body").inner_html().strip() == previewed_body.strip()
    assert page.locator(".scorecard .score-value").inner_text() == "7"
    assert page.locator(".review-body img").evaluate("img => img.naturalWidth") > 0

    spoiler = page.locator(".review-body label.spoiler")
    assert not spoiler.locator(".spoiler-text").is_visible()
    spoiler.locator("input").focus()
    page.keyboard.press("Space")
    assert spoiler.locator(".spoiler-text").is_visible()

    recap = page.locator("details.recap")
    assert not recap.locator("h2").is_visible()
    recap.locator("summary").focus()
    page.keyboard.press("Enter")
    assert recap.locator("h2").is_visible()
