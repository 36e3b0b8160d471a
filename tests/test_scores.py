"""How scores are shown: one text format and one set of colour bands."""

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings

from reviews.models import Show
from reviews.scores import band_legend, format_score, score_band
from tests.factories import make_review


@pytest.mark.parametrize(
    "value, text",
    [
        (Decimal("7.0"), "7"),
        (Decimal("7.5"), "7.5"),
        (7.05, "7.1"),  # a mean; halves round up, as a reader expects
        (Decimal("6.75"), "6.8"),  # a median of 6.5 and 7
        (Decimal("7.333333"), "7.3"),
        (10, "10"),
        (0, "0"),
        (None, ""),
    ],
)
def test_a_score_shows_at_most_one_decimal(value, text):
    assert format_score(value) == text


@pytest.mark.parametrize(
    "value, band",
    [(10, "high"), (8, "high"), (7.5, "mid"), (6, "mid"), (5.5, "low"), (0, "low")],
)
def test_each_score_falls_in_one_band(value, band):
    assert score_band(value) == band


def test_no_score_has_no_band():
    assert score_band(None) == "none"


def test_the_legend_says_where_each_band_starts():
    assert band_legend() == "high 8 and up, mid 6 to 7.5, low under 6"


@pytest.mark.django_db
def test_a_shows_band_counts_use_the_same_bands_as_its_badges():
    scores = ["8", "7.5", "6", "5.5", "10"]
    show = make_review(score=Decimal(scores[0])).show
    for score in scores[1:]:
        make_review(show=show, score=Decimal(score))
    counted = Show.objects.with_score_bands().get(pk=show.pk)
    bands = [score_band(Decimal(score)) for score in scores]
    assert (counted.high_scores, counted.mid_scores, counted.low_scores) == (
        bands.count("high"),
        bands.count("mid"),
        bands.count("low"),
    )


def test_the_scores_page_legend_comes_from_the_bands(client, db):
    make_review(score=Decimal("7"))
    assert band_legend() in client.get("/scores/").content.decode()


def test_no_page_shows_a_score_with_two_decimals(client, db):
    review = make_review(score=Decimal("6.50"))
    pages = [
        review.get_absolute_url(),
        review.show.get_absolute_url(),
        review.author.get_absolute_url(),
        "/scores/",
        "/reviews/",
    ]
    for url in pages:
        content = client.get(url).content.decode()
        content = re.sub(r"<(script|style)\b.*?</\1>", "", content, flags=re.S)
        text = re.sub(r"<[^>]*>", " ", content)  # the page's words, apart
        assert "6.5" in text, url
        assert not re.search(r"\d\.\d\d", text), url


def test_templates_format_scores_only_through_the_score_filter():
    templates = Path(settings.BASE_DIR, "templates").rglob("*.html")
    assert [path.name for path in templates if "floatformat" in path.read_text()] == []
