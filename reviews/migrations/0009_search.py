"""The search index (reviews.search): on SQLite an FTS5 virtual table per kind; on
PostgreSQL a table per kind with a generated, weighted tsvector and a GIN index (no
extension needed). It is derived data, not a model: reviews.search alone writes
and reads it."""

from django.db import migrations

from reviews.search import rebuild

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


def create_index(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor not in STATEMENTS:
        return
    for statement in STATEMENTS[connection.vendor]:
        schema_editor.execute(statement)
    rebuild(
        apps.get_model("reviews", "Review"),
        apps.get_model("reviews", "Show"),
        db=connection,
    )


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
