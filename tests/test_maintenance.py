"""After a bulk load, what autovacuum would do in time is done at once."""

import pytest
from django.db import connection

from reviews.maintenance import after_bulk_load
from tests.factories import make_review

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's VACUUM"
)


def table_stats(cursor, table):
    cursor.execute(
        "SELECT vacuum_count, analyze_count FROM pg_stat_user_tables "
        "WHERE relname = %s",
        [table],
    )
    return cursor.fetchone()


@pytest.mark.django_db(transaction=True)
def test_a_bulk_load_is_vacuumed_and_analyzed_with_the_timeout_kept():
    make_review()
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        timeout = cursor.fetchone()[0]
        vacuums, analyzes = table_stats(cursor, "reviews_review")
        after_bulk_load()
        assert table_stats(cursor, "reviews_review") == (vacuums + 1, analyzes + 1)
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == timeout


@pytest.mark.django_db
def test_inside_a_transaction_a_bulk_load_is_analyzed():
    make_review()
    after_bulk_load()  # VACUUM would raise in a transaction block
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltuples FROM pg_class WHERE relname = 'reviews_review'"
        )
        assert cursor.fetchone()[0] == 1
