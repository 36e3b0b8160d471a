import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from reviews.models import Review, Show
from tests.factories import make_author, make_episode, make_review, make_show

pytestmark = pytest.mark.django_db

NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
PAGES = {
    "http://testserver/",
    "http://testserver/reviews/",
    "http://testserver/shows/",
    "http://testserver/seasons/",
    "http://testserver/studios/",
    "http://testserver/genres/",
    "http://testserver/authors/",
    "http://testserver/scores/",
}


def sitemap(client, **extra):
    """{location: lastmod or None} of /sitemap.xml."""
    response = client.get("/sitemap.xml", **extra)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    root = ET.fromstring(response.content)
    return {
        url.findtext(f"{NS}loc"): url.findtext(f"{NS}lastmod")
        for url in root.iter(f"{NS}url")
    }


@pytest.fixture
def site():
    """One published review, and one review in each state the public never sees,
    each on its own show, episode and author."""
    frieren = make_show(title="Frieren", slug="frieren", year=2024, season="spring")
    published = make_review(
        show=frieren, author=make_author(slug="aiko"), slug="frieren-1"
    )
    make_review(
        show=frieren,
        episode=make_episode(frieren, number=2),
        author=make_author(slug="draft-writer"),
        slug="frieren-2-draft",
        status=Review.Status.DRAFT,
    )
    make_review(
        show=make_show(slug="bocchi", year=2023, season="fall"),
        author=make_author(slug="submitter"),
        slug="bocchi-submitted",
        status=Review.Status.SUBMITTED,
    )
    make_review(
        show=make_show(slug="apothecary", year=2022, season="winter"),
        author=make_author(slug="scheduler"),
        slug="apothecary-scheduled",
        published_at=timezone.now() + timedelta(hours=1),
    )
    make_show(slug="unreviewed", year=2021, season="summer")
    return published


def test_sitemap_lists_exactly_the_published_pages(client, site):
    assert set(sitemap(client)) == PAGES | {
        "http://testserver/reviews/frieren-1/",
        "http://testserver/shows/frieren/",
        "http://testserver/shows/frieren/1/",
        "http://testserver/authors/aiko/",
        "http://testserver/seasons/2024/spring/",
    }


def test_sitemap_never_lists_a_preview(client, site):
    draft = Review.objects.get(slug="frieren-2-draft")
    assert draft.get_preview_url()
    assert not any("/reviews/preview/" in url for url in sitemap(client))


def test_sitemap_season_urls_are_the_season_pages(client, site):
    url = reverse("reviews:season-detail", kwargs={"year": 2024, "season": "spring"})
    assert f"http://testserver{url}" in sitemap(client)


def test_every_sitemap_entry_but_the_lists_has_a_lastmod(client, site):
    urls = sitemap(client)
    assert all(urls[url] for url in set(urls) - PAGES)


def test_review_lastmod_is_its_last_change(client, site):
    changed = timezone.now() - timedelta(hours=2)
    Review.objects.filter(pk=site.pk).update(
        published_at=changed - timedelta(days=5), updated=changed
    )
    lastmod = sitemap(client)["http://testserver/reviews/frieren-1/"]
    assert lastmod == f"{changed:%Y-%m-%d}"


def test_review_saved_before_its_publication_has_its_publication_as_lastmod(
    client, site
):
    published = timezone.now() - timedelta(hours=2)
    Review.objects.filter(pk=site.pk).update(
        published_at=published, updated=published - timedelta(days=5)
    )
    lastmod = sitemap(client)["http://testserver/reviews/frieren-1/"]
    assert lastmod == f"{published:%Y-%m-%d}"


def test_show_lastmod_is_its_newest_review_when_that_is_newer(client, site):
    now = timezone.now()
    Show.objects.filter(slug="frieren").update(updated=now - timedelta(days=30))
    Review.objects.filter(pk=site.pk).update(
        published_at=now - timedelta(days=10), updated=now - timedelta(days=3)
    )
    lastmod = sitemap(client)["http://testserver/shows/frieren/"]
    assert lastmod == f"{now - timedelta(days=3):%Y-%m-%d}"


def test_show_lastmod_is_its_own_change_when_that_is_newer(client, site):
    now = timezone.now()
    Show.objects.filter(slug="frieren").update(updated=now - timedelta(days=1))
    Review.objects.filter(pk=site.pk).update(
        published_at=now - timedelta(days=10), updated=now - timedelta(days=10)
    )
    lastmod = sitemap(client)["http://testserver/shows/frieren/"]
    assert lastmod == f"{now - timedelta(days=1):%Y-%m-%d}"


def test_show_lastmod_ignores_its_unpublished_reviews(client, site):
    now = timezone.now()
    Show.objects.filter(slug="frieren").update(updated=now - timedelta(days=30))
    Review.objects.filter(pk=site.pk).update(
        published_at=now - timedelta(days=20), updated=now - timedelta(days=20)
    )
    Review.objects.filter(slug="frieren-2-draft").update(updated=now)
    lastmod = sitemap(client)["http://testserver/shows/frieren/"]
    assert lastmod == f"{now - timedelta(days=20):%Y-%m-%d}"


@pytest.mark.parametrize(
    "url", ["shows/frieren/1/", "authors/aiko/", "seasons/2024/spring/"]
)
def test_episode_author_and_season_lastmod_is_their_newest_review(client, site, url):
    changed = timezone.now() - timedelta(days=4)
    Review.objects.filter(pk=site.pk).update(
        published_at=changed - timedelta(days=1), updated=changed
    )
    assert sitemap(client)[f"http://testserver/{url}"] == f"{changed:%Y-%m-%d}"


def test_sitemap_over_https_has_https_addresses(client, site):
    assert all(
        url.startswith("https://testserver/") for url in sitemap(client, secure=True)
    )


def add_reviews(count):
    for _ in range(count):
        show = make_show(year=2020 + count % 5, season="winter")
        for number in (1, 2):
            make_review(
                show=show,
                episode=make_episode(show, number=number),
                author=make_author(),
            )


def test_sitemap_query_count_does_not_grow_with_data(client):
    """Guards against N+1 queries (an episode's show, a show's or author's
    newest review): each section costs a count and a page, at any size."""
    counts = []
    for count in (1, 25):
        add_reviews(count)
        with CaptureQueriesContext(connection) as queries:
            sitemap(client)
        counts.append(len(queries))
    # Seven sections from the database, at most two queries each (an empty
    # one only counts); the lists cost none.
    assert counts[0] == counts[1] <= 14


def test_robots_txt_allows_all_but_the_admin_and_points_to_the_sitemap(client):
    """Previews and search results are not disallowed: crawlers must fetch them
    to see their noindex."""
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain"
    assert response.content.decode().splitlines() == [
        "User-agent: *",
        "Allow: /",
        "Disallow: /admin/",
        "",
        "Sitemap: http://testserver/sitemap.xml",
    ]


def test_robots_txt_sitemap_address_follows_the_request(client):
    content = client.get("/robots.txt", secure=True).content.decode()
    assert "Sitemap: https://testserver/sitemap.xml" in content.splitlines()


def test_robots_txt_refuses_post(client):
    assert client.post("/robots.txt").status_code == 405


def test_sitemap_lists_studios_and_genres_with_reviewed_shows(client):
    from reviews.models import Genre, Studio
    from tests.factories import make_review, make_show

    show = make_show()
    show.studios.add(Studio.objects.create(name="Bones", slug="bones"))
    show.genres.add(Genre.objects.create(name="Mecha", slug="mecha"))
    Studio.objects.create(name="Unreviewed", slug="unreviewed")
    make_review(show=show)
    locations = sitemap(client)
    assert "http://testserver/studios/bones/" in locations
    assert "http://testserver/genres/mecha/" in locations
    assert "http://testserver/studios/unreviewed/" not in locations
