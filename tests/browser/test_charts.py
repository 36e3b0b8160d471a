"""The score charts as drawn: labels that stay readable from a phone to a desktop
(measured in Chromium), a chart of one episode that is only its dots, and the
readers' series beside ours."""

from decimal import Decimal
from itertools import combinations

import pytest

from ratings.models import rate
from tests.factories import make_author, make_episode, make_review, make_show

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}

# The size each visible label is drawn at, in CSS pixels: its font size scaled
# by whatever the SVG does to it (a viewBox scales it with the chart).
LABEL_SIZES = """(selector) => [...document.querySelectorAll(selector)]
  .filter((text) => text.checkVisibility())
  .map((text) => [
    text.textContent,
    parseFloat(getComputedStyle(text).fontSize) * text.getScreenCTM().a,
  ])"""

BOXES = """(selector) => [...document.querySelectorAll(selector)]
  .filter((element) => element.checkVisibility())
  .map((element) => {
    const box = element.getBoundingClientRect();
    return {left: box.left, right: box.right, top: box.top, bottom: box.bottom};
  })"""


def overlap(first, second):
    return not (
        first["right"] <= second["left"]
        or second["right"] <= first["left"]
        or first["bottom"] <= second["top"]
        or second["bottom"] <= first["top"]
    )


def review_episodes(show, scores):
    for number, score in scores:
        make_review(
            show=show,
            episode=make_episode(show, number=number),
            score=Decimal(score),
        )


@pytest.fixture
def show():
    show = make_show(title="Chart show")
    review_episodes(show, [(1, "6"), (2, "7.5"), (3, "8"), (4, "5")])
    make_review(show=show, episode=show.episodes.get(number=1), score=Decimal("9"))
    return show


@pytest.fixture
def author():
    author = make_author(name="Chart writer")
    for score in ["3", "6", "7", "7", "8.5", "10"]:
        make_review(author=author, score=Decimal(score))
    return author


@pytest.mark.parametrize("context", [PHONE, DESKTOP], ids=["390px", "1280px"])
def test_chart_labels_are_drawn_at_12px_or_more(
    make_page, live_server, show, author, context
):
    page = make_page(**context)
    sizes = {}
    for url in [show.get_absolute_url(), author.get_absolute_url()]:
        page.goto(live_server.url + url)
        sizes[url] = page.evaluate(LABEL_SIZES, ".chart-svg text")
        assert len(sizes[url]) >= 5, sizes[url]
    small = {
        url: [(text, size) for text, size in labels if size < 12]
        for url, labels in sizes.items()
    }
    assert small == {url: [] for url in sizes}


def test_a_long_shows_episode_numbers_do_not_collide_on_a_phone(make_page, live_server):
    show = make_show()
    review_episodes(show, [(number, "7") for number in range(1, 27)])
    page = make_page(**PHONE)
    page.goto(live_server.url + show.get_absolute_url())
    labels = page.evaluate(BOXES, ".chart-x-labels text")
    assert len(labels) >= 5
    assert not any(overlap(*pair) for pair in combinations(labels, 2))


@pytest.mark.parametrize("context", [PHONE, DESKTOP], ids=["390px", "1280px"])
def test_a_one_episode_chart_is_its_dots_and_nothing_peeks_from_under_them(
    make_page, live_server, context
):
    show = make_show()
    episode = make_episode(show, number=1)
    for score in ["7", "7", "6.5"]:
        make_review(show=show, episode=episode, score=Decimal(score))
    page = make_page(**context)
    page.goto(live_server.url + show.get_absolute_url())

    assert page.locator(".chart-line").count() == 0
    (mean,) = page.evaluate(BOXES, ".chart-point")
    reviews = page.evaluate(BOXES, ".chart-review")
    assert len(reviews) == 3
    assert [box for box in reviews if overlap(box, mean)] == []


@pytest.mark.parametrize("context", [PHONE, DESKTOP], ids=["390px", "1280px"])
def test_readers_series_is_drawn_with_its_legend_and_fits_the_page(
    make_page, live_server, show, context
):
    for number, scores in [(1, [8, 9]), (2, [5]), (4, [9, 10, 9])]:
        episode = show.episodes.get(number=number)
        for reader, score in enumerate(scores):
            rate(episode, f"reader-{reader}", score, "network", per_network=3)
    page = make_page(**context)
    page.goto(live_server.url + show.get_absolute_url())

    readers = page.evaluate(BOXES, ".chart-readers-point")
    assert len(readers) == 3
    assert all(box["right"] - box["left"] >= 8 for box in readers), readers
    # Episode 2's 5/10 is drawn lower than episode 1's 8.5 and episode 4's 9.3.
    assert readers[1]["top"] > readers[0]["top"] > readers[2]["top"]
    assert len(page.evaluate(BOXES, ".chart-readers-line")) == 2
    assert page.locator(".chart-legend li").all_inner_texts() == ["Writers", "Readers"]
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow == 0
