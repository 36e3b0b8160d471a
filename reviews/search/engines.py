"""The two search engines, one per database, behind one interface: each says
how to write rows to the index tables (made by migration 0009) and gives the SQL
that finds, counts and marks matches."""

from django.db import connection

from .text import MARK_START, MARK_STOP

REVIEW_TABLE = "reviews_search_review"
SHOW_TABLE = "reviews_search_show"
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
        """The matching rows found first (from the GIN index), then ranked: as
        one query, PostgreSQL scanned and matched every row in parallel,
        ranking as it went (61 ms against 15 for 957 matches of 20,000). The
        headings are the A-weighted lexemes. Ends in a WHERE that the caller
        may add conditions to (AND ...), like the other engine's."""
        key = self.KEYS[table]
        return (
            f"WITH found AS MATERIALIZED (SELECT {key}, document, query "
            f"FROM {table}, {self.query()} query WHERE document @@ query) "
            f"SELECT {key} AS id, "
            "CASE WHEN ts_filter(document, '{a}') @@ query THEN 0 ELSE 1 END AS tier, "
            "-ts_rank(document, query) AS score FROM found WHERE TRUE",
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


def engine():
    """The search engine of the database, None on one search does not support."""
    return ENGINES.get(connection.vendor)
