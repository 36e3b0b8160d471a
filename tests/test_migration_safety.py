"""Every new migration is safe for a rolling deploy (the previous release keeps
serving while it runs): django-migration-linter on PostgreSQL (.ci/run's
second run), refusing a NOT NULL column without a database default, a dropped
or renamed column or table, an index built without CONCURRENTLY, and the like.
Only there: rolling deploys are a PostgreSQL setup, and on SQLite every altered
table is rebuilt, which the linter reads as new NOT NULL columns."""

import pytest
from django.conf import settings
from django.db import connection
from django_migration_linter import MigrationLinter

# Deployed before the linter, and kept as they are: 0008 adds a NOT NULL column
# without a database default, 0010 builds indexes without CONCURRENTLY, and
# several add NOT NULL columns. New migrations use db_default and, on
# PostgreSQL, AddIndexConcurrently.
DEPLOYED = [
    "0001_initial",
    "0002_groups",
    "0003_comment",
    "0004_comment_permissions",
    "0005_workflow",
    "0006_guest_writers",
    "0007_cover_dimensions",
    "0008_spoiler_free_body",
    "0009_search",
    "0010_list_filter_indexes",
    "0011_comment_moved_to_comments",
    "0012_rough_drafts",
    "0013_introduction",
    "0014_screenplay_role",
    "0015_writers_fix_catalogue_rows",
    "0016_sign_off_per_review",
    "0017_help_texts",
]


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="rolling deploys run on PostgreSQL"
)
@pytest.mark.django_db
def test_new_migrations_are_safe_for_a_rolling_deploy():
    linter = MigrationLinter(
        str(settings.BASE_DIR),
        include_apps=["reviews", "comments", "ratings", "following"],
        ignore_name=DEPLOYED,
        no_cache=True,
        analyser_string="postgresql",
    )
    linter.lint_all_migrations()
    assert linter.nb_erroneous == 0, "see the linter's report above"
    assert linter.nb_valid + linter.nb_warnings >= 3  # 0018, 0019, 0020 at least
