"""Searching: the published reviews matching a query, ranked, a page at a time
with their snippets, and the matching shows. Each answer is kept in the fragment
cache until what it shows changes (reviews.pagecache.remember: a write to any
published review or to the catalogue), for the requests the page cache does
not serve."""

import hashlib

from django.db import connection
from django.db.models.expressions import RawSQL

from ..models import Review, Show
from ..pagecache import remember
from .engines import RANKING, REVIEW_TABLE, SHOW_TABLE, engine
from .text import body_text, highlight, query_terms


class ReviewResults:
    """The published reviews matching a query, best first, for a Paginator:
    count() runs one query, a slice two, whatever the number of results. A slice
    gives the reviews as the cards need them, each with its ``search_snippet``."""

    ordered = True

    def __init__(self, query):
        self.terms = query_terms(query)
        self.engine = engine() if self.terms else None
        self._count = None
        self.name = remembered_name(self.terms)

    def _published(self, sql, params):
        """Restrict the index's ``sql`` to published reviews: the one publishing
        rule, Review.objects.published(), applied at query time."""
        published, published_params = (
            Review.objects.published().order_by().values("pk").query.sql_with_params()
        )
        key = self.engine.restricting_key(REVIEW_TABLE)
        return f"{sql} AND {key} IN ({published})", [*params, *published_params]

    def count(self):
        if self._count is None:
            self._count = 0
            if self.engine:
                self._count = remember(f"search-count:{self.name}", self._read_count)
        return self._count

    def _read_count(self):
        sql, params = self._published(*self.engine.count(REVIEW_TABLE, self.terms))
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()[0]

    def __len__(self):
        return self.count()

    def __getitem__(self, page):
        if not isinstance(page, slice):
            raise TypeError("Search results are read a page (a slice) at a time.")
        offset = page.start or 0
        if not self.engine or page.stop is None or page.stop <= offset:
            return []
        return remember(
            f"search-page:{self.name}:{offset}:{page.stop}",
            lambda: self._read_page(offset, page.stop),
        )

    def _read_page(self, offset, stop):
        sql, params = self._published(*self.engine.matches(REVIEW_TABLE, self.terms))
        with connection.cursor() as cursor:
            cursor.execute(
                f"{sql} {RANKING} LIMIT %s OFFSET %s",
                [*params, stop - offset, offset],
            )
            ids = [row[0] for row in cursor.fetchall()]
        if not ids:
            return []
        outer_pk = f"{connection.ops.quote_name(Review._meta.db_table)}.id"
        marked_body = RawSQL(*self.engine.marked_body(self.terms, outer_pk))
        # By key alone: with the published condition beside "pk IN (...)",
        # SQLite read them through the (status, published_at) index, every
        # published review.
        reviews = (
            Review.objects.with_related().annotate(marked_body=marked_body).in_bulk(ids)
        )
        results = []
        for pk in ids:
            # A review unpublished since the ids were read is left out.
            if (review := reviews.get(pk)) and review.is_published():
                review.search_snippet = highlight(
                    body_text(review.body_spoiler_free_html), review.marked_body
                )
                results.append(review)
        return results


def remembered_name(terms):
    """A query's words as a cache key's part, of a bounded length."""
    words = " ".join(terms).encode()
    return hashlib.md5(words, usedforsecurity=False).hexdigest()


def search_shows(query, limit=8):
    """The shows matching a query, best first, in one query."""
    terms = query_terms(query)
    search = engine() if terms else None
    if search is None:
        return []
    return remember(
        f"search-shows:{remembered_name(terms)}:{limit}",
        lambda: _read_shows(search, terms, limit),
    )


def _read_shows(search, terms, limit):
    sql, params = search.matches(SHOW_TABLE, terms)
    shows = connection.ops.quote_name(Show._meta.db_table)
    return list(
        Show.objects.raw(
            f"SELECT {shows}.* FROM ({sql} {RANKING} LIMIT %s) ranked "
            f"JOIN {shows} ON {shows}.id = ranked.id "
            "ORDER BY ranked.tier, ranked.score, ranked.id DESC",
            [*params, limit],
        )
    )
