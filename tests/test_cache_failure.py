"""A cache that is down or hung never fails a page: it renders from the
database within the socket timeouts, and the failure is logged."""

import logging
import socket
import time

import pytest
from django.urls import reverse

from tests.factories import make_review

pytestmark = pytest.mark.django_db

TIMEOUT = 0.1


def redis_cache(port):
    default = {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": f"redis://127.0.0.1:{port}/0",
        "OPTIONS": {
            "SOCKET_CONNECT_TIMEOUT": TIMEOUT,
            "SOCKET_TIMEOUT": TIMEOUT,
            "IGNORE_EXCEPTIONS": True,
        },
    }
    return {"default": default, "fragments": {**default, "KEY_PREFIX": "fragments"}}


@pytest.fixture
def closed_port():
    """A port nothing listens on: Redis is down."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def hung_port():
    """A port that accepts connections and never answers: Redis is hung."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    yield listener.getsockname()[1]
    listener.close()


@pytest.fixture
def failing_cache(settings, request):
    def use(port):
        settings.CACHES = redis_cache(port)
        settings.DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
        settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
        settings.PAGE_CACHE_SECONDS = 600
        settings.FRAGMENT_CACHE_SECONDS = 600

    return use


@pytest.fixture(autouse=True)
def empty_cache():
    """Overrides the suite's: clearing a failing cache is what is tested here."""
    yield


@pytest.mark.parametrize("state", ["down", "hung"])
def test_pages_render_when_the_cache_fails(
    client, failing_cache, closed_port, hung_port, caplog, state
):
    failing_cache(closed_port if state == "down" else hung_port)
    review = make_review(title="Still readable")
    for url in [reverse("reviews:home"), review.get_absolute_url()]:
        started = time.monotonic()
        with caplog.at_level(logging.ERROR, logger="django_redis"):
            response = client.get(url)
        assert response.status_code == 200
        assert "Still readable" in response.content.decode()
        # A handful of cache calls, each cut short by the socket timeouts.
        assert time.monotonic() - started < 20 * TIMEOUT + 1
    assert any("django_redis" in record.name for record in caplog.records)


def test_comment_still_posts_when_the_cache_is_down(client, failing_cache, closed_port):
    from tests.comments.test_views import post

    failing_cache(closed_port)
    review = make_review()
    response = post(client, review, text="Posted while Redis was down")
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "Posted while Redis was down" in page.content.decode()


def test_staff_can_log_in_when_the_cache_is_down(client, failing_cache, closed_port):
    from tests.factories import make_user

    failing_cache(closed_port)
    make_user("editor-down", password="a long password")
    response = client.post(
        reverse("admin:login"),
        {"username": "editor-down", "password": "a long password"},
    )
    assert response.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200


# The circuit breaker (reviews.cache) and posting with no rate limit


@pytest.fixture
def counted_hung_port():
    """A hung Redis that counts the connections made to it."""
    import threading

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    accepted = []

    def accept():
        while True:
            try:
                accepted.append(listener.accept()[0])  # held open, never answered
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()
    yield listener.getsockname()[1], accepted
    listener.close()
    for connection in accepted:
        connection.close()


@pytest.fixture
def breaker(settings):
    from reviews import cache as breaker_module

    breaker_module._closed_until.clear()
    settings.REDIS_BREAK_SECONDS = 60
    yield
    breaker_module._closed_until.clear()


def test_after_one_timeout_the_process_skips_a_hung_redis(
    client, failing_cache, counted_hung_port, breaker, settings
):
    port, accepted = counted_hung_port
    failing_cache(port)
    for alias in settings.CACHES.values():
        alias["OPTIONS"]["CLIENT_CLASS"] = "reviews.cache.BreakerClient"
    review = make_review(title="Read past a hung cache")
    for _ in range(3):
        response = client.get(review.get_absolute_url())
        assert "Read past a hung cache" in response.content.decode()
    # The page cache, the fragments and the session each tried once at most;
    # without the breaker every call of every request opens one (dozens).
    assert len(accepted) <= 3


def test_a_comment_that_would_be_approved_is_held_when_the_rate_limit_cannot_be_checked(
    client, failing_cache, closed_port
):
    from comments.models import Comment
    from tests.comments.test_views import post
    from tests.factories import make_comment

    failing_cache(closed_port)
    review = make_review()
    make_comment(review, email="aki@example.com")  # would be approved at once
    post(client, review, text="While the limit is blind")
    comment = Comment.objects.get(text="While the limit is blind")
    assert comment.status == Comment.Status.PENDING
    assert "rate limit could not be checked" in comment.moderation_reason


def test_the_page_lookup_on_a_hung_redis_costs_one_timeout_in_all(
    client, failing_cache, counted_hung_port, breaker, settings
):
    """The page cache's one script call times out once; then the fragments,
    the tags and the session skip Redis: the page renders after one timeout."""
    port, accepted = counted_hung_port
    failing_cache(port)
    for alias in settings.CACHES.values():
        alias["OPTIONS"]["CLIENT_CLASS"] = "reviews.cache.BreakerClient"
    review = make_review(title="One timeout")
    started = time.monotonic()
    first = client.get(review.get_absolute_url())
    took = time.monotonic() - started
    assert "One timeout" in first.content.decode()
    assert first.get("X-Page-Cache") is None  # rendered, not stored
    assert len(accepted) == 1
    assert took < 2 * TIMEOUT + 1
    client.get(review.get_absolute_url())
    assert len(accepted) == 1
