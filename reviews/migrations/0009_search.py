"""The search index (reviews.search): on SQLite an FTS5 virtual table per kind; on
PostgreSQL a table per kind with a generated, weighted tsvector and a GIN index (no
extension needed). It is derived data, not a model: reviews.search alone writes
and reads it.

What the index holds of the reviews and shows already there is frozen below, as
reviews.search wrote it when this migration was written, so that later changes to
the package never change what this migration does (``manage.py
rebuild_search_index`` rewrites the index with the code of the day)."""

import html
import re
import unicodedata

from django.db import migrations
from django.utils.html import strip_tags

SQLITE = [
    """CREATE VIRTUAL TABLE reviews_search_review USING fts5(
        title, show_titles, summary, author, body,
        tokenize = 'porter unicode61 remove_diacritics 2'
    )""",
    """CREATE VIRTUAL TABLE reviews_search_show USING fts5(
        title, alt_titles, synopsis,
        tokenize = 'porter unicode61 remove_diacritics 2'
    )""",
]

POSTGRESQL = [
    """CREATE TABLE reviews_search_review (
        review_id bigint PRIMARY KEY,
        title text NOT NULL,
        show_titles text NOT NULL,
        summary text NOT NULL,
        author text NOT NULL,
        body text NOT NULL,
        document tsvector GENERATED ALWAYS AS (
            setweight(to_tsvector('english'::regconfig, title), 'A')
            || setweight(to_tsvector('english'::regconfig, show_titles), 'A')
            || setweight(to_tsvector('english'::regconfig, summary), 'B')
            || setweight(to_tsvector('english'::regconfig, author), 'B')
            || setweight(to_tsvector('english'::regconfig, body), 'C')
        ) STORED
    )""",
    """CREATE INDEX reviews_search_review_document
        ON reviews_search_review USING gin (document)""",
    """CREATE TABLE reviews_search_show (
        show_id bigint PRIMARY KEY,
        title text NOT NULL,
        alt_titles text NOT NULL,
        synopsis text NOT NULL,
        document tsvector GENERATED ALWAYS AS (
            setweight(to_tsvector('english'::regconfig, title), 'A')
            || setweight(to_tsvector('english'::regconfig, alt_titles), 'A')
            || setweight(to_tsvector('english'::regconfig, synopsis), 'C')
        ) STORED
    )""",
    """CREATE INDEX reviews_search_show_document
        ON reviews_search_show USING gin (document)""",
]

STATEMENTS = {"sqlite": SQLITE, "postgresql": POSTGRESQL}
# The key column of each table, by database.
KEYS = {
    "sqlite": {"reviews_search_review": "rowid", "reviews_search_show": "rowid"},
    "postgresql": {
        "reviews_search_review": "review_id",
        "reviews_search_show": "show_id",
    },
}
COLUMNS = {
    "reviews_search_review": ["title", "show_titles", "summary", "author", "body"],
    "reviews_search_show": ["title", "alt_titles", "synopsis"],
}

SPOILER_HIDDEN = '<em class="spoiler-hidden">[spoiler hidden]</em>'
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
LATIN_DIACRITICS = re.compile("[\u0300-\u036f]")
BLANKED = {"\ue000", "\ue001", "<", ">"}


def fold_character(char):
    if CONTROL_CHARACTERS.match(char) or char in BLANKED:
        return " "
    base = unicodedata.normalize("NFKD", char)
    base = unicodedata.normalize("NFC", LATIN_DIACRITICS.sub("", base))
    folded = base.lower() if len(base) == 1 else char.lower()
    return folded if len(folded) == 1 else char


def fold(text):
    return "".join(map(fold_character, text))


def body_text(fragment):
    text = html.unescape(strip_tags(fragment.replace(SPOILER_HIDDEN, " ")))
    return " ".join(text.split())


def documents(apps):
    Review = apps.get_model("reviews", "Review")
    Show = apps.get_model("reviews", "Show")
    for review in Review.objects.select_related("show", "author").iterator():
        show = review.show
        yield "reviews_search_review", [
            review.pk,
            fold(review.title),
            fold(" ".join([show.title, show.title_english, show.title_japanese])),
            fold(review.summary),
            fold(review.author.name),
            fold(body_text(review.body_spoiler_free_html)),
        ]
    for show in Show.objects.iterator():
        yield "reviews_search_show", [
            show.pk,
            fold(show.title),
            fold(" ".join([show.title_english, show.title_japanese])),
            fold(show.synopsis),
        ]


def create_index(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor not in STATEMENTS:
        return
    for statement in STATEMENTS[connection.vendor]:
        schema_editor.execute(statement)
    write_documents(apps, connection)


def write_documents(apps, connection):
    keys = KEYS[connection.vendor]
    with connection.cursor() as cursor:
        for table, row in documents(apps):
            columns = ", ".join([keys[table], *COLUMNS[table]])
            values = ", ".join(["%s"] * len(row))
            cursor.execute(f"INSERT INTO {table} ({columns}) VALUES ({values})", row)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor in STATEMENTS:
        for table in ["reviews_search_review", "reviews_search_show"]:
            schema_editor.execute(f"DROP TABLE IF EXISTS {table}")


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0008_spoiler_free_body"),
    ]

    operations = [
        migrations.RunPython(create_index, drop_index),
    ]
