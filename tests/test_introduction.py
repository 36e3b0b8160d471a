"""A review's spoiler-free introduction: before the recap on the page, and in
feeds and search like the thoughts, its spoilers hidden everywhere but the page."""

import feedparser
import pytest
from django.urls import reverse

from reviews import search
from tests.factories import make_review

pytestmark = pytest.mark.django_db

INTRO = "Bones' first **original** in years. ||Rouge is an android.||"


@pytest.fixture
def review():
    return make_review(
        intro=INTRO,
        recap="Rouge >!meets Jean!<.",
        body="## Thoughts\n\nA confident opener.",
    )


def test_the_introduction_comes_before_the_recap_and_the_thoughts(client, review):
    content = client.get(review.get_absolute_url()).content.decode()
    intro = content.index("first <strong>original</strong>")
    assert intro < content.index('<details class="recap">')
    assert content.index('<details class="recap">') < content.index("A confident")


def test_the_introduction_counts_in_the_reading_time(review):
    review.intro = "word " * 440
    review.save()
    assert review.reading_time == 3


def test_feeds_carry_the_introduction_without_its_spoiler(client, review):
    feed = feedparser.parse(client.get(reverse("reviews:feed-rss")).content)
    (content,) = feed.entries[0].content
    assert "first <strong>original</strong>" in content.value
    assert "android" not in content.value
    assert "[spoiler hidden]" in content.value


def test_search_finds_the_introduction_but_not_its_spoiler(review):
    assert search.ReviewResults("original").count() == 1
    assert search.ReviewResults("android").count() == 0
