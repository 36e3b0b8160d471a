"""A season's premiere guide: every show of the season with each writer's
first impressions, their mean and the readers' score of episode 1."""

import html
import json
import re
from datetime import timedelta
from decimal import Decimal

import feedparser
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ratings.models import CommunityScore
from reviews.models import Review, SeasonGuide, Show
from tests.factories import make_author, make_episode, make_review, make_show
from tests.test_admin import admin_url

pytestmark = pytest.mark.django_db

FIRST = Review.Kind.FIRST_IMPRESSIONS
SEASON = {"year": 2024, "season": "winter"}


def guide_url(**query):
    url = reverse("reviews:season-premieres", kwargs=SEASON)
    return f"{url}?{'&'.join(f'{k}={v}' for k, v in query.items())}" if query else url


def page(client, **query):
    response = client.get(guide_url(**query))
    assert response.status_code == 200
    return response.content.decode()


def show_titles(content):
    return re.findall(r'class="premiere-title"><a href="[^"]*">([^<]*)<', content)


def take(show, score=None, verdict="", kind=FIRST, **kwargs):
    return make_review(
        show=show, kind=kind, score=score, verdict=verdict, episode=None, **kwargs
    )


@pytest.fixture
def shows():
    return {
        title: make_show(title=title, **SEASON)
        for title in ("Metallic Rouge", "Frieren", "Dungeon Meshi")
    }


def test_each_writer_take_is_shown_with_score_verdict_summary_and_link(client, shows):
    review = take(
        shows["Frieren"],
        score=Decimal("8.5"),
        verdict=Review.Verdict.KEEP_WATCHING,
        summary="A quiet elf outlives her friends.",
        author=make_author(name="Aoi"),
    )
    content = page(client)
    assert "Aoi" in content
    assert ">8.5<" in content
    assert "Keep watching" in content
    assert "A quiet elf outlives her friends." in content
    assert f'href="{review.get_absolute_url()}"' in content


def test_an_episode_one_review_counts_as_first_impressions(client, shows):
    show = shows["Frieren"]
    episode_one = make_review(
        show=show, episode=make_episode(show, 1), summary="Episode one review"
    )
    make_review(show=show, episode=make_episode(show, 2), summary="Episode two")
    make_review(show=show, kind=Review.Kind.SEASON, summary="Whole season")
    content = page(client)
    assert episode_one.get_absolute_url() in content
    assert "Episode two" not in content
    assert "Whole season" not in content


def test_every_show_of_the_season_is_listed_and_no_other(client, shows):
    make_show(title="Last Season's Show", year=2023, season="fall")
    content = page(client)
    assert sorted(show_titles(content)) == sorted(shows)
    assert "No first impressions yet." in content


def test_one_take_per_writer_first_impressions_before_episode_one(client, shows):
    show, writer = shows["Frieren"], make_author()
    take(show, score=Decimal(9), author=writer, summary="Their first impressions")
    make_review(
        show=show, episode=make_episode(show, 1), author=writer, summary="Their ep 1"
    )
    content = page(client)
    assert "Their first impressions" in content
    assert "Their ep 1" not in content


def test_shows_are_sorted_by_writers_mean_best_first_unscored_last(client, shows):
    take(shows["Metallic Rouge"], score=Decimal(6))
    take(shows["Metallic Rouge"], score=Decimal(7))  # mean 6.5
    take(shows["Dungeon Meshi"], score=Decimal(8))
    take(shows["Frieren"])  # a take without a score
    take(make_show(title="Zero", **SEASON), score=Decimal(0))
    assert show_titles(page(client)) == [
        "Dungeon Meshi",
        "Metallic Rouge",
        "Zero",
        "Frieren",
    ]


def test_writers_mean_is_shown(client, shows):
    take(shows["Frieren"], score=Decimal(8))
    take(shows["Frieren"], score=Decimal(9))
    content = page(client)
    assert re.search(
        r'Writers’ mean</span> <span[^>]*><span class="score-value">8.5<', content
    )


def test_verdict_filter_keeps_the_shows_a_writer_gave_it(client, shows):
    take(shows["Frieren"], verdict=Review.Verdict.KEEP_WATCHING)
    take(shows["Dungeon Meshi"], verdict=Review.Verdict.DROP)
    content = page(client, verdict="drop")
    assert show_titles(content) == ["Dungeon Meshi"]
    assert f'href="{guide_url()}?verdict=drop" aria-current="page"' in content


def test_verdict_filter_links_work_without_javascript(client, shows):
    take(shows["Frieren"], verdict=Review.Verdict.KEEP_WATCHING)
    content = page(client)
    assert f'href="{guide_url()}?verdict=keep_watching"' in content


def test_an_unknown_verdict_shows_every_show(client, shows):
    assert len(show_titles(page(client, verdict="nonsense"))) == len(shows)


def test_drafts_and_scheduled_reviews_never_appear(client, shows):
    take(shows["Frieren"], summary="Draft take", status=Review.Status.DRAFT)
    take(
        shows["Frieren"],
        summary="Scheduled take",
        published_at=timezone.now() + timedelta(hours=1),
    )
    content = page(client)
    assert "Draft take" not in content
    assert "Scheduled take" not in content
    assert "No first impressions yet." in content


def test_readers_score_of_episode_one_is_shown(client, shows):
    episode = make_episode(shows["Frieren"], 1)
    CommunityScore.objects.create(episode=episode, count=132, total=977)
    content = html.unescape(re.sub(r"<[^>]+>", "", page(client)))
    assert "Readers: 7.4 from 132 ratings" in content


def test_no_readers_score_before_the_first_rating(client, shows):
    make_episode(shows["Frieren"], 1)
    assert "Readers:" not in page(client)


def test_editors_introduction_is_rendered_and_sanitized(client, shows):
    SeasonGuide.objects.create(
        **SEASON,
        introduction="A **strong** season.\n\n<script>alert(1)</script>",
    )
    content = page(client)
    assert "<strong>strong</strong>" in content
    assert "<script>alert" not in content
    assert "<script" not in SeasonGuide.objects.get().introduction_html


def test_json_ld_is_an_item_list_of_the_shows_in_order(client, shows):
    take(shows["Dungeon Meshi"], score=Decimal(9))
    content = page(client)
    blocks = [
        json.loads(block)
        for block in re.findall(
            r'<script type="application/ld\+json">(.*?)</script>', content, re.S
        )
    ]
    (item_list,) = [block for block in blocks if block["@type"] == "ItemList"]
    items = item_list["itemListElement"]
    assert [item["position"] for item in items] == [1, 2, 3]
    assert items[0]["url"] == (
        "http://testserver" + shows["Dungeon Meshi"].get_absolute_url()
    )


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_feed_carries_the_seasons_published_first_impressions(client, shows, kind):
    show = shows["Frieren"]
    first = take(show, title="Frieren first impressions")
    episode_one = make_review(show=show, episode=make_episode(show, 1), title="Ep 1")
    make_review(show=show, episode=make_episode(show, 2), title="Ep 2")
    take(make_show(year=2023, season="fall"), title="Another season's")
    take(show, title="A draft", status=Review.Status.DRAFT)
    url = reverse(f"reviews:season-premieres-feed-{kind}", kwargs=SEASON)
    feed = feedparser.parse(client.get(url).content)
    links = {entry.link for entry in feed.entries}
    assert links == {
        "http://testserver" + first.get_absolute_url(),
        "http://testserver" + episode_one.get_absolute_url(),
    }


def test_page_links_its_feed(client, shows):
    content = page(client)
    assert reverse("reviews:season-premieres-feed-rss", kwargs=SEASON) in content


def test_unknown_season_name_is_not_found(client, shows):
    url = reverse(
        "reviews:season-premieres", kwargs={"year": 2024, "season": "monsoon"}
    )
    assert client.get(url).status_code == 404
    feed = reverse(
        "reviews:season-premieres-feed-rss", kwargs={"year": 2024, "season": "monsoon"}
    )
    assert client.get(feed).status_code == 404


def test_season_without_shows_is_not_found(client, shows):
    url = reverse("reviews:season-premieres", kwargs={"year": 1999, "season": "fall"})
    assert client.get(url).status_code == 404


def test_season_page_and_home_link_the_guide(client, shows):
    today = timezone.localdate()
    this_season = make_show(year=today.year, season=Show.Season.of(today))
    for _ in range(9):  # beyond the latest reviews, so the season has a section
        take(this_season, score=Decimal(7))
    season_page = client.get(shows["Frieren"].get_season_url()).content.decode()
    assert guide_url() in season_page
    home = client.get(reverse("reviews:home")).content.decode()
    premieres = reverse(
        "reviews:season-premieres",
        kwargs={"year": this_season.year, "season": this_season.season},
    )
    assert premieres in home
    assert "This season’s premieres" in home


def count_queries(client):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(guide_url()).status_code == 200
    return len(queries)


def add_premieres(count):
    writers = [make_author() for _ in range(3)]
    for number in range(count):
        show = make_show(**SEASON)
        episode = make_episode(show, 1)
        CommunityScore.objects.create(episode=episode, count=2, total=15)
        for writer in writers:
            take(show, score=Decimal(number % 11), author=writer, verdict="drop")


def test_query_count_does_not_grow_with_the_shows(client):
    """Guards against N+1 queries over shows, their writers' takes, and the
    readers' score of each episode 1: 5 and 50 shows cost the same."""
    SeasonGuide.objects.create(**SEASON, introduction="Hello.")
    add_premieres(5)
    with_five = count_queries(client)
    add_premieres(45)
    assert count_queries(client) == with_five <= 4


def test_editor_writes_the_introduction_in_the_admin_with_preview(editor_client):
    response = editor_client.get(admin_url("seasonguide", "add"))
    assert response.status_code == 200
    assert b"markdownx" in response.content
    response = editor_client.post(
        admin_url("seasonguide", "add"),
        {"year": 2024, "season": "winter", "introduction": "A *busy* season."},
    )
    assert response.status_code == 302
    guide = SeasonGuide.objects.get()
    assert guide.introduction_html == "<p>A <em>busy</em> season.</p>\n"


def test_writer_cannot_open_season_guides_in_the_admin(writer_client):
    assert writer_client.get(admin_url("seasonguide", "add")).status_code == 403
    assert writer_client.get(admin_url("seasonguide", "changelist")).status_code == 403
