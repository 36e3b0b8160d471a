"""Keeping the index: what is indexed of a review and of a show (always folded
text, never a spoiler), writing it in batches, and rebuilding it whole."""

from itertools import batched

from django.db import connection

from ..models import Review, Show
from .engines import REVIEW_TABLE, SHOW_TABLE, TABLES, engine
from .text import body_text, fold


def review_document(review):
    show = review.show
    titles = [show.title, *show.alternate_titles] if show else []
    return [
        fold(review.title),
        fold(" ".join(titles)),
        fold(review.summary),
        fold(review.author.name),
        fold(body_text(review.body_spoiler_free_html)),
    ]


def show_document(show):
    return [
        fold(show.title),
        fold(" ".join(show.alternate_titles)),
        fold(show.synopsis),
    ]


def _write(table, rows):
    """Write (pk, *columns) rows in batches; returns how many."""
    count = 0
    if search := engine():
        with connection.cursor() as cursor:
            for batch in batched(rows, 500):
                search.write(cursor, table, batch)
                count += len(batch)
    return count


def index_reviews(reviews):
    """(Re)index reviews, which need their show and author (select_related)."""
    return _write(
        REVIEW_TABLE, ([review.pk, *review_document(review)] for review in reviews)
    )


def index_shows(shows):
    return _write(SHOW_TABLE, ([show.pk, *show_document(show)] for show in shows))


def unindex(table, pk):
    if search := engine():
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {table} WHERE {search.key(table)} = %s", [pk])


def update_reviews_of(column, value, reviews):
    """Set one column of the documents of ``reviews`` (a queryset) in one UPDATE:
    a show's titles or an author's name changed."""
    if search := engine():
        sql, params = reviews.order_by().values("pk").query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {REVIEW_TABLE} SET {column} = %s "
                f"WHERE {search.key(REVIEW_TABLE)} IN ({sql})",
                [value, *params],
            )


def rebuild():
    """Index every review and show afresh; returns how many of each."""
    if engine() is None:
        return 0, 0
    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"DELETE FROM {table}")
    reviews = Review.objects.select_related("show", "author").order_by("pk")
    shows = Show.objects.order_by("pk")
    return (
        index_reviews(reviews.iterator(chunk_size=500)),
        index_shows(shows.iterator(chunk_size=500)),
    )
