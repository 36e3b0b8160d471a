"""The front page (reviews.views.HomeView): the lead and the latest reviews,
this season's, the top rated and the most discussed, each review once; and the
review card that it shares with every list."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment
from reviews.models import Review, Show
from tests.factories import make_comment, make_episode, make_review, make_show

pytestmark = pytest.mark.django_db

SECTIONS = ["latest", "this_season", "top_rated", "most_discussed"]


def home(client):
    response = client.get(reverse("reviews:home"))
    assert response.status_code == 200
    return response


def titles(response, section):
    return [review.title for review in response.context[section]]


def days_ago(days):
    return timezone.now() - timedelta(days=days)


def season_of(day):
    return {"year": day.year, "season": Show.Season.of(day)}


def fill_the_latest():
    """Five new reviews, of a show of no season and without a score: the
    latest section is full, and they belong to no other section."""
    for hour in range(1, 6):
        make_review(
            title=f"Newest {hour}", published_at=timezone.now() - timedelta(hours=hour)
        )


def cards(content):
    return re.findall(r'<article class="card review-card.*?</article>', content, re.S)


# The sections


def test_the_newest_review_leads_and_the_next_four_follow(client):
    for day in range(1, 8):
        make_review(title=f"Day {day}", published_at=days_ago(day))
    response = home(client)
    assert titles(response, "latest") == [f"Day {day}" for day in range(1, 6)]
    assert (
        'class="card review-card review-card-featured"'
        in cards(response.content.decode())[0]
    )


def test_this_season_holds_the_reviews_of_this_seasons_shows(client):
    fill_the_latest()
    today = timezone.localdate()
    current = make_show(**season_of(today))
    earlier = make_show(year=today.year - 1, season="winter")
    make_review(show=current, title="This season's", published_at=days_ago(2))
    make_review(show=earlier, title="Last year's", published_at=days_ago(2))
    response = home(client)
    assert titles(response, "this_season") == ["This season's"]
    label = f"{Show.Season.of(today).label} {today.year}"
    assert f"This season: {label}</h2>" in response.content.decode()


def test_this_season_is_the_latest_season_with_reviews_while_this_one_has_none(
    client,
):
    fill_the_latest()
    year = timezone.localdate().year
    for title, show_year in [("Older", year - 2), ("Latest", year - 1)]:
        make_review(
            show=make_show(year=show_year, season="spring"),
            title=title,
            published_at=days_ago(3),
        )
    # Announced for next year: not a season that has come.
    make_review(
        show=make_show(year=year + 1, season="winter"),
        title="Next year's",
        published_at=days_ago(4),
    )
    response = home(client)
    assert titles(response, "this_season") == ["Latest"]
    assert f"Latest season: Spring {year - 1}</h2>" in response.content.decode()


def test_this_season_shows_full_rows_of_three(client):
    fill_the_latest()
    show = make_show(**season_of(timezone.localdate()))
    for day in range(2, 6):
        make_review(show=show, title=f"Day {day}", published_at=days_ago(day))
    assert titles(home(client), "this_season") == ["Day 2", "Day 3", "Day 4"]


def test_top_rated_holds_the_best_scores_of_the_last_90_days(client):
    fill_the_latest()
    for title, score, days in [
        ("Good", "7", 10),
        ("Best", "9", 20),
        ("Long ago", "10", 100),
        ("Poor", "3", 30),
        ("Fair", "5", 40),
    ]:
        make_review(title=title, score=Decimal(score), published_at=days_ago(days))
    make_review(title="Unscored", published_at=days_ago(5))
    assert titles(home(client), "top_rated") == ["Best", "Good", "Fair", "Poor"]


def test_most_discussed_counts_approved_comments_only(client):
    fill_the_latest()
    twice = make_review(title="Two approved", published_at=days_ago(9))
    once = make_review(title="One approved", published_at=days_ago(8))
    make_review(title="None", published_at=days_ago(7))
    for _ in range(2):
        make_comment(twice)
    make_comment(once)
    for status in ["PENDING", "SPAM", "REMOVED"]:
        make_comment(once, status=Comment.Status[status])
        make_comment(once, status=Comment.Status[status])
    assert titles(home(client), "most_discussed") == ["Two approved", "One approved"]


def test_no_review_appears_in_two_sections(client, catalogue):
    catalogue.grow(25)
    response = home(client)
    shown = [review.pk for name in SECTIONS for review in response.context[name]]
    assert all(response.context[name] for name in SECTIONS)
    assert len(shown) == len(set(shown))


@pytest.mark.parametrize("status", ["draft", "submitted", "scheduled"])
def test_unpublished_reviews_appear_in_no_section(client, status):
    fill_the_latest()
    hidden = make_review(
        show=make_show(**season_of(timezone.localdate())),
        title="Hidden review",
        score=Decimal("10"),
        status="published" if status == "scheduled" else status,
        published_at=days_ago(-1) if status == "scheduled" else None,
    )
    make_comment(hidden)
    response = home(client)
    assert not any(
        review.pk == hidden.pk for name in SECTIONS for review in response.context[name]
    )
    assert hidden.get_absolute_url() not in response.content.decode()


def test_each_section_is_a_region_named_by_its_heading(client, catalogue):
    catalogue.grow(25)
    content = home(client).content.decode()
    for heading in [
        "latest",
        "airing",
        "season",
        "top-rated",
        "discussed",
    ]:
        assert f'aria-labelledby="page:{heading}-heading"' in content
        assert f'id="page:{heading}-heading" class="section-heading"' in content


# Airing now


def airing(client):
    """(show title, episode number, score) of each show in "airing now"."""
    return [
        (review.show.title, review.episode and review.episode.number, review.score)
        for review in home(client).context["airing"]
    ]


def test_airing_shows_the_latest_episode_review_not_a_season_review(client):
    show = make_show(title="Frieren", airing_status=Show.Airing.AIRING)
    make_review(show=show, episode=make_episode(show, 2), score=Decimal("8"))
    make_review(show=show, kind=Review.Kind.SEASON, score=Decimal("3"))
    assert airing(client) == [("Frieren", 2, Decimal("8"))]


def test_airing_shows_the_newest_review_of_the_latest_episode(client):
    show = make_show(title="Frieren", airing_status=Show.Airing.AIRING)
    episode = make_episode(show, 5)
    make_review(
        show=show, episode=episode, score=Decimal("6"), published_at=days_ago(2)
    )
    make_review(
        show=show, episode=episode, score=Decimal("9"), published_at=days_ago(1)
    )
    make_review(show=show, episode=make_episode(show, 4), score=Decimal("4"))
    assert airing(client) == [("Frieren", 5, Decimal("9"))]


def test_airing_shows_a_season_review_of_a_show_without_episode_reviews(client):
    show = make_show(title="Frieren", airing_status=Show.Airing.AIRING)
    make_review(show=show, kind=Review.Kind.SEASON, score=Decimal("7"))
    assert airing(client) == [("Frieren", None, Decimal("7"))]


def test_airing_skips_unscored_and_unpublished_reviews(client):
    show = make_show(title="Frieren", airing_status=Show.Airing.AIRING)
    make_review(show=show, episode=make_episode(show, 1), score=Decimal("5"))
    make_review(show=show, episode=make_episode(show, 2), score=None)
    make_review(
        show=show, episode=make_episode(show, 3), score=Decimal("9"), status="draft"
    )
    make_review(
        show=show,
        episode=make_episode(show, 4),
        score=Decimal("9"),
        published_at=days_ago(-1),
    )
    assert airing(client) == [("Frieren", 1, Decimal("5"))]


def test_airing_lists_each_airing_show_once_a_to_z(client):
    for title in ["Zom 100", "Apothecary Diaries", "Dungeon Meshi"]:
        show = make_show(title=title, airing_status=Show.Airing.AIRING)
        for number in (1, 2):
            make_review(show=show, episode=make_episode(show, number), score=5)
    finished = make_show(title="Bocchi", airing_status=Show.Airing.FINISHED)
    make_review(show=finished, score=Decimal("9"))
    assert [title for title, _, _ in airing(client)] == [
        "Apothecary Diaries",
        "Dungeon Meshi",
        "Zom 100",
    ]


def test_airing_links_the_show_and_its_latest_review(client):
    show = make_show(title="Frieren", airing_status=Show.Airing.AIRING)
    review = make_review(show=show, episode=make_episode(show, 3), score=Decimal("8"))
    content = home(client).content.decode()
    assert f'<a class="airing-show" href="{show.get_absolute_url()}">Frieren</a>' in (
        content
    )
    assert "Ep. 3:" in content
    assert f'<a href="{review.get_absolute_url()}">' in content


# The card


def review_list_cards(client):
    return cards(client.get(reverse("reviews:review-list")).content.decode())


def test_card_names_the_show_once(client):
    show = make_show(title="Metallic Rouge")
    make_review(
        show=show,
        episode=make_episode(show, number=3),
        title="Metallic Rouge episode 3: a hunter who keeps her cards close",
    )
    [card] = review_list_cards(client)
    assert card.count("Metallic Rouge") == 1
    assert '<span class="card-show">Metallic Rouge</span>' in card
    assert ">A hunter who keeps her cards close</a>" in card


def test_card_keeps_a_title_that_names_the_show_in_its_own_words(client):
    make_review(
        show=make_show(title="Metallic Rouge"),
        kind="first_impressions",
        title="Metallic Rouge has style to spare",
    )
    [card] = review_list_cards(client)
    assert card.count("Metallic Rouge") == 1
    assert ">Metallic Rouge has style to spare</a>" in card
    assert '<span class="card-kind">First impressions</span>' in card


def test_card_on_the_show_page_leaves_the_show_to_the_page(client):
    review = make_review(title="A quiet start")
    content = client.get(review.show.get_absolute_url()).content.decode()
    [card] = cards(content)
    assert "card-show" not in card
    assert '<span class="card-kind">Episode 1</span>' in card


def test_card_says_how_far_an_episode_review_spoils(client):
    show = make_show()
    make_review(show=show, episode=make_episode(show, number=3))
    [card] = review_list_cards(client)
    assert '<p class="card-spoilers">Spoilers up to episode 3</p>' in card


def test_card_follows_the_writers_spoils_up_to(client):
    show = make_show()
    make_review(show=show, episode=make_episode(show, number=3), spoils_up_to=5)
    [card] = review_list_cards(client)
    assert "Spoilers up to episode 5" in card


@pytest.mark.parametrize("format, work", [("tv", "season"), ("film", "film")])
def test_card_of_a_whole_work_review_spoils_all_of_it(client, format, work):
    make_review(show=make_show(format=format), kind="season")
    [card] = review_list_cards(client)
    assert f'<p class="card-spoilers">Spoilers for the whole {work}</p>' in card


def test_card_of_a_preliminary_season_review_spoils_the_episodes_watched(client):
    make_review(kind="season", episodes_watched=6)
    [card] = review_list_cards(client)
    assert "Spoilers up to episode 6" in card
