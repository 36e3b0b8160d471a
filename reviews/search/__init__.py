"""
Site search: published reviews and shows, ranked, with highlighted snippets.

One interface over two engines, chosen by the database: PostgreSQL's full-text
search (a table with a weighted, generated ``tsvector`` and a GIN index) and SQLite's
FTS5 (a virtual table). Both tables are created by migration 0009 and hold one row
per review and per show, kept in sync by the signal receivers in ``receivers``;
``manage.py rebuild_search_index`` rebuilds them.

The package: ``text`` (folding, query words, snippets), ``engines`` (the SQL of
each database), ``index`` (what is indexed, writing, rebuilding), ``receivers``
(keeping it in sync), ``query`` (searching). The page is reviews.views.SearchView.

What is indexed for a review: its title, summary, the show's titles, the author's
name and the body *without spoilers* (``body_spoiler_free_html``); never the recap,
the body or their HTML, so hidden text can neither be found nor shown. Drafts and
scheduled reviews are indexed too: ``Review.objects.published()`` is applied at query
time, so a scheduled review turns up by itself when its time comes.

Case and accents: text is folded in Python (see ``fold()``) before it is indexed and
before it is searched, so "métallic" finds "Metallic" and the other way round on both
databases, with no database extension. Folding keeps one character for one, so the
highlighted folded text the database returns maps back onto the original text.
"""

from .engines import REVIEW_TABLE, SHOW_TABLE, TABLES, engine
from .index import index_reviews, index_shows, rebuild
from .query import ReviewResults, search_shows
from .text import (
    MARK_START,
    MARK_STOP,
    MAX_QUERY_LENGTH,
    SNIPPET_LENGTH,
    clean_query,
    fold,
    highlight,
)

__all__ = [
    "MARK_START",
    "MARK_STOP",
    "MAX_QUERY_LENGTH",
    "REVIEW_TABLE",
    "SHOW_TABLE",
    "SNIPPET_LENGTH",
    "TABLES",
    "ReviewResults",
    "clean_query",
    "engine",
    "fold",
    "highlight",
    "index_reviews",
    "index_shows",
    "rebuild",
    "search_shows",
]
