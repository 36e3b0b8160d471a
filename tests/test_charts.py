"""Scores as pictures: the show page's episode chart, the author's "how I
score" distribution and median, the scores page's spread."""

from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ratings.models import rate, recount
from reviews.charts import ScoreDistribution
from tests.factories import make_author, make_episode, make_review, make_show

pytestmark = pytest.mark.django_db


class Elements(HTMLParser):
    def __init__(self, html):
        super().__init__()
        self.found = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))

    def with_class(self, tag, css_class):
        return [
            attrs
            for name, attrs in self.found
            if name == tag and css_class in attrs.get("class", "").split()
        ]


def chart_points(client, show, css_class="chart-point"):
    html = client.get(show.get_absolute_url()).content.decode()
    return [
        (int(attrs["data-episode"]), attrs["data-score"])
        for attrs in Elements(html).with_class("circle", css_class)
    ]


def percent(value):
    """A position in the plot, "12.5%", as a number."""
    assert value.endswith("%"), value
    return float(value.removesuffix("%"))


def review_episode(show, number, score, **kwargs):
    return make_review(
        show=show, episode=make_episode(show, number=number), score=score, **kwargs
    )


def test_show_chart_has_a_point_per_reviewed_episode_in_order(client):
    show = make_show()
    for number, score in [(3, "8"), (1, "6.5"), (2, "7")]:
        review_episode(show, number, Decimal(score))
    assert chart_points(client, show) == [(1, "6.5"), (2, "7"), (3, "8")]


def test_show_chart_point_is_the_mean_when_several_reviews_exist(client):
    show = make_show()
    episode = make_episode(show, number=1)
    make_review(show=show, episode=episode, score=Decimal("6"))
    make_review(show=show, episode=episode, score=Decimal("9"))
    assert chart_points(client, show) == [(1, "7.5")]
    assert sorted(chart_points(client, show, "chart-review")) == [(1, "6"), (1, "9")]


def test_show_chart_draws_no_review_dots_for_single_reviews(client):
    show = make_show()
    review_episode(show, 1, Decimal("7"))
    assert chart_points(client, show, "chart-review") == []


def test_show_chart_leaves_out_unscored_season_and_unpublished_reviews(client):
    show = make_show()
    review_episode(show, 1, Decimal("7"))
    review_episode(show, 2, None)
    review_episode(show, 3, Decimal("2"), status="draft")
    make_review(show=show, kind="season", episode=None, score=Decimal("9"))
    assert chart_points(client, show) == [(1, "7")]


def test_higher_score_is_drawn_higher(client):
    show = make_show()
    review_episode(show, 1, Decimal("4"))
    review_episode(show, 2, Decimal("9"))
    html = client.get(show.get_absolute_url()).content.decode()
    low, high = Elements(html).with_class("circle", "chart-point")
    assert percent(high["cy"]) < percent(low["cy"])
    assert percent(low["cx"]) < percent(high["cx"])


def test_show_chart_has_an_accessible_name_and_a_data_table(client):
    show = make_show()
    review_episode(show, 1, Decimal("7"))
    html = client.get(show.get_absolute_url()).content.decode()
    (svg,) = Elements(html).with_class("svg", "chart-svg")
    assert svg["role"] == "img"
    assert f'id="{svg["aria-labelledby"]}"' in html
    assert '<th scope="row">1</th><td class="num">7/10</td>' in html


def test_show_without_scored_episodes_has_no_chart(client):
    show = make_show()
    make_review(show=show, kind="season", episode=None, score=Decimal("8"))
    assert b"chart-svg" not in client.get(show.get_absolute_url()).content


@pytest.mark.parametrize(
    "scores, median",
    [
        (["7"], "7"),
        (["5", "9", "7"], "7"),
        (["6", "7", "8", "9.5"], "7.5"),
        (["7", "7.5"], "7.25"),
    ],
)
def test_median_is_the_middle_score(scores, median):
    distribution = ScoreDistribution({})
    for score in scores:
        distribution.counts[Decimal(score)] = (
            distribution.counts.get(Decimal(score), 0) + 1
        )
    assert distribution.median == Decimal(median)


def test_distribution_counts_half_points_with_the_point_below():
    distribution = ScoreDistribution(
        {Decimal("7"): 2, Decimal("7.5"): 1, Decimal("10"): 1}
    )
    buckets = distribution.buckets()
    assert buckets[7] == 3
    assert buckets[10] == 1
    assert sum(buckets) == 4


def test_author_page_shows_score_distribution_and_median(client):
    author = make_author()
    for score in ["6", "7", "7", "9"]:
        make_review(author=author, score=Decimal(score))
    make_review(author=author, score=Decimal("1"), status="draft")
    make_review(author=author, score=None)
    html = client.get(author.get_absolute_url()).content.decode()
    bars = {
        int(attrs["data-score"]): int(attrs["data-count"])
        for attrs in Elements(html).with_class("rect", "chart-bar")
    }
    assert bars == {0: 0, 1: 0, 2: 0, 3: 0, 4: 0, 5: 0, 6: 1, 7: 2, 8: 0, 9: 1, 10: 0}
    assert "median is <strong>7/10</strong>" in html
    (median,) = Elements(html).with_class("line", "chart-median")
    assert median["data-median"] == "7"


def test_author_median_is_only_over_their_own_published_scores(client):
    author = make_author()
    make_review(author=author, score=Decimal("8"))
    make_review(author=author, score=Decimal("6"))
    make_review(score=Decimal("1"))
    response = client.get(author.get_absolute_url())
    assert response.context["scores"].median == Decimal("7")


def test_review_page_shows_the_authors_median_beside_the_score(client):
    author = make_author(name="Sam")
    review = make_review(author=author, score=Decimal("9"))
    make_review(author=author, score=Decimal("6"))
    make_review(author=author, score=Decimal("7"))
    html = client.get(review.get_absolute_url()).content.decode()
    assert "Sam’s median: 7/10" in html
    assert f'href="{author.get_absolute_url()}#how-i-score"' in html


def test_review_page_hides_the_median_of_a_single_score(client):
    review = make_review(score=Decimal("9"))
    assert b"median" not in client.get(review.get_absolute_url()).content


def test_scores_page_shows_each_shows_spread(client):
    show = make_show(title="Spread show")
    for score in ["9", "8", "7", "3"]:
        make_review(show=show, score=Decimal(score))
    response = client.get(reverse("reviews:scores"))
    (listed,) = response.context["shows"]
    assert (listed.high_scores, listed.mid_scores, listed.low_scores) == (2, 1, 1)
    assert "2 high · 1 mid · 1 low" in response.content.decode()


def rate_episode(episode, scores):
    """Readers' ratings through the ratings app, which keeps the community score."""
    for reader, score in enumerate(scores):
        rate(episode, f"reader-{reader}", score, "network", per_network=len(scores))


def test_show_chart_places_readers_points_at_the_community_mean(client):
    show = make_show()
    rate_episode(review_episode(show, 1, Decimal("6")).episode, [8, 9])
    html = client.get(show.get_absolute_url()).content.decode()
    (point,) = Elements(html).with_class("rect", "chart-readers-point")
    assert (point["data-episode"], point["data-score"]) == ("1", "8.5")
    assert percent(point["y"]) == 15


def test_show_chart_has_no_readers_point_for_an_unrated_episode(client):
    show = make_show()
    rate_episode(review_episode(show, 1, Decimal("6")).episode, [7])
    # A score row with no counted rating, as a moderator's uncounting leaves it.
    recount([review_episode(show, 2, Decimal("6")).episode.pk])
    review_episode(show, 3, Decimal("6"))
    html = client.get(show.get_absolute_url()).content.decode()
    points = Elements(html).with_class("rect", "chart-readers-point")
    assert [point["data-episode"] for point in points] == ["1"]


def test_show_chart_has_no_readers_point_for_an_unreviewed_episode(client):
    show = make_show()
    review_episode(show, 1, Decimal("6"))
    rate_episode(make_episode(show, number=2), [9])
    html = client.get(show.get_absolute_url()).content.decode()
    assert Elements(html).with_class("rect", "chart-readers-point") == []


def test_show_chart_legend_only_with_readers_points(client):
    show = make_show()
    episode = review_episode(show, 1, Decimal("6")).episode
    assert b"chart-legend" not in client.get(show.get_absolute_url()).content
    rate_episode(episode, [7])
    content = client.get(show.get_absolute_url()).content
    assert b"chart-legend" in content
    assert b'<th scope="col" class="num">Readers</th>' in content


def test_show_chart_legend_keys_are_not_chart_points(client):
    show = make_show()
    rate_episode(review_episode(show, 1, Decimal("6")).episode, [7])
    assert chart_points(client, show) == [(1, "6")]


def test_readers_series_adds_no_query_to_the_show_page(client):
    """Guards the chart's readers' series: it reads the episodes the episode
    table has already fetched, with their community scores."""
    show = make_show()
    for number in (1, 2, 3):
        review_episode(show, number, Decimal("6"))
    with CaptureQueriesContext(connection) as without_readers:
        client.get(show.get_absolute_url())
    for episode in show.episodes.all():
        rate_episode(episode, [7, 8])
    with CaptureQueriesContext(connection) as with_readers:
        html = client.get(show.get_absolute_url()).content.decode()
    assert len(Elements(html).with_class("rect", "chart-readers-point")) == 3
    assert len(with_readers) == len(without_readers)
