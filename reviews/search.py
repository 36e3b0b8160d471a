"""
Site search: published reviews and shows, ranked, with highlighted snippets.

One interface over two engines, chosen by the database: PostgreSQL's full-text
search (a table with a weighted, generated ``tsvector`` and a GIN index) and SQLite's
FTS5 (a virtual table). Both tables are created by migration 0009 and hold one row
per review and per show, kept in sync by the signal receivers at the end of this
module; ``manage.py rebuild_search_index`` rebuilds them.

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

import html
import re
import unicodedata
from itertools import batched

from django.db import connection
from django.db.models.expressions import RawSQL
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils.html import escape, strip_tags
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.views.generic import ListView

from .markdown import SPOILER_HIDDEN
from .models import Author, Review, Show

REVIEW_TABLE = "reviews_search_review"
SHOW_TABLE = "reviews_search_show"
# Longer queries are cut: nobody types more, and it bounds the work per request.
MAX_QUERY_LENGTH = 200
MAX_TERMS = 12
# Private-use characters the databases put around matches; fold() turns any in
# the text itself into spaces, so they only ever mean a match.
MARK_START, MARK_STOP = "\ue000", "\ue001"
# Besides those: angle brackets, which PostgreSQL's parser would read as tags
# (skipping what is between <script> and </script>, say) in text that is plain.
BLANKED = {MARK_START, MARK_STOP, "<", ">"}
SNIPPET_LENGTH = 240

REVIEW_COLUMNS = ["title", "show_titles", "summary", "author", "body"]
TABLES = {
    REVIEW_TABLE: REVIEW_COLUMNS,
    SHOW_TABLE: ["title", "alt_titles", "synopsis"],
}
# Matches in these columns rank first: a review titled (or about a show titled)
# what was searched comes before one that mentions it in passing.
HEADINGS = {
    REVIEW_TABLE: ["title", "show_titles"],
    SHOW_TABLE: ["title", "alt_titles"],
}

CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
LATIN_DIACRITICS = re.compile("[\u0300-\u036f]")
WORD = re.compile(r"[^\W_]+")


class _FoldTable(dict):
    """str.translate() table for fold(), filled in as characters are met."""

    def __missing__(self, code):
        char = chr(code)
        if CONTROL_CHARACTERS.match(char) or char in BLANKED:
            folded = " "
        else:
            base = unicodedata.normalize("NFKD", char)
            base = unicodedata.normalize("NFC", LATIN_DIACRITICS.sub("", base))
            folded = base.lower() if len(base) == 1 else char.lower()
            if len(folded) != 1:
                folded = char
        self[code] = folded
        return folded


_FOLD_TABLE = _FoldTable()


def fold(text):
    """Text as it is indexed and searched: lower case, without Latin accents,
    compatibility forms unified (full-width letters), control characters and
    BLANKED as spaces; always one character for one, so positions carry over."""
    return text.translate(_FOLD_TABLE)


def body_text(html_fragment):
    """The plain text of the spoiler-free body, without the spoiler notes."""
    text = html.unescape(strip_tags(html_fragment.replace(SPOILER_HIDDEN, " ")))
    return " ".join(text.split())


def clean_query(text):
    """The query as shown and searched: no control characters, single spaces,
    at most MAX_QUERY_LENGTH characters."""
    text = CONTROL_CHARACTERS.sub(" ", text[: MAX_QUERY_LENGTH * 4])
    return " ".join(text.split())[:MAX_QUERY_LENGTH].strip()


def query_terms(query):
    """The words of a query, folded: everything else (quotes, operators, column
    filters, punctuation, emoji) is dropped, so no query is ever a syntax error."""
    return WORD.findall(fold(query))[:MAX_TERMS]


def review_document(review):
    show = review.show
    return [
        fold(review.title),
        fold(" ".join([show.title, show.title_english, show.title_japanese])),
        fold(review.summary),
        fold(review.author.name),
        fold(body_text(review.body_spoiler_free_html)),
    ]


def show_document(show):
    return [
        fold(show.title),
        fold(" ".join([show.title_english, show.title_japanese])),
        fold(show.synopsis),
    ]


class SQLiteEngine:
    """FTS5. Terms are quoted, so FTS5's own syntax never reaches it; bm25() ranks,
    weighted by column, and highlight() marks the matches."""

    # bm25() weights, in the order of the table's columns.
    WEIGHTS = {REVIEW_TABLE: (10.0, 10.0, 4.0, 4.0, 1.0), SHOW_TABLE: (10.0, 8.0, 1.0)}

    def key(self, table):
        return "rowid"

    def restricting_key(self, table):
        """The key in a condition that must only filter the matches: ``+rowid``,
        because FTS5 given ``rowid IN (...)`` runs the MATCH once per listed row
        (13 s instead of 30 ms for a common word in 20,000 reviews)."""
        return "+rowid"

    def match(self, terms):
        return " ".join(f'"{term}"' for term in terms)

    def write(self, cursor, table, rows):
        cursor.executemany(
            f"DELETE FROM {table} WHERE rowid = %s", [[row[0]] for row in rows]
        )
        cursor.executemany(
            f"INSERT INTO {table} (rowid, {', '.join(TABLES[table])}) "
            f"VALUES (%s{', %s' * len(TABLES[table])})",
            rows,
        )

    def matches(self, table, terms):
        """SQL for the matching rows: their id, tier (0 when every term is in the
        headings) and score (lower is better), and its parameters."""
        match = self.match(terms)
        headings = f"{{{' '.join(HEADINGS[table])}}} : ({match})"
        weights = ", ".join(map(str, self.WEIGHTS[table]))
        return (
            f"SELECT rowid AS id, "
            f"rowid NOT IN (SELECT rowid FROM {table} WHERE {table} MATCH %s) AS tier, "
            f"bm25({table}, {weights}) AS score FROM {table} WHERE {table} MATCH %s",
            [headings, match],
        )

    def count(self, table, terms):
        return (
            f"SELECT count(*) FROM {table} WHERE {table} MATCH %s",
            [self.match(terms)],
        )

    def marked_body(self, terms, outer_pk):
        return (
            f"SELECT highlight({REVIEW_TABLE}, {REVIEW_COLUMNS.index('body')}, %s, %s) "
            f"FROM {REVIEW_TABLE} WHERE {REVIEW_TABLE} MATCH %s AND rowid = {outer_pk}",
            [MARK_START, MARK_STOP, self.match(terms)],
        )


class PostgreSQLEngine:
    """Full-text search on a table per kind: the folded text in columns and a
    generated ``document`` tsvector weighted A (headings) to C (body), with a GIN
    index. plainto_tsquery() takes any text; ts_rank() ranks, ts_headline() marks."""

    CONFIG = "english"
    KEYS = {REVIEW_TABLE: "review_id", SHOW_TABLE: "show_id"}

    def key(self, table):
        return self.KEYS[table]

    restricting_key = key

    def query(self):
        return f"plainto_tsquery('{self.CONFIG}', %s)"

    def write(self, cursor, table, rows):
        key, columns = self.KEYS[table], TABLES[table]
        updates = ", ".join(f"{column} = EXCLUDED.{column}" for column in columns)
        cursor.executemany(
            f"INSERT INTO {table} ({key}, {', '.join(columns)}) "
            f"VALUES (%s{', %s' * len(columns)}) "
            f"ON CONFLICT ({key}) DO UPDATE SET {updates}",
            rows,
        )

    def matches(self, table, terms):
        # The headings are the A-weighted lexemes.
        return (
            f"SELECT {self.KEYS[table]} AS id, "
            "CASE WHEN ts_filter(document, '{a}') @@ query THEN 0 ELSE 1 END AS tier, "
            f"-ts_rank(document, query) AS score FROM {table}, {self.query()} query "
            "WHERE document @@ query",
            [" ".join(terms)],
        )

    def count(self, table, terms):
        return (
            f"SELECT count(*) FROM {table} WHERE document @@ {self.query()}",
            [" ".join(terms)],
        )

    def marked_body(self, terms, outer_pk):
        return (
            f"SELECT ts_headline('{self.CONFIG}', body, {self.query()}, %s) "
            f"FROM {REVIEW_TABLE} WHERE review_id = {outer_pk}",
            [
                " ".join(terms),
                f"HighlightAll=true, StartSel={MARK_START}, StopSel={MARK_STOP}",
            ],
        )


ENGINES = {"sqlite": SQLiteEngine(), "postgresql": PostgreSQLEngine()}
# Best first; tier and score are what every engine's matches() gives.
RANKING = "ORDER BY tier, score, id DESC"


def engine(db=None):
    """The search engine of the database, None on one search does not support."""
    return ENGINES.get((db or connection).vendor)


# The index


def _write(table, rows, db=None):
    """Write (pk, *columns) rows in batches; returns how many."""
    count = 0
    if search := engine(db):
        with (db or connection).cursor() as cursor:
            for batch in batched(rows, 500):
                search.write(cursor, table, batch)
                count += len(batch)
    return count


def index_reviews(reviews, db=None):
    """(Re)index reviews, which need their show and author (select_related)."""
    return _write(
        REVIEW_TABLE, ([review.pk, *review_document(review)] for review in reviews), db
    )


def index_shows(shows, db=None):
    return _write(SHOW_TABLE, ([show.pk, *show_document(show)] for show in shows), db)


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


def rebuild(Review=Review, Show=Show, db=None):
    """Index every review and show afresh; returns how many of each. Migrations
    pass their historical models and connection."""
    if engine(db) is None:
        return 0, 0
    with (db or connection).cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"DELETE FROM {table}")
    reviews = Review.objects.select_related("show", "author").order_by("pk")
    shows = Show.objects.order_by("pk")
    return (
        index_reviews(reviews.iterator(chunk_size=500), db),
        index_shows(shows.iterator(chunk_size=500), db),
    )


# Searching


def _read_marks(marked):
    """The text without the database's sentinels, and the (start, end) of each
    match in it."""
    text, spans, position = [], [], 0
    for part in re.split(f"([{MARK_START}{MARK_STOP}])", marked):
        if part == MARK_START:
            opened = position
        elif part == MARK_STOP:
            spans.append((opened, position))
        else:
            text.append(part)
            position += len(part)
    return "".join(text), spans


def highlight(text, marked):
    """An excerpt of ``text`` around its first match, HTML-escaped, each match in
    <mark>; ``marked`` is fold(text) with the database's sentinels around matches.
    Empty when nothing matched, or when the index is out of date with the text."""
    folded, spans = _read_marks(marked or "")
    if not spans or folded != fold(text):
        return ""
    first_start, first_end = spans[0]
    start = max(0, first_start - SNIPPET_LENGTH // 3)
    if start:
        space = text.find(" ", start, first_start)
        start = space + 1 if space >= 0 else start
    end = min(len(text), max(start + SNIPPET_LENGTH, first_end))
    if end < len(text):
        space = text.rfind(" ", first_end, end)
        end = space if space > first_end else end
    parts = ["…" if start else ""]
    position = start
    for span_start, span_end in spans:
        if span_end > end:
            break
        parts += [
            escape(text[position:span_start]),
            "<mark>",
            escape(text[span_start:span_end]),
            "</mark>",
        ]
        position = span_end
    parts += [escape(text[position:end]), "…" if end < len(text) else ""]
    return mark_safe("".join(parts))


class ReviewResults:
    """The published reviews matching a query, best first, for a Paginator:
    count() runs one query, a slice two, whatever the number of results. A slice
    gives the reviews as the cards need them, each with its ``search_snippet``."""

    ordered = True

    def __init__(self, query):
        self.terms = query_terms(query)
        self.engine = engine() if self.terms else None
        self._count = None

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
                sql, params = self._published(
                    *self.engine.count(REVIEW_TABLE, self.terms)
                )
                with connection.cursor() as cursor:
                    cursor.execute(sql, params)
                    self._count = cursor.fetchone()[0]
        return self._count

    def __len__(self):
        return self.count()

    def __getitem__(self, page):
        if not isinstance(page, slice):
            raise TypeError("Search results are read a page (a slice) at a time.")
        offset = page.start or 0
        if not self.engine or page.stop is None or page.stop <= offset:
            return []
        sql, params = self._published(*self.engine.matches(REVIEW_TABLE, self.terms))
        with connection.cursor() as cursor:
            cursor.execute(
                f"{sql} {RANKING} LIMIT %s OFFSET %s",
                [*params, page.stop - offset, offset],
            )
            ids = [row[0] for row in cursor.fetchall()]
        if not ids:
            return []
        outer_pk = f"{connection.ops.quote_name(Review._meta.db_table)}.id"
        marked_body = RawSQL(*self.engine.marked_body(self.terms, outer_pk))
        reviews = (
            Review.objects.published()
            .with_related()
            .with_comment_count()
            .annotate(marked_body=marked_body)
            .in_bulk(ids)
        )
        results = []
        for pk in ids:
            # A review unpublished since the ids were read is left out.
            if review := reviews.get(pk):
                review.search_snippet = highlight(
                    body_text(review.body_spoiler_free_html), review.marked_body
                )
                results.append(review)
        return results


def search_shows(query, limit=8):
    """The shows matching a query, best first, in one query."""
    terms = query_terms(query)
    search = engine() if terms else None
    if search is None:
        return []
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


class SearchView(ListView):
    """/search/?q=: reviews (paginated cards with snippets) and, on the first
    page, the shows that match."""

    template_name = "reviews/search.html"
    context_object_name = "reviews"
    paginate_by = 12

    def get_queryset(self):
        self.query = clean_query(self.request.GET.get("q", ""))
        return ReviewResults(self.query)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        first_page = context["page_obj"].number == 1
        return {
            **context,
            "query": self.query,
            "query_string": urlencode({"q": self.query}),
            "shows": search_shows(self.query) if self.query and first_page else [],
        }


# Keeping the index in sync. Saves that change no indexed field are skipped;
# fixtures (raw saves) are indexed by rebuild_search_index.

SHOW_FIELDS = {"title", "title_english", "title_japanese", "synopsis"}


def _indexed_fields_changed(fields, update_fields):
    return update_fields is None or not fields.isdisjoint(update_fields)


@receiver(post_save, sender=Review, dispatch_uid="search-review-saved")
def review_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        index_reviews([instance])


@receiver(post_delete, sender=Review, dispatch_uid="search-review-deleted")
def review_deleted(sender, instance, **kwargs):
    unindex(REVIEW_TABLE, instance.pk)


@receiver(post_save, sender=Show, dispatch_uid="search-show-saved")
def show_saved(sender, instance, created, raw=False, update_fields=None, **kwargs):
    if raw or not _indexed_fields_changed(SHOW_FIELDS, update_fields):
        return
    index_shows([instance])
    if not created:
        titles = [instance.title, instance.title_english, instance.title_japanese]
        update_reviews_of(
            "show_titles", fold(" ".join(titles)), Review.objects.filter(show=instance)
        )


@receiver(post_delete, sender=Show, dispatch_uid="search-show-deleted")
def show_deleted(sender, instance, **kwargs):
    unindex(SHOW_TABLE, instance.pk)


@receiver(post_save, sender=Author, dispatch_uid="search-author-saved")
def author_saved(sender, instance, created, raw=False, update_fields=None, **kwargs):
    if created or raw or not _indexed_fields_changed({"name"}, update_fields):
        return
    update_reviews_of(
        "author", fold(instance.name), Review.objects.filter(author=instance)
    )
