"""The colour scheme the reader's system asks for: a dark palette in the dark, the
light one otherwise, readable in both."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db(transaction=True)

# An element's text colour, and the colour behind it: the first ancestor's
# background that is not transparent.
COLOURS = """(element) => {
  const text = getComputedStyle(element).color;
  for (let node = element; node; node = node.parentElement) {
    const background = getComputedStyle(node).backgroundColor;
    if (!/^rgba\\(.*, 0\\)$/.test(background)) {
      return [text, background];
    }
  }
  return [text, "rgb(255, 255, 255)"];
}"""


def luminance(colour):
    """WCAG relative luminance of a computed "rgb(r, g, b)" colour."""
    red, green, blue = (
        channel / 255 for channel in map(float, re.findall(r"[\d.]+", colour)[:3])
    )

    def linear(channel):
        if channel <= 0.04045:
            return channel / 12.92
        return ((channel + 0.055) / 1.055) ** 2.4

    return 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)


def contrast(first, second):
    lighter, darker = sorted([luminance(first), luminance(second)], reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


@pytest.fixture
def pages(catalogue):
    """The home page and a review with a recap, and what to read on each."""
    review = catalogue.reviews[0]
    return {
        reverse("reviews:home"): [".site-nav a", ".card-title a", ".card-meta .byline"],
        review.get_absolute_url(): [
            "h1",
            ".review-body p",
            "details.recap summary",
            ".review .byline",
        ],
    }


def read_colours(page, live_server, pages):
    """{(url, selector): (text, background)}, body first on every page."""
    colours = {}
    for url, selectors in pages.items():
        page.goto(live_server.url + url)
        for selector in ["body", *selectors]:
            colours[url, selector] = page.locator(selector).first.evaluate(COLOURS)
    return colours


def test_dark_scheme_shows_light_text_on_a_dark_background(
    make_page, live_server, pages
):
    page = make_page(color_scheme="dark")
    for (url, selector), (text, background) in read_colours(
        page, live_server, pages
    ).items():
        if selector == "body":
            assert luminance(background) < 0.05, f"{url}: background {background}"
            assert luminance(text) > 0.6, f"{url}: text {text}"
        assert contrast(text, background) >= 4.5, (url, selector, text, background)


def test_light_scheme_shows_dark_text_on_a_light_background(
    make_page, live_server, pages
):
    page = make_page(color_scheme="light")
    for (url, selector), (text, background) in read_colours(
        page, live_server, pages
    ).items():
        if selector == "body":
            assert luminance(background) > 0.8, f"{url}: background {background}"
            assert luminance(text) < 0.05, f"{url}: text {text}"
        assert contrast(text, background) >= 4.5, (url, selector, text, background)
