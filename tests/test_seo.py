"""What search engines and link previews read: titles, descriptions, canonical
URLs, Open Graph and Twitter tags, and schema.org JSON-LD."""

import json
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from reviews.models import Credit, Genre, Studio
from tests.factories import make_author, make_episode, make_review, make_show
from tests.test_views import PAGES, page_urls

pytestmark = pytest.mark.django_db


class Head(HTMLParser):
    """The page's title, meta tags, links and JSON-LD blocks."""

    def __init__(self, html):
        super().__init__()
        self.title, self.meta, self.links, self.json_ld = "", {}, {}, []
        self._in = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and "content" in attrs:
            key = attrs.get("property") or attrs.get("name")
            self.meta[key] = attrs["content"]
        elif tag == "link":
            self.links[attrs.get("rel")] = attrs.get("href")
        elif tag == "script" and attrs.get("type") == "application/ld+json":
            self._in = "json"
        elif tag == "title":
            self._in = "title"

    def handle_endtag(self, tag):
        self._in = None

    def handle_data(self, data):
        if self._in == "title":
            self.title += data
        elif self._in == "json":
            self.json_ld.append(json.loads(data))

    def of_type(self, schema_type):
        return [data for data in self.json_ld if data["@type"] == schema_type]


def head(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return Head(response.content.decode())


@pytest.fixture
def episode_review():
    show = make_show(
        title="Metallic Rouge",
        title_english="Metallic Rouge",
        title_japanese="メタリックルージュ",
        synopsis="An android hunts nine rogue androids.",
    )
    show.studios.add(Studio.objects.create(name="Bones", slug="bones"))
    show.genres.add(Genre.objects.create(name="Mecha", slug="mecha"))
    Credit.objects.create(show=show, role="director", name="Motonobu Hori")
    Credit.objects.create(show=show, role="music", name="Shuji Katayama")
    return make_review(
        show=show,
        episode=make_episode(show, number=3, title="Rouge and Noir"),
        author=make_author(name="Sam Reviewer"),
        title="Metallic Rouge episode 3",
        summary="The best episode yet.",
        recap="Rouge >!wins the duel!<.",
        body="Great. ||Naomi dies||.",
        score=Decimal("7.5"),
    )


def test_every_public_page_has_a_unique_title_and_description(client, catalogue):
    titles = set()
    for page in PAGES:
        tags = head(client, page_urls(catalogue)[page])
        assert tags.title.strip()
        assert tags.meta["description"].strip()
        titles.add(tags.title)
    assert len(titles) == len(PAGES)


def test_every_public_page_has_canonical_og_and_twitter_tags(client, catalogue):
    for page in PAGES:
        url = page_urls(catalogue)[page]
        tags = head(client, url)
        canonical = tags.links["canonical"]
        assert canonical == "http://testserver" + url.split("?")[0], page
        assert tags.meta["og:url"] == canonical
        for key in [
            "og:title",
            "og:description",
            "og:type",
            "og:image",
            "og:site_name",
        ]:
            assert tags.meta[key], (page, key)
        assert tags.meta["og:image"].startswith("http://testserver/")
        assert tags.meta["twitter:card"] == "summary_large_image"
        assert tags.meta["twitter:image"] == tags.meta["og:image"]


def test_canonical_url_keeps_the_page_number_and_drops_filters(client, catalogue):
    catalogue.add_reviews(10)
    url = reverse("reviews:review-list") + "?kind=episode&page=2"
    assert head(client, url).links["canonical"] == "http://testserver/reviews/?page=2"


@pytest.mark.parametrize(
    "page, og_type",
    [
        ("review", "article"),
        ("show", "video.tv_show"),
        ("episode", "video.episode"),
        ("author", "profile"),
        ("home", "website"),
    ],
)
def test_og_type_fits_the_page(client, catalogue, page, og_type):
    assert head(client, page_urls(catalogue)[page]).meta["og:type"] == og_type


def test_review_description_and_previews_never_carry_spoilers(client, episode_review):
    html = client.get(episode_review.get_absolute_url()).content.decode()
    tags = Head(html)
    text = json.dumps([tags.meta, tags.json_ld])
    assert "wins the duel" not in text
    assert "Naomi" not in text
    assert tags.meta["description"] == "The best episode yet."
    assert tags.meta["og:description"] == "The best episode yet."


def test_review_og_tags_describe_the_article(client, episode_review):
    tags = head(client, episode_review.get_absolute_url())
    assert tags.meta["og:title"] == "Metallic Rouge episode 3"
    assert (
        tags.meta["article:published_time"] == episode_review.published_at.isoformat()
    )
    assert tags.meta["article:author"].endswith(
        episode_review.author.get_absolute_url()
    )
    assert tags.meta["article:section"] == "Metallic Rouge"


def test_review_json_ld_is_a_complete_episode_review(client, episode_review):
    (data,) = head(client, episode_review.get_absolute_url()).of_type("Review")
    assert data["@context"] == "https://schema.org"
    assert data["name"] == "Metallic Rouge episode 3"
    assert data["url"] == "http://testserver" + episode_review.get_absolute_url()
    assert data["datePublished"] == episode_review.published_at.isoformat()
    assert data["reviewRating"] == {
        "@type": "Rating",
        "ratingValue": 7.5,
        "bestRating": 10,
        "worstRating": 0,
    }
    assert data["author"] == {
        "@type": "Person",
        "name": "Sam Reviewer",
        "url": "http://testserver" + episode_review.author.get_absolute_url(),
    }
    assert data["publisher"]["@type"] == "Organization"
    assert data["publisher"]["name"] == "Three Episode Rule"
    item = data["itemReviewed"]
    assert item["@type"] == "TVEpisode"
    assert item["name"] == "Rouge and Noir"
    assert item["episodeNumber"] == 3
    series = item["partOfSeries"]
    assert series["@type"] == "TVSeries"
    assert series["name"] == "Metallic Rouge"
    assert series["url"] == "http://testserver/shows/" + episode_review.show.slug + "/"


def test_season_review_json_ld_reviews_the_series_with_its_staff(
    client, episode_review
):
    review = make_review(
        show=episode_review.show, kind="season", episode=None, score=Decimal("8")
    )
    (data,) = head(client, review.get_absolute_url()).of_type("Review")
    item = data["itemReviewed"]
    assert item["@type"] == "TVSeries"
    assert item["name"] == "Metallic Rouge"
    assert item["productionCompany"] == [{"@type": "Organization", "name": "Bones"}]
    assert item["director"] == [{"@type": "Person", "name": "Motonobu Hori"}]
    assert item["musicBy"] == [{"@type": "Person", "name": "Shuji Katayama"}]


def test_review_without_a_score_is_a_blog_posting_about_the_episode(client):
    review = make_review(score=None)
    tags = head(client, review.get_absolute_url())
    assert tags.of_type("Review") == []
    (data,) = tags.of_type("BlogPosting")
    assert data["about"]["@type"] == "TVEpisode"


def test_show_page_json_ld_is_the_series(client, episode_review):
    (data,) = head(client, episode_review.show.get_absolute_url()).of_type("TVSeries")
    assert data["name"] == "Metallic Rouge"
    assert data["alternateName"] == ["メタリックルージュ"]  # not the name again
    assert data["description"] == "An android hunts nine rogue androids."
    assert data["productionCompany"][0]["name"] == "Bones"


def test_review_breadcrumbs_are_a_breadcrumb_list(client, episode_review):
    (data,) = head(client, episode_review.get_absolute_url()).of_type("BreadcrumbList")
    show = episode_review.show
    assert [
        (item["position"], item["name"], item["item"])
        for item in data["itemListElement"]
    ] == [
        (1, "Shows", "http://testserver/shows/"),
        (2, "Metallic Rouge", f"http://testserver/shows/{show.slug}/"),
        (3, "Episode 3", f"http://testserver/shows/{show.slug}/3/"),
        (
            4,
            "Metallic Rouge episode 3",
            "http://testserver" + episode_review.get_absolute_url(),
        ),
    ]


@pytest.mark.parametrize("page", ["show", "episode", "author", "season", "genre"])
def test_pages_with_breadcrumbs_emit_a_breadcrumb_list(client, catalogue, page):
    (data,) = head(client, page_urls(catalogue)[page]).of_type("BreadcrumbList")
    assert len(data["itemListElement"]) >= 2


def test_json_ld_cannot_close_its_script_element(client):
    review = make_review(title="</script><script>alert(1)</script>", score=Decimal("5"))
    html = client.get(review.get_absolute_url()).content.decode()
    assert "</script><script>alert(1)" not in html
    (data,) = Head(html).of_type("Review")
    assert data["name"] == "</script><script>alert(1)</script>"


def test_page_without_a_cover_shares_the_site_card(client):
    review = make_review()
    tags = head(client, review.get_absolute_url())
    assert tags.meta["og:image"] == "http://testserver/static/img/social-card.png"
    assert tags.meta["og:image:width"] == "1200"


@pytest.mark.parametrize("page", ["²", "-1", "x", "99999999999999999999"])
def test_odd_page_numbers_never_break_a_page(client, catalogue, page):
    for url in ["/", "/shows/", "/reviews/"]:
        assert client.get(f"{url}?page={page}").status_code in (200, 404)


def test_unpaginated_page_has_no_page_number_in_its_canonical(client, catalogue):
    tags = head(client, "/authors/?page=2")
    assert tags.links["canonical"] == "http://testserver/authors/"
