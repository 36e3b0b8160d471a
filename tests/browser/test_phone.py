"""Reading on a phone: every public page type of the demo content, 390 CSS pixels
wide with touch (and 360, the narrowest phones in common use)."""

from itertools import combinations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from reviews.models import Show
from tests.factories import demo_pages, make_demo_content, make_review

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 3,
    "is_mobile": True,
    "has_touch": True,
}

LONG_LINES = (
    "A word wider than a phone: " + "Supercalifragilistic" * 5 + ".\n\n"
    "A bare link: https://example.com/" + "a-very-long-path/" * 10 + "\n\n"
    "| Episode | Opening | Ending | Animation | Story | Music | Voice acting |\n"
    "|---|---|---|---|---|---|---|\n"
    "| 1 | Rouge | Yu-ka | Bones at its best | Sharp | Loud | Fine |\n\n"
    "```\n" + "print('a line of code that is not wrapped') " * 4 + "\n```\n"
)

# Visible elements sticking out past the right edge of the viewport.
OVERFLOWING = """() => [...document.querySelectorAll("body *")]
  .filter((element) => element.getBoundingClientRect().right > innerWidth + 0.5)
  .filter((element) => element.checkVisibility() && element.offsetHeight)
  .map((element) => element.tagName.toLowerCase() + "." + element.classList)
  .slice(0, 5)"""

# Phrases (three words or more, so not a lone label, number or "/10") set
# smaller than 14px.
SMALL_PHRASES = """() => {
  const small = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const text = walker.currentNode.textContent.trim();
    const element = walker.currentNode.parentElement;
    const words = text.split(/\\s+/).filter((word) => /[\\p{L}\\p{N}]/u.test(word));
    if (
      words.length < 3
      || !element.getClientRects().length
      || !element.checkVisibility({visibilityProperty: true, opacityProperty: true})
      || element.closest(".visually-hidden, [aria-hidden=true], option")
    ) {
      continue;
    }
    const size = parseFloat(getComputedStyle(element).fontSize);
    if (size < 14) {
      small.push(`${size}px ${element.tagName.toLowerCase()}: ${text.slice(0, 40)}`);
    }
  }
  return small;
}"""


@pytest.fixture
def pages():
    """The demo's public pages, and a review with lines that do not wrap."""
    make_demo_content()
    pages = demo_pages()
    del pages["not-found"]  # A 404, which every page's checks would report.
    review = make_review(
        show=Show.objects.get(slug="metallic-rouge"),
        title="A review with lines that do not wrap",
        body=LONG_LINES,
    )
    pages["review-with-long-lines"] = review.get_absolute_url()
    return pages


def test_no_page_scrolls_sideways_on_a_phone(make_page, live_server, pages):
    too_wide = {}
    for width in [360, 390]:
        page = make_page(**PHONE | {"viewport": {"width": width, "height": 800}})
        for name, url in pages.items():
            page.goto(live_server.url + url)
            scroll_width = page.evaluate("document.documentElement.scrollWidth")
            if scroll_width > width:
                too_wide[name, width] = (scroll_width, page.evaluate(OVERFLOWING))
    assert too_wide == {}


def test_text_is_readable_on_a_phone(make_page, live_server, pages):
    page = make_page(**PHONE)
    small_body, small_phrases = {}, {}
    for name, url in pages.items():
        page.goto(live_server.url + url)
        body = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
        if body < 16:
            small_body[name] = body
        if phrases := page.evaluate(SMALL_PHRASES):
            small_phrases[name] = phrases
    assert small_body == {}, "body text under 16px"
    assert small_phrases == {}, "phrases under 14px"


def test_main_menu_fits_and_every_link_can_be_tapped_on_a_phone(make_page, live_server):
    page = make_page(**PHONE)
    page.goto(live_server.url + reverse("reviews:home"))
    links = page.get_by_role("navigation", name="Main").get_by_role("link")
    names = links.all_inner_texts()
    assert names == ["Reviews", "Shows", "Scores", "Authors"]

    boxes = []
    for link in links.all():
        expect(link).to_be_visible()
        box = link.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390, box
        assert box["y"] >= 0 and box["y"] + box["height"] <= 844, box
        assert box["width"] >= 24 and box["height"] >= 24, box
        assert link.evaluate(
            """(link) => {
                const box = link.getBoundingClientRect();
                const x = box.x + box.width / 2, y = box.y + box.height / 2;
                return link.contains(document.elementFromPoint(x, y));
            }"""
        ), f"something covers {link.inner_text()}"
        boxes.append(box)
    for first, second in combinations(boxes, 2):
        assert (
            first["x"] + first["width"] <= second["x"]
            or second["x"] + second["width"] <= first["x"]
            or first["y"] + first["height"] <= second["y"]
            or second["y"] + second["height"] <= first["y"]
        ), f"{first} overlaps {second}"

    for name, route in [
        ("Reviews", "reviews:review-list"),
        ("Shows", "reviews:show-list"),
        ("Scores", "reviews:scores"),
        ("Authors", "reviews:author-list"),
    ]:
        links.get_by_text(name, exact=True).tap()
        page.wait_for_url(live_server.url + reverse(route))
        expect(links.get_by_text(name, exact=True)).to_have_attribute(
            "aria-current", "page"
        )


# The header search's placeholder, measured in the font it is drawn in.
PLACEHOLDER_FITS = """() => {
  const input = document.querySelector("#page\\\\:site-search");
  const style = getComputedStyle(input);
  const context = document.createElement("canvas").getContext("2d");
  context.font = style.font;
  const room = input.clientWidth - parseFloat(style.paddingLeft)
    - parseFloat(style.paddingRight);
  return context.measureText(input.placeholder).width <= room;
}"""


@pytest.mark.parametrize("width", [360, 390, 1280, 1600])
def test_the_header_searchs_placeholder_is_never_cut(make_page, live_server, width):
    page = make_page(viewport={"width": width, "height": 800})
    page.goto(live_server.url + "/")
    assert page.evaluate(PLACEHOLDER_FITS)


def test_on_a_phone_the_filters_wait_behind_one_button(make_page, live_server):
    make_review(title="Visible at once")
    page = make_page(**PHONE)
    page.goto(live_server.url + reverse("reviews:review-list") + "?kind=episode")
    assert not page.locator("form.filters").is_visible()
    card = page.locator(".review-card").first.bounding_box()
    assert card["y"] < 844  # the first review starts on the first screen
    page.get_by_text("Filter and sort").click()
    expect(page.locator("form.filters")).to_be_visible()
    page.get_by_role("link", name="Remove the filter Kind: Episode review").click()
    page.wait_for_url(live_server.url + reverse("reviews:review-list"))


def test_from_tablet_width_the_filters_are_always_shown(make_page, live_server):
    make_review()
    page = make_page(viewport={"width": 1280, "height": 800})
    page.goto(live_server.url + reverse("reviews:review-list"))
    expect(page.locator("form.filters")).to_be_visible()
    assert not page.get_by_text("Filter and sort").is_visible()
