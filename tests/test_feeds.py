import calendar
import html
import xml.etree.ElementTree as ET
from datetime import timedelta
from decimal import Decimal

import feedparser
import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from reviews.feeds import absolute_html
from reviews.images import store_image
from reviews.models import Genre, Review
from tests.factories import (
    image_bytes,
    make_author,
    make_episode,
    make_image_file,
    make_review,
    make_show,
)

pytestmark = pytest.mark.django_db

FORMATS = ["rss", "atom"]
RECAP_WORD = "Recapwordxyzzy"
DISCORD_WORD = "Discordwordplugh"
REDDIT_WORD = "Redditwordfrotz"
BLOCK_WORD = "Blockwordgnusto"
IMAGE = "uploads/2025/01/still-1000x600.png"  # named with its size, as uploads are
BODY = f"""\
## Thoughts

The opening is ||{DISCORD_WORD}|| and the ending >!{REDDIT_WORD}!<.

![A still from the episode](/media/{IMAGE})

More on [the show page](/shows/frieren/), and a footnote.[^1]

::: spoiler The last scene
{BLOCK_WORD} happens.
:::

[^1]: The note.
"""


def site_feed(name, fmt):
    return reverse(f"reviews:{name}feed-{fmt}")


def fetch(client, url, **extra):
    response = client.get(url, **extra)
    assert response.status_code == 200
    return response


def parse(response):
    # As written: feedparser neither rewrites addresses nor cleans the HTML.
    feed = feedparser.parse(
        response.content, resolve_relative_uris=False, sanitize_html=False
    )
    assert feed.bozo == 0, feed.get("bozo_exception")
    return feed


def text(detail):
    """What a reader shows of a title or summary, whatever its declared type."""
    if detail.type == "text/html":
        return html.unescape(detail.value)
    return detail.value


def timestamp(parsed):
    return calendar.timegm(parsed)


@pytest.fixture
def review(media_root):
    """A published review with everything a feed carries: score, verdict,
    genres, a cover, an uploaded image, links, a footnote, every kind of
    spoiler and a recap."""
    store_image(IMAGE, ContentFile(image_bytes(size=(1000, 600))))
    show = make_show(title="Frieren", slug="frieren")
    show.genres.add(Genre.objects.create(name="Fantasy", slug="fantasy"))
    return make_review(
        show=show,
        author=make_author(name="Aiko Mori", slug="aiko"),
        title="Episode 1 & the journey's end",
        summary="A quiet start <for> a long journey & a fine one.",
        recap=f"The party {RECAP_WORD} the demon king.",
        body=BODY,
        score=Decimal("7.5"),
        verdict=Review.Verdict.RECOMMENDED,
        cover=make_image_file(size=(40, 30)),
        cover_alt="The party at the gate",
    )


def only_entry(client, url):
    feed = parse(fetch(client, url))
    assert len(feed.entries) == 1
    return feed.entries[0]


@pytest.mark.parametrize("fmt", FORMATS)
def test_site_feed_parses_as_a_valid_feed(client, review, fmt):
    response = fetch(client, site_feed("", fmt))
    assert response["Content-Type"].startswith(f"application/{fmt}+xml")
    parse(response)


@pytest.mark.parametrize("fmt", FORMATS)
def test_site_feed_describes_the_site(client, review, fmt):
    feed = parse(fetch(client, site_feed("", fmt))).feed
    assert feed.title == "Three Episode Rule: reviews"
    assert feed.link == "http://testserver/reviews/"
    assert feed.subtitle.startswith("Anime reviews")
    assert feed.language == "en"
    self_links = [link.href for link in feed.links if link.rel == "self"]
    assert self_links == [f"http://testserver/feeds/reviews/{fmt}/"]


def test_atom_site_feed_names_the_site_as_author(client, review):
    feed = parse(fetch(client, site_feed("", "atom"))).feed
    assert feed.author_detail.name == "Three Episode Rule"
    assert feed.author_detail.href == "http://testserver/"


@pytest.mark.parametrize("fmt", FORMATS)
def test_entry_title_names_the_show_before_the_review_title(client, review, fmt):
    entry = only_entry(client, site_feed("", fmt))
    assert text(entry.title_detail) == "Frieren: Episode 1 & the journey's end"


@pytest.mark.parametrize("fmt", FORMATS)
def test_entry_title_is_not_prefixed_when_it_names_the_show(client, fmt):
    make_review(show=make_show(title="Frieren"), title="Frieren, episode 2")
    entry = only_entry(client, site_feed("", fmt))
    assert text(entry.title_detail) == "Frieren, episode 2"


@pytest.mark.parametrize("fmt", FORMATS)
def test_entry_links_the_review_page_absolutely(client, review, fmt):
    entry = only_entry(client, site_feed("", fmt))
    assert entry.link == f"http://testserver{review.get_absolute_url()}"


@pytest.mark.parametrize("fmt", FORMATS)
def test_entry_id_is_a_tag_uri_that_outlives_a_new_slug(client, review, fmt):
    expected = f"tag:testserver,{review.created:%Y-%m-%d}:review:{review.pk}"
    assert only_entry(client, site_feed("", fmt)).id == expected
    review.slug = "a-new-slug"
    review.save()
    assert only_entry(client, site_feed("", fmt)).id == expected


@pytest.mark.parametrize("fmt", FORMATS)
def test_entry_names_its_author(client, review, fmt):
    assert only_entry(client, site_feed("", fmt)).author == "Aiko Mori"


def test_atom_entry_links_its_author_page(client, review):
    entry = only_entry(client, site_feed("", "atom"))
    assert entry.author_detail.href == "http://testserver/authors/aiko/"


@pytest.mark.parametrize("fmt", FORMATS)
def test_entry_is_dated_by_its_publication(client, review, fmt):
    entry = only_entry(client, site_feed("", fmt))
    assert timestamp(entry.published_parsed) == int(review.published_at.timestamp())


def test_atom_entry_updated_is_the_last_change(client, review):
    Review.objects.filter(pk=review.pk).update(
        updated=review.published_at + timedelta(hours=5)
    )
    entry = only_entry(client, site_feed("", "atom"))
    expected = review.published_at + timedelta(hours=5)
    assert timestamp(entry.updated_parsed) == int(expected.timestamp())


def test_atom_entry_of_a_review_saved_before_its_time_is_updated_when_published(
    client, review
):
    """A scheduled review does not look older than its publication."""
    Review.objects.filter(pk=review.pk).update(
        updated=review.published_at - timedelta(days=3)
    )
    entry = only_entry(client, site_feed("", "atom"))
    assert timestamp(entry.updated_parsed) == int(review.published_at.timestamp())


@pytest.mark.parametrize("fmt", FORMATS)
def test_entry_categories_are_show_kind_and_genres(client, review, fmt):
    entry = only_entry(client, site_feed("", fmt))
    assert [tag.term for tag in entry.tags] == ["Frieren", "Episode review", "Fantasy"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_entry_summary_is_the_reviews_summary(client, review, fmt):
    entry = only_entry(client, site_feed("", fmt))
    assert text(entry.summary_detail) == review.summary


@pytest.mark.parametrize("fmt", FORMATS)
def test_entry_without_a_summary_is_summarised_by_its_first_words(client, fmt):
    make_review(body="A **slow** start, and ||a twist||.\n\nThen more.")
    entry = only_entry(client, site_feed("", fmt))
    assert (
        text(entry.summary_detail) == "A slow start, and [spoiler hidden]. Then more."
    )


@pytest.mark.parametrize("fmt", FORMATS)
def test_entry_content_is_the_full_html_body(client, review, fmt):
    (content,) = only_entry(client, site_feed("", fmt)).content
    assert content.type == "text/html"
    assert '<h2 id="thoughts">Thoughts</h2>' in content.value
    assert "The opening is" in content.value
    assert "The note." in content.value


@pytest.mark.parametrize("fmt", FORMATS)
def test_entry_content_opens_with_score_and_verdict(client, review, fmt):
    (content,) = only_entry(client, site_feed("", fmt)).content
    assert content.value.startswith(
        "<p><strong>Score: 7.5/10 · Verdict: Recommended</strong></p>"
    )


@pytest.mark.parametrize("fmt", FORMATS)
def test_entry_content_of_an_unscored_review_opens_with_its_text(client, fmt):
    make_review(body="Just *thoughts*.")
    (content,) = only_entry(client, site_feed("", fmt)).content
    assert content.value.startswith("<p>Just <em>thoughts</em>.</p>")


def test_rss_puts_the_summary_in_description_and_the_body_in_content_encoded(
    client, review
):
    channel = ET.fromstring(fetch(client, site_feed("", "rss")).content)[0]
    item = channel.find("item")
    encoded = item.find("{http://purl.org/rss/1.0/modules/content/}encoded")
    assert html.unescape(item.find("description").text) == review.summary
    assert "The opening is" in encoded.text


def test_atom_puts_the_summary_in_summary_and_the_body_in_html_content(client, review):
    atom = "{http://www.w3.org/2005/Atom}"
    root = ET.fromstring(fetch(client, site_feed("", "atom")).content)
    entry = root.find(f"{atom}entry")
    assert entry.find(f"{atom}summary").get("type") == "html"
    assert entry.find(f"{atom}content").get("type") == "html"
    assert "The opening is" in entry.find(f"{atom}content").text


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    "word", [RECAP_WORD, DISCORD_WORD, REDDIT_WORD, BLOCK_WORD, "demon king"]
)
def test_spoilers_and_recap_never_reach_the_feed(client, review, fmt, word):
    response = fetch(client, site_feed("", fmt))
    assert word.encode() not in response.content


@pytest.mark.parametrize("fmt", FORMATS)
def test_each_spoiler_is_replaced_by_a_note(client, review, fmt):
    (content,) = only_entry(client, site_feed("", fmt)).content
    note = '<em class="spoiler-hidden">[spoiler hidden]</em>'
    assert content.value.count(note) == 3


@pytest.mark.parametrize("fmt", FORMATS)
def test_content_images_and_links_are_absolute(client, review, fmt):
    (content,) = only_entry(client, site_feed("", fmt)).content
    page = f"http://testserver{review.get_absolute_url()}"
    still = "http://testserver/media/uploads/2025/01/still-1000x600"
    assert f'src="{still}.png"' in content.value
    assert f"{still}-480.webp 480w, {still}-960.webp 960w" in content.value
    assert 'href="http://testserver/shows/frieren/"' in content.value
    assert f'href="{page}#fn1"' in content.value
    assert f'<a href="{page}">Read this review on Three Episode Rule</a>' in (
        content.value
    )
    assert '="/' not in content.value


@pytest.mark.parametrize("fmt", FORMATS)
def test_content_shows_the_cover_with_its_alt_text(client, review, fmt):
    (content,) = only_entry(client, site_feed("", fmt)).content
    cover = f"http://testserver{review.cover.url}"
    assert (
        f'<img src="{cover}" alt="The party at the gate" width="40" height="30">'
        in content.value
    )


def test_feed_over_https_has_https_addresses(client, review):
    response = fetch(client, site_feed("", "atom"), secure=True)
    entry = parse(response).entries[0]
    assert entry.link.startswith("https://testserver/")
    assert "http://" not in entry.content[0].value


def test_absolute_html_leaves_text_that_looks_like_an_attribute_alone():
    fragment = (
        '<p>Write <code>&lt;img src="/x.png"&gt;</code> '
        '<img alt="a &gt; b" src="/y.png"> <a href="mailto:a@b.c">mail</a></p>'
    )
    assert absolute_html(fragment, "https://site.test/reviews/a/") == (
        '<p>Write <code>&lt;img src="/x.png"&gt;</code> '
        '<img alt="a &gt; b" src="https://site.test/y.png"> '
        '<a href="mailto:a@b.c">mail</a></p>'
    )


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("status", ["draft", "submitted", "scheduled"])
def test_unpublished_reviews_are_left_out(client, fmt, status):
    make_review(title="Published")
    make_review(
        title="Hidden",
        status="published" if status == "scheduled" else status,
        published_at=timezone.now() + timedelta(hours=1)
        if status == "scheduled"
        else None,
    )
    titles = [
        text(e.title_detail) for e in parse(fetch(client, site_feed("", fmt))).entries
    ]
    assert [title.rpartition(": ")[2] for title in titles] == ["Published"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_feed_has_the_twenty_newest_reviews_newest_first(client, fmt):
    show = make_show(title="Frieren")
    now = timezone.now()
    for hours in range(25):
        make_review(
            show=show,
            episode=make_episode(show, number=hours + 1),
            title=f"Frieren {hours}",
            published_at=now - timedelta(hours=hours + 1),
        )
    entries = parse(fetch(client, site_feed("", fmt))).entries
    assert [text(e.title_detail) for e in entries] == [
        f"Frieren {hours}" for hours in range(20)
    ]


@pytest.mark.parametrize("fmt", FORMATS)
def test_show_feed_has_only_that_shows_reviews(client, review, fmt):
    make_review(title="Another show's review")
    url = reverse(f"reviews:show-feed-{fmt}", kwargs={"slug": "frieren"})
    feed = parse(fetch(client, url))
    assert [entry.link for entry in feed.entries] == [
        f"http://testserver{review.get_absolute_url()}"
    ]
    assert feed.feed.title == "Three Episode Rule: Frieren reviews"
    assert feed.feed.link == "http://testserver/shows/frieren/"


@pytest.mark.parametrize("fmt", FORMATS)
def test_author_feed_has_only_that_authors_reviews(client, review, fmt):
    make_review(show=review.show, title="Someone else's review")
    url = reverse(f"reviews:author-feed-{fmt}", kwargs={"slug": "aiko"})
    feed = parse(fetch(client, url))
    assert [entry.link for entry in feed.entries] == [
        f"http://testserver{review.get_absolute_url()}"
    ]
    assert feed.feed.title == "Three Episode Rule: reviews by Aiko Mori"
    assert feed.feed.link == "http://testserver/authors/aiko/"


def test_atom_author_feed_names_the_author(client, review):
    url = reverse("reviews:author-feed-atom", kwargs={"slug": "aiko"})
    feed = parse(fetch(client, url)).feed
    assert feed.author_detail.name == "Aiko Mori"
    assert feed.author_detail.href == "http://testserver/authors/aiko/"


@pytest.mark.parametrize("fmt", FORMATS)
def test_show_without_published_reviews_has_an_empty_feed(client, fmt):
    make_review(show=make_show(slug="quiet"), status="draft")
    url = reverse(f"reviews:show-feed-{fmt}", kwargs={"slug": "quiet"})
    assert parse(fetch(client, url)).entries == []


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("kind", ["show", "author"])
def test_feed_of_an_unknown_show_or_author_is_404(client, db, fmt, kind):
    url = reverse(f"reviews:{kind}-feed-{fmt}", kwargs={"slug": "nobody"})
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("fmt", FORMATS)
def test_feed_of_an_author_without_a_published_review_is_404(client, fmt):
    author = make_author(slug="newcomer")
    make_review(author=author, status="draft")
    make_review(author=author, published_at=timezone.now() + timedelta(hours=1))
    url = reverse(f"reviews:author-feed-{fmt}", kwargs={"slug": "newcomer"})
    assert client.get(url).status_code == 404


def add_reviews(count, show, author):
    genre = Genre.objects.create(name=f"Genre {count}", slug=f"genre-{count}")
    for _ in range(count):
        other_show = make_show()
        other_show.genres.add(genre)
        for reviewed in (show, other_show):
            make_review(
                show=reviewed,
                episode=make_episode(reviewed, number=reviewed.episodes.count() + 1),
                author=author,
                score=Decimal("6"),
                verdict=Review.Verdict.MIXED,
                body="Some ||thoughts||.",
            )


# The most queries each feed may run, whatever the amount of data: the reviews
# with their author, show and episode; the shows' genres; the show or author.
QUERY_BUDGET = {"": 2, "show-": 3, "author-": 3}


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name", QUERY_BUDGET)
def test_feed_query_count_does_not_grow_with_data(client, fmt, name):
    """Guards against N+1 queries (authors, shows, genres): 5 and 50 reviews cost
    the same queries."""
    show, author = make_show(slug="frieren"), make_author(slug="aiko")
    kwargs = {"show-": {"slug": "frieren"}, "author-": {"slug": "aiko"}}.get(name, {})
    url = reverse(f"reviews:{name}feed-{fmt}", kwargs=kwargs)
    counts = []
    for count in (5, 45):
        add_reviews(count, show, author)
        with CaptureQueriesContext(connection) as queries:
            fetch(client, url)
        counts.append(len(queries))
    assert counts[0] == counts[1] <= QUERY_BUDGET[name]


def alternates(content):
    root = content.decode()
    head = root[: root.index("</head>")]
    return {
        (kind, href)
        for kind in ("application/rss+xml", "application/atom+xml")
        for href in [
            part.partition('href="')[2].partition('"')[0]
            for part in head.split("<link ")
            if 'rel="alternate"' in part and f'type="{kind}"' in part
        ]
    }


SITE_FEEDS = {
    ("application/rss+xml", "/feeds/reviews/rss/"),
    ("application/atom+xml", "/feeds/reviews/atom/"),
}


def test_home_page_announces_the_site_feeds(client, review):
    assert alternates(fetch(client, reverse("reviews:home")).content) == SITE_FEEDS


def test_show_page_announces_the_site_and_show_feeds(client, review):
    content = fetch(client, review.show.get_absolute_url()).content
    assert alternates(content) == SITE_FEEDS | {
        ("application/rss+xml", "/feeds/shows/frieren/rss/"),
        ("application/atom+xml", "/feeds/shows/frieren/atom/"),
    }


def test_author_page_announces_the_site_and_author_feeds(client, review):
    content = fetch(client, review.author.get_absolute_url()).content
    assert alternates(content) == SITE_FEEDS | {
        ("application/rss+xml", "/feeds/authors/aiko/rss/"),
        ("application/atom+xml", "/feeds/authors/aiko/atom/"),
    }


def test_show_page_links_its_feeds_visibly(client, review):
    content = fetch(client, review.show.get_absolute_url()).content.decode()
    assert "Follow Frieren by" in content
    assert (
        '<a href="/feeds/shows/frieren/rss/" type="application/rss+xml">RSS'
        '<span class="visually-hidden"> feed of Frieren</span></a>'
    ) in content


def test_author_page_links_its_feeds_visibly(client, review):
    content = fetch(client, review.author.get_absolute_url()).content.decode()
    assert "Follow Aiko Mori by" in content
    assert (
        '<a href="/feeds/authors/aiko/atom/" type="application/atom+xml">Atom'
        '<span class="visually-hidden"> feed of Aiko Mori</span></a>'
    ) in content


def test_footer_links_the_site_feeds(client, db):
    content = fetch(client, reverse("reviews:home")).content.decode()
    footer = content[content.index('<footer class="site-footer">') :]
    assert 'href="/feeds/reviews/rss/"' in footer
    assert 'href="/feeds/reviews/atom/"' in footer


def test_control_characters_already_stored_do_not_break_the_feeds(client):
    make_review(title="Vertical\x0btab", body="Form\x0cfeed in the body.")
    for url in ["/feeds/reviews/rss/", "/feeds/reviews/atom/"]:
        response = client.get(url)
        assert response.status_code == 200
        parsed = feedparser.parse(response.content)
        assert not parsed.bozo
        assert "Verticaltab" in parsed.entries[0].title
