"""The full-page cache: anonymous readers get stored pages; every write path
makes the pages showing what it changed fresh at once; personal pages are never
stored. The fragment cache (parts of pages, counts, distributions, for every
reader) follows the same tags: the write paths are tested with each. (Which
pages a write leaves warm: tests/test_cache_tags.py.)"""

from datetime import timedelta
from unittest import mock

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment
from reviews import pagecache
from reviews.models import Genre, Review
from tests.factories import make_comment, make_episode, make_review, make_show

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 600


def cache_state(response):
    return response.get("X-Page-Cache")


def test_second_anonymous_visit_is_served_from_the_cache_without_queries(client):
    review = make_review()
    assert cache_state(client.get(review.get_absolute_url())) == "miss"
    with CaptureQueriesContext(connection) as queries:
        response = client.get(review.get_absolute_url())
    assert cache_state(response) == "hit"
    assert len(queries) == 0
    assert review.title in response.content.decode()


def test_cached_page_headers_ask_browsers_to_revalidate(client, settings):
    response = client.get(make_review().get_absolute_url())
    # Browsers revalidate; a shared front cache keeps it (s-maxage, purged
    # by its tags: xkey).
    assert set(response["Cache-Control"].split(", ")) == {
        "public",
        "max-age=0",
        "must-revalidate",
        f"s-maxage={settings.PAGE_CACHE_SECONDS}",
    }
    assert "Cookie" in response["Vary"]
    assert response["ETag"]
    assert response["Last-Modified"]


def test_unchanged_page_answers_304_to_its_etag(client):
    url = make_review().get_absolute_url()
    etag = client.get(url)["ETag"]
    assert client.get(url, headers={"if-none-match": etag}).status_code == 304


def test_unchanged_page_answers_304_since_its_last_modified(client):
    url = make_review().get_absolute_url()
    modified = client.get(url)["Last-Modified"]
    response = client.get(url, headers={"if-modified-since": modified})
    assert response.status_code == 304


def test_changed_page_answers_200_to_an_old_etag(client, writes):
    review = make_review(title="Before")
    etag = client.get(review.get_absolute_url())["ETag"]
    with writes():
        review.title = "After"
        review.save()
    response = client.get(review.get_absolute_url(), headers={"if-none-match": etag})
    assert response.status_code == 200
    assert "After" in response.content.decode()


# Every write path makes the pages fresh, with whole pages or fragments cached.


@pytest.fixture(params=["pages", "fragments"])
def caching(request, settings):
    if request.param == "fragments":
        settings.PAGE_CACHE_SECONDS = 0
        settings.FRAGMENT_CACHE_SECONDS = 600
    return request.param


def home(client):
    return client.get(reverse("reviews:home")).content.decode()


def test_publishing_shows_the_review_at_once(client, writes, caching):
    draft = make_review(title="Fresh review", status="draft")
    assert "Fresh review" not in home(client)
    with writes():
        draft.status = Review.Status.PUBLISHED
        draft.save()
    assert "Fresh review" in home(client)


def test_editing_shows_the_change_at_once(client, writes, caching):
    review = make_review(title="Old title")
    assert "Old title" in home(client)
    with writes():
        review.title = "New title"
        review.save()
    assert "New title" in home(client)


def test_unpublishing_hides_the_review_at_once(client, writes, caching):
    review = make_review(title="Soon gone")
    assert "Soon gone" in home(client)
    with writes():
        review.status = Review.Status.DRAFT
        review.save()
    assert "Soon gone" not in home(client)


def test_deleting_hides_the_review_at_once(client, writes, caching):
    review = make_review(title="Deleted review")
    assert "Deleted review" in home(client)
    with writes():
        review.delete()
    assert "Deleted review" not in home(client)


def test_scheduled_review_appears_when_its_time_comes_without_a_write(client, writes):
    soon = timezone.now() + timedelta(hours=1)
    with writes():  # the write that schedules it, an hour before
        make_review(title="Scheduled review", published_at=soon)
    assert "Scheduled review" not in home(client)
    assert cache_state(client.get(reverse("reviews:home"))) == "hit"
    later = soon + timedelta(minutes=1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        assert "Scheduled review" in home(client)


def test_approving_a_comment_shows_it_at_once(client, writes, moderator, caching):
    review = make_review()
    comment = make_comment(review, status=Comment.Status.PENDING, text="Held text")
    assert "Held text" not in client.get(review.get_absolute_url()).content.decode()
    with writes():
        Comment.objects.filter(pk=comment.pk).moderate(
            Comment.Status.APPROVED, moderator
        )
    assert "Held text" in client.get(review.get_absolute_url()).content.decode()


def test_a_new_comment_awaiting_moderation_keeps_the_cached_pages(client, writes):
    review = make_review()
    client.get(review.get_absolute_url())
    with writes():
        make_comment(review, status=Comment.Status.PENDING)
    assert cache_state(client.get(review.get_absolute_url())) == "hit"


@pytest.mark.parametrize("change", ["show", "episode", "author", "genre"])
def test_catalogue_edits_show_at_once(client, writes, change, caching):
    show = make_show(title="Show title")
    review = make_review(show=show, episode=make_episode(show, number=1, title="Ep"))
    url = review.get_absolute_url()
    client.get(url)
    with writes():
        if change == "show":
            show.title = "Renamed show"
            show.save()
        elif change == "episode":
            review.episode.title = "Renamed show"
            review.episode.save()
        elif change == "author":
            review.author.name = "Renamed show"
            review.author.save()
        else:
            genre = Genre.objects.create(name="Renamed show", slug="renamed")
            client.get(show.get_absolute_url())
            show.genres.add(genre)
            url = show.get_absolute_url()
    assert "Renamed show" in client.get(url).content.decode()


# Personal pages are never stored nor served from the cache.


def test_logged_in_staff_are_never_served_cached_pages(client, writer_client):
    review = make_review()
    client.get(review.get_absolute_url())
    response = writer_client.get(review.get_absolute_url())
    assert cache_state(response) is None
    assert "private" in response["Cache-Control"]


def test_commenter_with_a_pending_comment_sees_it_not_the_cached_page(client):
    review = make_review()
    from tests.comments.test_views import post

    client.get(review.get_absolute_url())  # cached for everyone
    response = post(client, review, text="My pending words")
    page = client.get(response["Location"])
    assert cache_state(page) is None
    assert "My pending words" in page.content.decode()
    from django.test import Client

    assert (
        "My pending words"
        not in Client().get(review.get_absolute_url()).content.decode()
    )


def test_draft_preview_is_never_stored(client, writer_client, writer):
    from reviews.models import Author

    draft = make_review(status="draft", author=Author.for_user(writer))
    writer_client.get(draft.get_absolute_url())
    preview = draft.get_preview_url()
    assert cache_state(client.get(preview)) is None
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_response_setting_a_cookie_is_not_stored(client, rf):
    from django.http import HttpResponse

    response = HttpResponse("x")
    response.set_cookie("csrftoken", "abc")
    assert not pagecache.PageCacheMiddleware.may_store(rf.get("/"), response)


def test_cached_page_has_no_csrf_token_and_sets_no_cookie(client):
    review = make_review()
    client.get(review.get_absolute_url())
    response = client.get(review.get_absolute_url())
    assert cache_state(response) == "hit"
    assert not response.cookies
    assert b"csrfmiddlewaretoken" not in response.content


def test_page_cache_can_be_turned_off(client, settings):
    settings.PAGE_CACHE_SECONDS = 0
    url = make_review().get_absolute_url()
    client.get(url)
    assert cache_state(client.get(url)) is None


def test_each_host_has_its_own_cached_pages(client, settings):
    settings.ALLOWED_HOSTS = ["testserver", "localhost"]
    url = make_review().get_absolute_url()
    client.get(url)
    response = client.get(url, HTTP_HOST="localhost")
    assert cache_state(response) == "miss"
    assert "http://localhost/" in response.content.decode()


def test_a_new_release_serves_nothing_the_code_before_it_rendered(client, settings):
    url = make_review().get_absolute_url()
    client.get(url)
    settings.RELEASE = "the-next-release"
    assert cache_state(client.get(url)) == "miss"


# Nobody fills the cache at will


def test_unknown_query_parameters_find_the_page_but_never_store_one(client):
    url = make_review().get_absolute_url()
    assert cache_state(client.get(url)) == "miss"
    with mock.patch.object(cache, "set", wraps=cache.set) as stored:
        for number in range(50):
            response = client.get(url, {"utm_source": f"flood-{number}"})
            assert cache_state(response) == "hit"
    keys = [call.args[0] for call in stored.call_args_list]
    assert [key for key in keys if key.startswith("pages:")] == []


def test_a_page_with_an_unknown_parameter_not_yet_cached_is_rendered_not_stored(
    client,
):
    url = make_review().get_absolute_url()
    assert cache_state(client.get(url, {"fbclid": "x"})) is None
    assert cache_state(client.get(url)) == "miss"


def test_known_parameters_in_any_order_are_one_page(client):
    make_review()
    url = reverse("reviews:review-list")
    assert cache_state(client.get(f"{url}?sort=oldest&page=1")) == "miss"
    assert cache_state(client.get(f"{url}?page=1&sort=oldest")) == "hit"


def test_one_client_stores_a_bounded_number_of_pages_a_minute(client, settings):
    settings.PAGE_CACHE_STORES_PER_MINUTE = 5
    url = reverse("reviews:search")
    answers = [
        cache_state(client.get(url, {"q": f"random-{number}"})) for number in range(8)
    ]
    assert answers == ["miss"] * 5 + [None] * 3
    other = client.get(url, {"q": "another reader"}, REMOTE_ADDR="203.0.113.9")
    assert cache_state(other) == "miss"


def test_every_field_of_the_review_filter_is_a_cached_parameter():
    from reviews.forms import ReviewFilterForm

    assert set(ReviewFilterForm.base_fields) <= pagecache.QUERY_PARAMETERS
