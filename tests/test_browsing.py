"""Season, studio and genre pages, and the review list's genre and season filters."""

import pytest
from django.urls import reverse

from reviews.models import Genre, Studio
from reviews.views import ShowListView
from tests.factories import make_episode, make_review, make_show

pytestmark = pytest.mark.django_db


def season_url(year, season):
    return reverse("reviews:season-detail", kwargs={"year": year, "season": season})


def titles(response, name="reviews"):
    return [item.title for item in response.context[name]]


def test_season_page_lists_that_seasons_shows_and_their_reviews(client):
    winter = make_show(title="Metallic Rouge", year=2024, season="winter")
    spring = make_show(title="Dandadan", year=2024, season="spring")
    make_review(show=winter, title="Rouge, episode 1")
    make_review(show=spring, title="Dandadan, episode 1")
    response = client.get(season_url(2024, "winter"))
    assert titles(response, "shows") == ["Metallic Rouge"]
    assert titles(response) == ["Rouge, episode 1"]
    assert "<h1>Winter 2024 anime</h1>" in response.content.decode()


def test_season_page_shows_each_shows_mean_score(client):
    show = make_show(year=2024, season="winter")
    make_review(show=show, score=6)
    make_review(show=show, score=8, episode=None, kind="season")
    (listed,) = client.get(season_url(2024, "winter")).context["shows"]
    assert listed.mean_score == 7


def test_unknown_season_name_is_404(client):
    make_show(year=2024, season="winter")
    assert client.get(season_url(2024, "monsoon")).status_code == 404


def test_season_without_shows_is_404(client):
    make_show(year=2024, season="winter")
    assert client.get(season_url(1999, "winter")).status_code == 404


def test_studio_page_lists_its_shows_and_reviews(client):
    bones = Studio.objects.create(name="Bones", slug="bones")
    show = make_show(title="Metallic Rouge")
    show.studios.add(bones)
    make_review(show=show, title="Rouge review")
    make_review(title="Another studio's show")
    response = client.get(bones.get_absolute_url())
    assert titles(response, "shows") == ["Metallic Rouge"]
    assert titles(response) == ["Rouge review"]


def test_genre_page_lists_its_shows_and_reviews(client):
    scifi = Genre.objects.create(name="Science fiction", slug="science-fiction")
    show = make_show(title="Metallic Rouge")
    show.genres.add(scifi)
    make_review(show=show, title="Rouge review")
    make_review(title="Not science fiction")
    response = client.get(scifi.get_absolute_url())
    assert titles(response, "shows") == ["Metallic Rouge"]
    assert titles(response) == ["Rouge review"]


def test_unknown_studio_and_genre_are_404(client):
    assert client.get("/studios/nobody/").status_code == 404
    assert client.get("/genres/nothing/").status_code == 404


def test_collection_page_hides_unpublished_reviews(client):
    show = make_show(year=2024, season="winter")
    make_review(show=show, title="Published")
    make_review(show=show, title="Still a draft", status="draft")
    assert titles(client.get(season_url(2024, "winter"))) == ["Published"]


def test_show_fact_box_links_season_studio_and_genre_pages(client):
    show = make_show(year=2024, season="winter")
    show.studios.add(Studio.objects.create(name="Bones", slug="bones"))
    show.genres.add(Genre.objects.create(name="Mecha", slug="mecha"))
    make_review(show=show)
    content = client.get(show.get_absolute_url()).content.decode()
    assert f'href="{season_url(2024, "winter")}"' in content
    assert 'href="/studios/bones/"' in content
    assert 'href="/genres/mecha/"' in content


def test_shows_page_links_each_season_heading_to_its_page(client):
    make_review(show=make_show(year=2024, season="winter"))
    content = client.get(reverse("reviews:show-list")).content.decode()
    assert f'<a href="{season_url(2024, "winter")}">Winter 2024</a>' in content


def test_review_list_filters_by_genre(client):
    mecha = Genre.objects.create(name="Mecha", slug="mecha")
    show = make_show()
    show.genres.add(mecha)
    make_review(show=show, title="Mecha review")
    make_review(title="Other review")
    response = client.get(reverse("reviews:review-list") + "?genre=mecha")
    assert titles(response) == ["Mecha review"]


def test_review_list_filters_by_season(client):
    make_review(show=make_show(year=2024, season="winter"), title="Winter review")
    make_review(show=make_show(year=2024, season="spring"), title="Spring review")
    make_review(show=make_show(year=2023, season="winter"), title="Last winter")
    response = client.get(reverse("reviews:review-list") + "?season=2024-winter")
    assert titles(response) == ["Winter review"]


def test_review_list_season_choices_are_newest_first(client):
    for year, season in [
        (2023, "fall"),
        (2024, "spring"),
        (2024, "fall"),
        (2024, "winter"),
        (2024, "summer"),
    ]:
        make_show(year=year, season=season)
    form = client.get(reverse("reviews:review-list")).context["filter_form"]
    assert [label for _, label in form.fields["season"].choices] == [
        "All seasons",
        "Fall 2024",
        "Summer 2024",
        "Spring 2024",
        "Winter 2024",
        "Fall 2023",
    ]


def test_shows_by_season_are_newest_season_first(client):
    for year, season in [(2023, "fall"), (2024, "winter"), (2024, "fall")]:
        make_review(show=make_show(title=f"{season} {year}", year=year, season=season))
    response = client.get(reverse("reviews:show-list"))
    assert titles(response, "shows") == ["fall 2024", "winter 2024", "fall 2023"]


def test_shows_page_is_paginated_and_keeps_its_order(client, monkeypatch):
    for letter in "ABC":
        make_show(title=f"{letter} show")
    monkeypatch.setattr(ShowListView, "paginate_by", 2)
    first = client.get(reverse("reviews:show-list") + "?order=title")
    second = client.get(reverse("reviews:show-list") + "?order=title&page=2")
    assert titles(first, "shows") == ["A show", "B show"]
    assert titles(second, "shows") == ["C show"]
    assert 'href="?order=title&amp;page=2">Next →</a>' in first.content.decode()


def test_review_list_ignores_an_unknown_season(client):
    make_review(show=make_show(year=2024, season="winter"))
    response = client.get(reverse("reviews:review-list") + "?season=2024-monsoon")
    assert response.status_code == 200
    assert len(response.context["reviews"]) == 1


# Spoiler memory: what the page tells the script.


def test_review_page_says_how_far_the_review_spoils(client):
    show = make_show()
    review = make_review(show=show, episode=make_episode(show, number=4), recap="x")
    html = client.get(review.get_absolute_url()).content.decode()
    assert f'data-show="{show.slug}" data-spoils-up-to="4"' in html
    assert "data-spoiler-memory" in html


def test_writers_spoils_up_to_overrides_the_episode(client):
    show = make_show()
    review = make_review(
        show=show, episode=make_episode(show, number=4), spoils_up_to=6, recap="x"
    )
    html = client.get(review.get_absolute_url()).content.decode()
    assert 'data-spoils-up-to="6"' in html


def test_season_review_without_a_limit_never_opens_by_itself(client):
    review = make_review(kind="season", episode=None, recap="x")
    assert b"data-spoils-up-to" not in client.get(review.get_absolute_url()).content


def test_spoiler_memory_form_is_hidden_until_the_script_runs(client):
    review = make_review(recap="x")
    html = client.get(review.show.get_absolute_url()).content.decode()
    assert '<form class="spoiler-memory" data-spoiler-memory' in html
    assert 'aria-labelledby="page:spoiler-memory-heading" hidden>' in html
    assert "js/spoiler-memory.js" in html
