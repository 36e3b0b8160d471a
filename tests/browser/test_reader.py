import pytest

from tests.factories import make_review

pytestmark = pytest.mark.django_db(transaction=True)


def test_spoilers_toggle_without_javascript(page_without_javascript, live_server):
    review = make_review(
        recap="Rouge >!wins!<.", body="::: spoiler The ending\nShe lives.\n:::"
    )
    page = page_without_javascript
    page.goto(f"{live_server.url}{review.get_absolute_url()}")

    page.click("details.recap summary")
    inline = page.locator("details.recap label.spoiler")
    assert not inline.locator(".spoiler-text").is_visible()
    inline.click()
    assert inline.locator(".spoiler-text").is_visible()

    block = page.locator(".review-body details.spoiler")
    assert not block.locator("p").is_visible()
    block.locator("summary").click()
    assert block.locator("p").is_visible()


def test_phone_width_has_no_horizontal_scroll(browser, live_server, request):
    review = make_review(body="A long word: " + "Supercalifragilistic" * 5)
    context = browser.new_context(viewport={"width": 360, "height": 740})
    request.addfinalizer(context.close)
    page = context.new_page()
    for path in ["/", "/reviews/", review.get_absolute_url(), "/scores/"]:
        page.goto(f"{live_server.url}{path}")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, path
