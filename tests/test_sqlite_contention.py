"""SQLite under a writer and commenters at once (tests/contention.py): WAL, a
busy timeout and IMMEDIATE transactions, so no admin save is lost to
"database is locked"."""

import os
import subprocess
import sys

from django.conf import settings


def test_admin_saves_land_while_comments_post(tmp_path):
    environment = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'contention.sqlite3'}",
        "REDIS_URL": "",
        "PYTHONWARNINGS": "ignore",
    }
    result = subprocess.run(
        [sys.executable, "-m", "tests.contention"],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "admin saves 15/15" in result.stdout


def test_the_sqlite_file_is_in_wal_mode_with_immediate_writes(tmp_path):
    code = (
        "import django; django.setup(); from django.db import connection;"
        "cursor = connection.cursor(); cursor.execute('PRAGMA journal_mode');"
        "print(cursor.fetchone()[0], connection.transaction_mode)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "reviewsite.settings",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'wal.sqlite3'}",
        },
        capture_output=True,
        text=True,
    )
    assert result.stdout.split() == ["wal", "IMMEDIATE"], result.stderr
