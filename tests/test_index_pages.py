"""The season, studio and genre indexes, and the season page's links to the
seasons before and after it."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from reviews.models import Genre, Studio
from tests.factories import make_episode, make_review, make_show

pytestmark = pytest.mark.django_db

INDEXES = ["reviews:season-list", "reviews:studio-list", "reviews:genre-list"]


def season_url(year, season):
    return reverse("reviews:season-detail", kwargs={"year": year, "season": season})


def reviewed_show(reviews=1, **kwargs):
    """A show with ``reviews`` published reviews, one an episode."""
    show = make_show(**kwargs)
    for number in range(1, reviews + 1):
        make_review(show=show, episode=make_episode(show, number=number))
    return show


def listed(response):
    return [str(collection) for collection in response.context["collections"]]


def counts(response):
    return {
        str(collection): (collection.show_count, collection.review_count)
        for collection in response.context["collections"]
    }


def studio(name):
    return Studio.objects.create(name=name, slug=name.lower())


def genre(name):
    return Genre.objects.create(name=name, slug=name.lower())


# The season index


def test_season_index_lists_seasons_newest_first(client):
    for year, season in [
        (2024, "fall"),
        (2025, "winter"),
        (2025, "summer"),
        (2025, "fall"),
        (2025, "spring"),
    ]:
        reviewed_show(year=year, season=season)
    response = client.get(reverse("reviews:season-list"))
    assert listed(response) == [
        "Fall 2025",
        "Summer 2025",
        "Spring 2025",
        "Winter 2025",
        "Fall 2024",
    ]


def test_season_index_leaves_out_seasons_without_a_published_review(client):
    reviewed_show(year=2025, season="spring")
    make_show(year=2025, season="winter")  # never reviewed
    make_review(show=make_show(year=2024, season="fall"), status="draft")
    make_review(
        show=make_show(year=2024, season="summer"),
        published_at=timezone.now() + timedelta(days=1),
    )
    make_show(title="No season")  # neither season nor year
    assert listed(client.get(reverse("reviews:season-list"))) == ["Spring 2025"]


def test_season_index_counts_only_published_reviews_and_their_shows(client):
    reviewed_show(reviews=3, year=2025, season="spring")
    reviewed_show(reviews=1, year=2025, season="spring")
    make_review(show=make_show(year=2025, season="spring"), status="draft")
    response = client.get(reverse("reviews:season-list"))
    assert counts(response) == {"Spring 2025": (2, 4)}


def test_season_index_groups_seasons_under_their_year(client):
    reviewed_show(year=2025, season="spring")
    reviewed_show(year=2024, season="fall")
    content = client.get(reverse("reviews:season-list")).content.decode()
    assert content.index(">2025</h2>") < content.index("Spring 2025")
    assert content.index("Spring 2025") < content.index(">2024</h2>")
    assert content.index(">2024</h2>") < content.index("Fall 2024")


def test_season_index_links_each_season_to_its_page(client):
    reviewed_show(reviews=2, year=2025, season="spring")
    content = client.get(reverse("reviews:season-list")).content.decode()
    assert f'href="{season_url(2025, "spring")}"' in content
    assert "2 reviews of 1 show" in content


# The studio and genre indexes


def test_studio_index_lists_studios_with_a_published_review_a_to_z(client):
    for name in ["Sunrise", "Bones", "Madhouse"]:
        reviewed_show().studios.add(studio(name))
    make_show().studios.add(studio("Unreviewed"))
    make_review(status="draft").show.studios.add(studio("Drafted"))
    response = client.get(reverse("reviews:studio-list"))
    assert listed(response) == ["Bones", "Madhouse", "Sunrise"]


def test_studio_index_counts_only_published_reviews_and_their_shows(client):
    bones = studio("Bones")
    reviewed_show(reviews=3).studios.add(bones)
    reviewed_show(reviews=2).studios.add(bones)
    make_review(status="draft").show.studios.add(bones)
    make_show().studios.add(bones)
    assert counts(client.get(reverse("reviews:studio-list"))) == {"Bones": (2, 5)}


def test_genre_index_lists_genres_with_their_counts(client):
    mecha, comedy = genre("Mecha"), genre("Comedy")
    show = reviewed_show(reviews=2)
    show.genres.add(mecha, comedy)
    reviewed_show().genres.add(comedy)
    genre("Unreviewed")
    response = client.get(reverse("reviews:genre-list"))
    assert counts(response) == {"Comedy": (2, 3), "Mecha": (1, 2)}
    assert listed(response) == ["Comedy", "Mecha"]


def test_genre_index_puts_the_most_reviewed_first_in_a_section_of_their_own(client):
    for name, reviews in [("A", 1), ("B", 5), ("C", 2), ("D", 4), ("E", 3)]:
        reviewed_show(reviews=reviews).genres.add(genre(name))
    for name in ["F", "G", "H", "I"]:
        reviewed_show().genres.add(genre(name))
    response = client.get(reverse("reviews:genre-list"))
    assert [str(g) for g in response.context["most_reviewed"]] == ["B", "D", "E", "C"]
    assert "Most reviewed</h2>" in response.content.decode()


def test_a_short_index_has_no_most_reviewed_section(client):
    for name in "ABCDEFGH":
        reviewed_show().genres.add(genre(name))
    response = client.get(reverse("reviews:genre-list"))
    assert "most_reviewed" not in response.context
    assert "Most reviewed" not in response.content.decode()


@pytest.mark.parametrize(
    "url_name, title",
    [
        ("reviews:season-list", "Seasons"),
        ("reviews:studio-list", "Studios"),
        ("reviews:genre-list", "Genres"),
    ],
)
def test_index_page_has_a_title_a_description_and_breadcrumbs(client, url_name, title):
    content = client.get(reverse(url_name)).content.decode()
    assert f"<title>{title} · " in content
    assert f"<h1>{title}</h1>" in content
    assert '<meta name="description" content="Every ' in content
    breadcrumbs = content.split('<nav class="breadcrumbs"')[1].split("</nav>")[0]
    assert '<li><a href="/shows/">Shows</a></li></ol>' in breadcrumbs


@pytest.mark.parametrize("url_name", INDEXES)
def test_index_page_query_count_does_not_grow_with_data(client, url_name):
    """Guards against N+1 queries: the counts are one aggregate query, for 5
    or 50 seasons, studios and genres."""
    query_counts = []
    for total in (5, 50):
        while Studio.objects.count() < total:
            number = Studio.objects.count()
            show = reviewed_show(year=2000 + number // 4, season="winter")
            show.studios.add(studio(f"Studio{number}"))
            show.genres.add(genre(f"Genre{number}"))
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse(url_name)).status_code == 200
        query_counts.append(len(queries))
    assert query_counts[0] == query_counts[1] == 1


def test_season_page_query_count_does_not_grow_with_the_number_of_seasons(client):
    """Guards against a query per season for the links to the seasons around
    it: the seasons with reviews are read once, however many there are."""
    query_counts = []
    for year in (2000, 2001, 2002, 2003, 2004, 2020, 2021, 2022, 2023, 2024):
        for season in ["winter", "spring", "summer", "fall"]:
            reviewed_show(year=year, season=season)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(season_url(2000, "winter")).status_code == 200
        query_counts.append(len(queries))
    assert len(set(query_counts)) == 1


# Where they are linked from


@pytest.mark.parametrize(
    "make_page, index",
    [
        (lambda: season_url(2025, "spring"), "/seasons/"),
        (lambda: studio("Bones").get_absolute_url(), "/studios/"),
        (lambda: genre("Mecha").get_absolute_url(), "/genres/"),
    ],
)
def test_collection_page_breadcrumbs_lead_to_its_index(client, make_page, index):
    reviewed_show(year=2025, season="spring")
    content = client.get(make_page()).content.decode()
    breadcrumbs = content.split('<nav class="breadcrumbs"')[1].split("</nav>")[0]
    assert f'<li><a href="/shows/">Shows</a></li><li><a href="{index}">' in breadcrumbs


def test_show_list_links_the_three_indexes(client):
    content = client.get(reverse("reviews:show-list")).content.decode()
    for url_name in INDEXES:
        assert f'href="{reverse(url_name)}"' in content.split("</header>", 2)[1]


def test_footer_links_the_three_indexes(client):
    content = client.get(reverse("reviews:home")).content.decode()
    footer = content.split('<footer class="site-footer">')[1]
    for url_name in INDEXES:
        assert f'href="{reverse(url_name)}"' in footer


# The season page's previous and next seasons


def season_nav(client, year, season):
    content = client.get(season_url(year, season)).content.decode()
    if '<nav class="season-nav"' not in content:
        return None
    return content.split('<nav class="season-nav"')[1].split("</nav>")[0]


def test_season_page_links_the_nearest_seasons_with_published_reviews(client):
    for year, season in [
        (2025, "fall"),
        (2026, "winter"),
        (2026, "spring"),
        (2026, "summer"),
        (2026, "fall"),
    ]:
        reviewed_show(year=year, season=season)
    nav = season_nav(client, 2026, "spring")
    assert f'class="season-nav-previous" href="{season_url(2026, "winter")}"' in nav
    assert f'class="season-nav-next" href="{season_url(2026, "summer")}"' in nav
    assert "Fall" not in nav


def test_season_link_skips_seasons_without_a_published_review(client):
    reviewed_show(year=2025, season="fall")
    make_review(show=make_show(year=2026, season="winter"), status="draft")
    reviewed_show(year=2026, season="spring")
    nav = season_nav(client, 2026, "spring")
    assert 'class="season-nav-previous" href="/seasons/2025/fall/"' in nav
    assert "season-nav-next" not in nav


def test_previous_and_next_seasons_say_which_they_are(client):
    reviewed_show(year=2025, season="fall")
    reviewed_show(year=2026, season="winter")
    reviewed_show(year=2026, season="spring")
    nav = season_nav(client, 2026, "winter")
    assert 'aria-label="Other seasons"' in nav
    assert (
        '<span aria-hidden="true">← </span>'
        '<span class="visually-hidden">Previous season: </span>Fall 2025</a>'
    ) in nav
    assert (
        '<span class="visually-hidden">Next season: </span>Spring 2026'
        '<span aria-hidden="true"> →</span></a>'
    ) in nav


def test_only_season_has_no_season_links(client):
    reviewed_show(year=2026, season="winter")
    make_show(year=2025, season="fall")  # no reviews
    assert season_nav(client, 2026, "winter") is None


def test_season_without_reviews_still_links_the_seasons_around_it(client):
    reviewed_show(year=2025, season="fall")
    make_show(year=2026, season="winter")
    reviewed_show(year=2026, season="spring")
    nav = season_nav(client, 2026, "winter")
    assert "Fall 2025" in nav and "Spring 2026" in nav
