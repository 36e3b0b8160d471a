"""Every filter and ordering of the review list is served by an index: the
database never reads the whole reviews table for a page of the list."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reviews.feeds import LatestReviewsFeed
from reviews.forms import ReviewFilterForm
from reviews.models import Review
from reviews.views import PublishedReviewsMixin

pytestmark = pytest.mark.django_db

FILTERS = {
    "newest": {},
    "oldest": {"sort": "oldest"},
    "by score": {"sort": "score"},
    "show": {"show": "show-0"},
    "kind": {"kind": "episode"},
    "author": {"author": "author-0"},
    "verdict": {"verdict": "recommended"},
    "genre": {"genre": "science-fiction"},
    "season": {"season": "2024-winter"},
}


def plan(queryset):
    """The query plan of the list page's query, as text."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # With a few rows a sequential scan is cheapest; forbid it, so
            # only a missing index shows one.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN {sql}", params)
        else:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        return "\n".join(str(row) for row in cursor.fetchall())


def reads_the_whole_table(plan_text):
    table = Review._meta.db_table
    if connection.vendor == "postgresql":
        return f"Seq Scan on {table}" in plan_text
    return any(
        f"SCAN {table}" in line and "USING" not in line
        for line in plan_text.splitlines()
    )


@pytest.mark.parametrize("name", FILTERS)
def test_review_list_filter_uses_an_index(catalogue, name):
    form = ReviewFilterForm(FILTERS[name])
    queryset = form.filter(Review.objects.published().with_related())[:12]
    text = plan(queryset)
    assert not reads_the_whole_table(text), text


def sorts_every_row(plan_text):
    """A sort of every row read: PostgreSQL's Sort (not an Incremental Sort of
    rows read in the index's order), SQLite's temporary B-tree for ORDER BY
    (not for its right part)."""
    if connection.vendor == "postgresql":
        return re.search(r"(?<!Incremental )Sort  \(cost", plan_text) is not None
    return "USE TEMP B-TREE FOR ORDER BY" in plan_text


LATEST = {
    "cards": lambda: PublishedReviewsMixin().get_reviews(),
    "feed": lambda: LatestReviewsFeed().reviews(None),
}


@pytest.mark.parametrize("name", LATEST)
def test_latest_reviews_are_read_in_the_indexs_order(catalogue, name):
    if connection.vendor == "postgresql":
        # With a few rows, sorting them is cheapest; forbid it, so only an
        # order no index serves shows one.
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_sort = off")
    text = plan(LATEST[name]()[:5])
    assert not sorts_every_row(text), text


def sqlite_plan(sql):
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
        return "\n".join(str(row) for row in cursor.fetchall())


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's planner")
@pytest.mark.parametrize("page", ["home", "search"])
def test_cards_chosen_by_key_are_read_by_key(client, catalogue, page):
    """Beside the published condition, SQLite read "pk IN (...)" through the
    (status, published_at) index: every published review, for a page of cards."""
    url = reverse("reviews:home")
    if page == "search":
        url = f"{reverse('reviews:search')}?q=good"  # every review says it
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    by_key = [
        query["sql"]
        for query in queries
        if query["sql"].startswith('SELECT "reviews_review"."id"')
        and '"reviews_review"."id" IN (' in query["sql"]
    ]
    assert by_key
    for sql in by_key:
        text = sqlite_plan(sql)
        assert "SEARCH reviews_review USING INTEGER PRIMARY KEY" in text, text
