"""Per-object invalidation (reviews.pagecache): each write makes cold exactly
the pages showing what it changed, and leaves the others warm; a fragment
built from a changed object is never served; a hit is one round trip."""

import time
from datetime import timedelta
from unittest import mock

import pytest
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment
from ratings.models import rate
from reviews import pagecache
from reviews.models import Genre, Review
from reviews.pagecache.pages import Held
from reviews.pagecache.tags import _start_clock
from tests.factories import (
    make_author,
    make_comment,
    make_episode,
    make_review,
    make_show,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 600


class Site:
    """Two shows, each with an episode, a writer and a published review; the
    first show in a genre."""

    def __init__(self):
        self.genre = Genre.objects.create(name="Mecha", slug="mecha")
        self.show_a = make_show(title="Show A")
        self.show_a.genres.add(self.genre)
        self.show_b = make_show(title="Show B")
        self.episode_a = make_episode(self.show_a, number=1, title="A one")
        self.episode_b = make_episode(self.show_b, number=1, title="B one")
        self.author_x = make_author(name="Writer X")
        self.author_y = make_author(name="Writer Y")
        self.review_a = make_review(
            show=self.show_a,
            episode=self.episode_a,
            author=self.author_x,
            title="Review of A",
        )
        self.review_b = make_review(
            show=self.show_b,
            episode=self.episode_b,
            author=self.author_y,
            title="Review of B",
        )

    def urls(self):
        return {
            "home": reverse("reviews:home"),
            "review list": reverse("reviews:review-list"),
            "shows": reverse("reviews:show-list"),
            "review A": self.review_a.get_absolute_url(),
            "review B": self.review_b.get_absolute_url(),
            "show A": self.show_a.get_absolute_url(),
            "show B": self.show_b.get_absolute_url(),
            "episode A": self.episode_a.get_absolute_url(),
            "episode B": self.episode_b.get_absolute_url(),
            "author X": self.author_x.get_absolute_url(),
            "author Y": self.author_y.get_absolute_url(),
            "genre": self.genre.get_absolute_url(),
        }


@pytest.fixture
def site(client):
    site = Site()
    for url in site.urls().values():
        assert client.get(url)["X-Page-Cache"] == "miss", url
    return site


def states(client, site, names):
    """{page: "hit" or "miss"} of these pages, fetched once each."""
    urls = site.urls()
    return {name: client.get(urls[name]).get("X-Page-Cache") for name in names}


def assert_cold_and_warm(client, site, cold, warm):
    assert states(client, site, cold) == dict.fromkeys(cold, "miss")
    assert states(client, site, warm) == dict.fromkeys(warm, "hit")


def test_publishing_a_review_makes_cold_its_show_episode_author_and_the_lists(
    client, site, writes
):
    draft = make_review(
        show=site.show_a,
        episode=site.episode_a,
        author=site.author_x,
        status=Review.Status.DRAFT,
        title="Second on A",
    )
    with writes():
        draft.status = Review.Status.PUBLISHED
        draft.published_at = timezone.now() - timedelta(minutes=1)
        draft.save()
    cold = ["home", "review list", "show A", "episode A", "author X", "review A"]
    assert_cold_and_warm(client, site, cold, ["review B", "show B", "author Y"])
    assert "Second on A" in client.get(site.urls()["show A"]).content.decode()


def test_publishing_a_review_leaves_warm_the_pages_that_only_name_its_writer(
    client, site, writes
):
    # Writer X has a review of show B too: show B's page names X on its card.
    with writes():
        make_review(show=site.show_b, author=site.author_x, title="X on B")
    assert "X on B" in client.get(site.urls()["show B"]).content.decode()
    draft = make_review(
        show=site.show_a, author=site.author_x, status=Review.Status.DRAFT
    )
    with writes():
        draft.status = Review.Status.PUBLISHED
        draft.save()
    # X's page and X's review pages (their median) change; show B's does not.
    assert_cold_and_warm(client, site, ["author X", "review A"], ["show B"])


def test_editing_a_review_makes_cold_the_pages_showing_it(client, site, writes):
    with writes():
        site.review_a.title = "Retitled A"
        site.review_a.save()
    cold = ["review A", "show A", "episode A", "author X", "home", "review list"]
    assert_cold_and_warm(client, site, cold, ["review B", "show B", "episode B"])


def test_unpublishing_a_review_makes_cold_its_pages(client, site, writes):
    with writes():
        site.review_a.status = Review.Status.DRAFT
        site.review_a.save()
    assert client.get(site.urls()["review A"]).status_code == 404
    assert client.get(site.urls()["author X"]).status_code == 404  # none left
    cold = ["show A", "episode A", "home", "review list"]
    assert_cold_and_warm(client, site, cold, ["review B", "show B", "author Y"])


def test_deleting_a_review_makes_cold_its_pages(client, site, writes):
    with writes():
        site.review_a.delete()
    cold = ["show A", "episode A", "home", "review list"]
    assert_cold_and_warm(client, site, cold, ["review B", "show B", "author Y"])


def test_approving_a_comment_makes_cold_only_the_pages_showing_its_review(
    client, site, writes, moderator
):
    comment = make_comment(site.review_a, status=Comment.Status.PENDING, text="Hi A")
    with writes():
        Comment.objects.filter(pk=comment.pk).moderate(
            Comment.Status.APPROVED, moderator
        )
    cold = ["review A", "show A", "author X", "home", "review list", "genre"]
    warm = ["review B", "show B", "author Y", "episode B", "shows"]
    assert_cold_and_warm(client, site, cold, warm)
    assert "Hi A" in client.get(site.urls()["review A"]).content.decode()


def test_removing_an_approved_comment_makes_cold_its_reviews_pages(
    client, site, writes, moderator
):
    with writes():
        comment = make_comment(site.review_a, text="Soon removed")
    client.get(site.urls()["review A"])
    client.get(site.urls()["show A"])
    with writes():
        Comment.objects.filter(pk=comment.pk).moderate(
            Comment.Status.REMOVED, moderator
        )
    assert_cold_and_warm(client, site, ["review A", "show A"], ["review B", "show B"])
    assert "Soon removed" not in client.get(site.urls()["review A"]).content.decode()


def test_a_comment_awaiting_moderation_leaves_every_page_warm(client, site, writes):
    with writes():
        make_comment(site.review_a, status=Comment.Status.PENDING)
    assert_cold_and_warm(client, site, [], list(site.urls()))


def test_moderating_a_pending_comment_as_spam_leaves_every_page_warm(
    client, site, writes, moderator
):
    comment = make_comment(site.review_a, status=Comment.Status.PENDING)
    with writes():
        Comment.objects.filter(pk=comment.pk).moderate(Comment.Status.SPAM, moderator)
    assert_cold_and_warm(client, site, [], list(site.urls()))


def test_a_rating_makes_cold_the_pages_showing_its_episode(client, site, writes):
    with writes():
        rate(site.episode_a, "rater-1", 9, "network-1", per_network=5)
    cold = ["episode A", "show A", "review A"]
    warm = ["review B", "show B", "episode B", "author Y"]
    assert_cold_and_warm(client, site, cold, warm)


def test_editing_a_show_makes_cold_its_pages_and_the_indexes(client, site, writes):
    with writes():
        site.show_a.title = "Show A renamed"
        site.show_a.save()
    cold = ["show A", "review A", "episode A", "shows", "home"]
    assert_cold_and_warm(client, site, cold, ["show B", "review B", "episode B"])
    assert "Show A renamed" in client.get(site.urls()["review A"]).content.decode()


def test_editing_an_episode_makes_cold_its_show_and_reviews(client, site, writes):
    with writes():
        site.episode_a.title = "A one, renamed"
        site.episode_a.save()
    cold = ["episode A", "show A", "review A"]
    assert_cold_and_warm(client, site, cold, ["show B", "review B", "episode B"])
    assert "A one, renamed" in client.get(site.urls()["show A"]).content.decode()


def test_editing_an_author_makes_cold_their_pages(client, site, writes):
    with writes():
        site.author_x.name = "Writer X renamed"
        site.author_x.save()
    cold = ["author X", "review A", "show A"]
    assert_cold_and_warm(client, site, cold, ["author Y", "review B", "show B"])
    assert "Writer X renamed" in client.get(site.urls()["review A"]).content.decode()


def test_editing_a_genre_makes_cold_its_shows_pages(client, site, writes):
    with writes():
        site.genre.name = "Giant robots"
        site.genre.save()
    assert_cold_and_warm(client, site, ["genre", "show A"], ["show B", "review B"])
    assert "Giant robots" in client.get(site.urls()["show A"]).content.decode()


def test_adding_a_genre_to_a_show_makes_cold_the_show_and_genre(client, site, writes):
    with writes():
        site.show_b.genres.add(site.genre)
    warm = ["review A", "episode A", "author X"]
    assert_cold_and_warm(client, site, ["genre", "show B"], warm)
    assert "Show B" in client.get(site.urls()["genre"]).content.decode()


def test_a_scheduled_review_going_out_makes_cold_its_pages_without_a_write(
    client, site, writes
):
    soon = timezone.now() + timedelta(hours=1)
    with writes():
        make_review(
            show=site.show_a,
            episode=site.episode_a,
            author=site.author_x,
            published_at=soon,
            title="Scheduled on A",
        )
    for name in ["home", "show A", "show B", "review B"]:
        client.get(site.urls()[name])
    assert_cold_and_warm(client, site, [], ["home", "show A", "show B", "review B"])
    later = soon + timedelta(minutes=1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        assert_cold_and_warm(client, site, ["home", "show A"], ["show B", "review B"])
        assert "Scheduled on A" in client.get(site.urls()["home"]).content.decode()


# Fragments (for every reader, staff too) follow the same tags


@pytest.fixture
def fragments_only(settings):
    settings.PAGE_CACHE_SECONDS = 0
    settings.FRAGMENT_CACHE_SECONDS = 600


@pytest.mark.parametrize(
    "write",
    ["review", "show", "episode", "author", "comment", "rating"],
)
def test_a_fragment_of_a_changed_object_is_never_served(
    client, writes, fragments_only, moderator, write
):
    show = make_show(title="Old show")
    episode = make_episode(show, number=1, title="Old episode")
    review = make_review(show=show, episode=episode, title="Old review")
    url = review.get_absolute_url()
    client.get(url)  # stores the fragments
    with writes():
        if write == "review":
            review.title = "New words"
            review.save()
        elif write == "show":
            show.title = "New words"
            show.save()
        elif write == "episode":
            episode.title = "New words"
            episode.save()
        elif write == "author":
            review.author.name = "New words"
            review.author.save()
        elif write == "comment":
            make_comment(review, text="New words")
        else:
            rate(episode, "rater-1", 7, "network-1", per_network=5)
    html = client.get(url).content.decode()
    assert ("New words" in html) if write != "rating" else ("1 rating" in html)


def test_fragments_of_other_reviews_stay_warm_after_a_comment(
    client, writes, fragments_only, django_assert_num_queries
):
    review, other = make_review(), make_review()
    client.get(review.get_absolute_url())
    client.get(other.get_absolute_url())
    with writes():
        make_comment(review)
    with django_assert_num_queries(0):
        client.get(other.get_absolute_url())


# What the cache holds and sends


def test_a_stored_page_is_bytes_not_a_pickled_response(client):
    review = make_review(title="Stored as bytes")
    client.get(review.get_absolute_url())
    key = f"pages:{settings.RELEASE}:testserver:{review.get_absolute_url()}"
    if "django_redis" in settings.CACHES["default"]["BACKEND"]:
        from django_redis import get_redis_connection

        redis = get_redis_connection("default")
        head, entry = (redis.get(cache.make_key(name)) for name in (f"{key}:tags", key))
    else:
        head, entry = cache.get(f"{key}:tags"), cache.get(key)
    stamp, tags, versions = head.split(b"\n")
    assert f"review:{review.pk}".encode() in tags.split()
    assert len(versions.split()) == len(tags.split())
    entry_stamp, meta, body = entry.split(b"\n", 2)
    assert entry_stamp == stamp
    assert b"text/html" in meta
    assert b"Stored as bytes" in body


def test_a_stored_page_sends_its_tags_for_a_front_cache(client):
    review = make_review()
    response = client.get(review.get_absolute_url())
    tags = response["xkey"].split()
    assert {f"review:{review.pk}", f"show:{review.show_id}", "all"} <= set(tags)
    assert "s-maxage=600" in response["Cache-Control"]
    assert "public" in response["Cache-Control"]


def test_a_hit_sends_the_same_tags_and_headers(client):
    url = make_review().get_absolute_url()
    first = client.get(url)
    second = client.get(url)
    assert second["X-Page-Cache"] == "hit"
    for header in ["xkey", "Cache-Control", "Content-Type", "ETag", "Vary"]:
        assert second[header] == first[header]


def test_a_write_sends_tags_bumped_after_its_commit(writes):
    review = make_review()
    sent = []

    def receiver(tags, **kwargs):
        sent.append(tags)

    pagecache.tags_bumped.connect(receiver)
    try:
        with writes():
            make_comment(review)
            assert sent == []
    finally:
        pagecache.tags_bumped.disconnect(receiver)
    assert sent == [{f"review:{review.pk}"}]


def test_a_page_rendered_while_a_tag_was_written_is_not_kept():
    rendering = pagecache.Rendering(_start_clock())
    assert rendering.versions_to_keep({"review:1"}) is not None
    later = pagecache.Rendering(rendering.clock)
    pagecache.bump_now({"review:2"})
    assert later.versions_to_keep({"review:2"}) is None


def test_the_global_design_makes_every_page_cold_on_any_write(
    client, site, writes, settings
):
    settings.PAGE_CACHE_INVALIDATION = "global"
    with writes():
        make_comment(site.review_a)
    assert_cold_and_warm(client, site, list(site.urls()), [])


# On Redis (the PostgreSQL + Redis run): the hit is one script call


redis_only = pytest.mark.skipif(
    "django_redis" not in settings.CACHES["default"]["BACKEND"],
    reason="needs Redis (REDIS_URL)",
)


@redis_only
def test_a_hit_on_redis_is_one_round_trip(client):
    url = make_review().get_absolute_url()
    client.get(url)
    redis = cache.client
    with (
        mock.patch.object(redis, "run", wraps=redis.run) as runs,
        mock.patch.object(redis, "get", wraps=redis.get) as gets,
        mock.patch.object(redis, "get_many", wraps=redis.get_many) as get_manys,
    ):
        response = client.get(url)
    assert response["X-Page-Cache"] == "hit"
    assert (runs.call_count, gets.call_count, get_manys.call_count) == (1, 0, 0)


@redis_only
def test_on_redis_a_bumped_tag_makes_the_stored_page_cold(client, writes):
    review = make_review()
    client.get(review.get_absolute_url())
    assert client.get(review.get_absolute_url())["X-Page-Cache"] == "hit"
    with writes():
        make_comment(review, text="Through the script")
    response = client.get(review.get_absolute_url())
    assert response["X-Page-Cache"] == "miss"
    assert "Through the script" in response.content.decode()


@redis_only
def test_a_hit_on_a_page_the_worker_holds_fetches_only_its_check(client):
    url = make_review().get_absolute_url()
    client.get(url)  # stored, and held by this worker
    with mock.patch.object(Held, "put", side_effect=AssertionError("page fetched")):
        response = client.get(url)
    assert response["X-Page-Cache"] == "hit"


@redis_only
def test_a_page_found_current_a_moment_ago_is_served_without_asking_redis(
    client, settings
):
    settings.PAGE_CACHE_RECHECK_SECONDS = 60
    url = make_review().get_absolute_url()
    client.get(url)
    client.get(url)  # found current
    with mock.patch.object(cache.client, "run", side_effect=AssertionError("asked")):
        response = client.get(url)
    assert response["X-Page-Cache"] == "hit"


@redis_only
def test_a_write_in_the_worker_reaches_its_held_pages_at_once(client, settings, writes):
    settings.PAGE_CACHE_RECHECK_SECONDS = 60
    review = make_review()
    client.get(review.get_absolute_url())
    client.get(review.get_absolute_url())
    with writes():
        make_comment(review, text="Seen at once")
    response = client.get(review.get_absolute_url())
    assert response["X-Page-Cache"] == "miss"
    assert "Seen at once" in response.content.decode()


@redis_only
def test_a_write_elsewhere_reaches_a_held_page_once_its_moment_is_over(
    client, settings, monkeypatch
):
    settings.PAGE_CACHE_RECHECK_SECONDS = 0.25
    review = make_review()
    client.get(review.get_absolute_url())
    client.get(review.get_absolute_url())
    # Another server's write: the tag's version moves on, no signal here.
    cache.set(f"tag:review:{review.pk}", cache.incr("tags:clock"), None)
    assert client.get(review.get_absolute_url())["X-Page-Cache"] == "hit"
    later = time.monotonic() + 0.25
    monkeypatch.setattr(time, "monotonic", lambda: later)
    assert client.get(review.get_absolute_url())["X-Page-Cache"] == "miss"


@redis_only
def test_a_front_cache_fetch_always_asks_redis(client, settings):
    settings.PAGE_CACHE_RECHECK_SECONDS = 60
    settings.FRONT_CACHES = ["http://127.0.0.1:1"]
    url = make_review().get_absolute_url()
    esi = {"HTTP_SURROGATE_CAPABILITY": "varnish=ESI/1.0"}
    client.get(url, **esi)
    client.get(url, **esi)
    with mock.patch.object(cache.client, "run", wraps=cache.client.run) as runs:
        assert client.get(url, **esi)["X-Page-Cache"] == "hit"
    assert runs.call_count == 1


def test_a_worker_holds_pages_up_to_its_bytes_the_oldest_used_dropped_first(
    settings,
):
    settings.PAGE_CACHE_HELD_BYTES = 250
    page = b'{"status": 200, "headers": [], "tokens": []}\n' + b"x" * 100
    Held.put("a", b"1", page)
    Held.put("b", b"1", page)
    Held.used("a", Held.get("a"))
    Held.put("c", b"1", page)
    assert Held.get("b") is None and Held.get("a") and Held.get("c")
    assert Held.size == 200
