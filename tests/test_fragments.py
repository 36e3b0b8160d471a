"""The fragment cache: parts of pages kept until the tags of what they show
change, for every reader, staff and commenters included. A page built from
fragments is the page rendered in full; what is personal stays fresh. (The
write paths that make fragments fresh are tested with the page cache's, in
tests/test_pagecache.py and tests/test_cache_tags.py.)"""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reviews.models import Review
from tests.factories import make_review
from tests.test_views import PAGES, page_urls

pytestmark = pytest.mark.django_db


@pytest.fixture
def fragments(settings):
    settings.FRAGMENT_CACHE_SECONDS = 600


def page(client, url):
    """The page's HTML, without the comment form's token (new on every visit)."""
    response = client.get(url)
    assert response.status_code == 200
    return re.sub(r'name="token" value="[^"]*"', "", response.content.decode())


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    return len(captured)


@pytest.mark.parametrize("name", PAGES)
def test_page_from_fragments_is_the_page_rendered_in_full(
    client, catalogue, settings, name
):
    catalogue.add_reviews(5)
    catalogue.add_comments(5)
    url = page_urls(catalogue)[name]
    rendered = page(client, url)
    settings.FRAGMENT_CACHE_SECONDS = 600
    page(client, url)  # stores the fragments
    assert page(client, url) == rendered


def test_review_page_from_fragments_skips_their_queries(client, catalogue, fragments):
    catalogue.add_reviews(5)
    url = catalogue.reviews[0].get_absolute_url()
    first = queries(client, url)
    # The review, its comments, more reviews, previous and next, the author's
    # scores, the show's studios and staff: all in fragments.
    assert queries(client, url) == 0 < first


def test_show_page_from_fragments_reads_only_the_show_and_its_reviews(
    client, catalogue, fragments
):
    catalogue.add_reviews(5)
    url = catalogue.shows[0].get_absolute_url()
    first = queries(client, url)
    # Its studios, genres, staff, songs, episodes and chart are in fragments;
    # the show (the page's key) and the page of reviews below them are not.
    assert queries(client, url) == 2 < first


def test_staff_are_served_fragments_too(writer_client, catalogue, fragments):
    catalogue.add_reviews(5)
    url = reverse("reviews:review-list")
    first = queries(writer_client, url)
    assert queries(writer_client, url) < first


def test_list_count_follows_publication(
    client, catalogue, fragments, django_capture_on_commit_callbacks
):
    url = reverse("reviews:review-list")
    assert f"{len(catalogue.reviews)} reviews" in page(client, url)
    with django_capture_on_commit_callbacks(execute=True):
        make_review(show=catalogue.shows[0], author=catalogue.authors[0])
    assert f"{len(catalogue.reviews) + 1} reviews" in page(client, url)


def test_each_filter_keeps_its_own_form(client, catalogue, fragments):
    catalogue.add_reviews(5)
    url = reverse("reviews:review-list")
    for show in catalogue.shows[:2]:
        html = page(client, f"{url}?show={show.slug}")
        assert f'<option value="{show.slug}" selected>' in html


def test_commenter_sees_their_pending_comment_beside_cached_fragments(
    client, catalogue, fragments
):
    from tests.comments.test_views import post

    catalogue.add_reviews(1)
    review = Review.objects.get(pk=catalogue.reviews[0].pk)
    page(client, review.get_absolute_url())  # stores the fragments
    response = post(client, review, text="My words, awaiting a moderator")
    assert "My words, awaiting a moderator" in page(client, response["Location"])


def test_a_refused_comment_leaves_the_review_pages_own_urls(client, fragments):
    from tests.comments.test_views import post

    review = make_review()
    comments_path = reverse("comments:post", args=[review.slug])
    refused = post(client, review, text="")  # re-displays the review, with errors
    assert refused.status_code == 200
    html = page(client, review.get_absolute_url())
    assert f"http://testserver{comments_path}" not in html  # og:url, breadcrumbs
    assert f'content="http://testserver{review.get_absolute_url()}"' in html


@pytest.mark.parametrize("name", ["reviews:feed-rss", "reviews:feed-atom"])
def test_feed_from_fragments_runs_no_query(client, catalogue, fragments, name):
    catalogue.add_reviews(5)
    url = reverse(name)
    first = queries(client, url)
    assert queries(client, url) == 0 < first


def test_feed_from_fragments_follows_publication(
    client, catalogue, fragments, django_capture_on_commit_callbacks
):
    url = reverse("reviews:feed-rss")
    first = client.get(url)
    with django_capture_on_commit_callbacks(execute=True):
        make_review(title="Published after the feed was kept")
    again = client.get(url)
    assert "Published after the feed was kept" in again.content.decode()
    assert again["Content-Type"] == first["Content-Type"]


def test_search_from_fragments_runs_no_query(client, catalogue, fragments):
    catalogue.add_reviews(5)
    word = catalogue.shows[0].title.split()[0]
    url = f"{reverse('reviews:search')}?q={word}"
    first = queries(client, url)
    assert queries(client, url) == 0 < first


def test_search_from_fragments_finds_a_review_published_since(
    client, fragments, django_capture_on_commit_callbacks
):
    make_review(title="Lantern festival recap")
    url = f"{reverse('reviews:search')}?q=lantern"
    assert "Lantern parade" not in page(client, url)  # and kept
    with django_capture_on_commit_callbacks(execute=True):
        make_review(title="Lantern parade impressions")
    assert "Lantern parade impressions" in page(client, url)
