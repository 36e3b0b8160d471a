"""Scores as pictures: the show page's episode chart, the author's "how I
score" distribution and median, the scores page's spread."""

import re
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


def between_tags(html):
    """The markup without the whitespace between its elements."""
    return re.sub(r">\s+<", "><", html.strip())


def test_show_chart_writes_every_element_as_its_template_did(client):
    """{% episode_chart_svg %} and {% episode_chart_rows %}: what
    includes/episode_chart.html wrote, element for element."""
    show = make_show()
    first = review_episode(show, 1, Decimal("6")).episode
    make_review(show=show, episode=first, score=Decimal("9"))
    second = review_episode(show, 2, Decimal("8")).episode
    third = review_episode(show, 3, Decimal("7")).episode
    make_review(show=show, episode=third, score=Decimal("7.5"))
    rate_episode(first, [7])
    rate_episode(second, [8, 10])
    html = client.get(show.get_absolute_url()).content.decode()
    svg = html[html.index('<svg class="chart-svg"') : html.index("</svg>") + 6]
    table = html[html.index('<details class="chart-data">') :]
    rows = table[table.index("<tbody>") + 7 : table.index("</tbody>")]
    grid = "".join(
        f'<line x1="0" x2="100%" y1="{y}%" y2="{y}%"/><text class="chart-axis-label" '
        f'x="0" y="{y}%" dx="-8" dy="0.35em" text-anchor="end">{label}</text>'
        for y, label in [(100.0, 0), (80.0, 2), (60.0, 4), (40.0, 6), (20.0, 8)]
        + [(0.0, 10)]
    )
    labels = "".join(
        f'<text class="chart-axis-label" x="{x}%" y="100%" dy="22" '
        f'text-anchor="middle">{number}</text>'
        for x, number in [(4.0, 1), (50.0, 2), (96.0, 3)]
    )
    assert between_tags(svg) == between_tags(
        '<svg class="chart-svg" role="img" '
        'aria-labelledby="page:episode-chart-caption" focusable="false">'
        f'<g class="chart-grid">{grid}</g><g class="chart-x-labels">{labels}</g>'
        '<line class="chart-line" x1="4.0%" y1="25.0%" x2="50.0%" y2="20.0%"/>'
        '<line class="chart-line" x1="50.0%" y1="20.0%" x2="96.0%" y2="27.5%"/>'
        '<line class="chart-readers-line" x1="4.0%" y1="30.0%" x2="50.0%" '
        'y2="10.0%"/>'
        '<rect class="chart-readers-point" x="4.0%" y="30.0%" width="9" height="9" '
        'transform="translate(-4.5 -4.5)" data-episode="1" data-score="7"><title>'
        "Episode 1: readers 7/10 from 1 rating</title></rect>"
        '<rect class="chart-readers-point" x="50.0%" y="10.0%" width="9" height="9" '
        'transform="translate(-4.5 -4.5)" data-episode="2" data-score="9"><title>'
        "Episode 2: readers 9/10 from 2 ratings</title></rect>"
        '<circle class="chart-point score-mid" cx="4.0%" cy="25.0%" r="6" '
        'data-episode="1" data-score="7.5"><title>Episode 1: 7.5/10, the mean of 2 '
        "reviews</title></circle>"
        '<circle class="chart-point score-high" cx="50.0%" cy="20.0%" r="6" '
        'data-episode="2" data-score="8"><title>Episode 2: 8/10</title></circle>'
        '<circle class="chart-point score-mid" cx="96.0%" cy="27.5%" r="6" '
        'data-episode="3" data-score="7.3"><title>Episode 3: 7.3/10, the mean of 2 '
        "reviews</title></circle>"
        '<g transform="translate(11 0)">'
        '<circle class="chart-review" cx="4.0%" cy="10.0%" r="3" data-episode="1" '
        'data-score="9"><title>Episode 1: one review gave 9/10</title></circle>'
        '<circle class="chart-review" cx="4.0%" cy="40.0%" r="3" data-episode="1" '
        'data-score="6"><title>Episode 1: one review gave 6/10</title></circle>'
        '<circle class="chart-review" cx="96.0%" cy="25.0%" r="3" data-episode="3" '
        'data-score="7.5"><title>Episode 3: one review gave 7.5/10</title></circle>'
        '<circle class="chart-review" cx="96.0%" cy="30.0%" r="3" data-episode="3" '
        'data-score="7"><title>Episode 3: one review gave 7/10</title></circle>'
        "</g></svg>"
    )
    assert rows.strip() == (
        '<tr><th scope="row">1</th><td class="num">7.5/10</td><td>9, 6</td>'
        '<td class="num">7/10 <span class="readers-count">(1<span '
        'class="visually-hidden"> rating</span>)</span></td></tr>'
        '<tr><th scope="row">2</th><td class="num">8/10</td><td>8</td>'
        '<td class="num">9/10 <span class="readers-count">(2<span '
        'class="visually-hidden"> ratings</span>)</span></td></tr>'
        '<tr><th scope="row">3</th><td class="num">7.3/10</td><td>7.5, 7</td>'
        '<td class="num">—</td></tr>'
    )


def test_show_chart_of_an_unrated_show_has_no_readers_column(client):
    show = make_show()
    review_episode(show, 1, Decimal("6"))
    html = client.get(show.get_absolute_url()).content.decode()
    assert '<th scope="row">1</th><td class="num">6/10</td><td>6</td></tr>' in html
    assert "chart-readers" not in html
