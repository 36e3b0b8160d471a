"""With debug off, errors reach the operator: on stderr with their traceback,
and by e-mail to DJANGO_ADMINS."""

import os
import subprocess
import sys

from django.conf import settings

# Run with production settings (debug off) in a process of its own, since
# logging is configured once per process.
SCRIPT = """
import django
django.setup()
from django.conf import settings
# No collectstatic here: the pages' static files unhashed, as in the tests.
settings.STORAGES = {**settings.STORAGES, "staticfiles": {
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
from unittest import mock
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.test.utils import setup_test_environment
setup_test_environment()
call_command("migrate", verbosity=0)
with mock.patch("reviews.views.HomeView.get", side_effect=RuntimeError("boom")):
    status = Client(raise_request_exception=False).get("/", secure=True).status_code
from reviews.notifications import review_submitted
review_submitted.enqueue(424242, 1, "https://reviews.example.com")
print("status", status, "mails", [m.subject for m in mail.outbox])
"""


def run_in_production(tmp_path, **environment):
    return subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=settings.BASE_DIR,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "reviewsite.settings",
            "DJANGO_DEBUG": "0",
            "DJANGO_ALLOWED_HOSTS": "testserver",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'logging.sqlite3'}",
            "REDIS_URL": "",
            "PYTHONWARNINGS": "ignore",
            **environment,
        },
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_a_500_is_logged_to_stderr_with_its_path_and_traceback(tmp_path):
    result = run_in_production(tmp_path)
    assert "status 500" in result.stdout, result.stderr
    assert "ERROR django.request: Internal Server Error: /" in result.stderr
    assert "RuntimeError: boom" in result.stderr


def test_a_failed_email_task_is_logged_with_its_traceback(tmp_path):
    result = run_in_production(tmp_path)
    assert "ERROR django.tasks: Task id=" in result.stderr, result.stderr
    assert "review_submitted state=FAILED" in result.stderr
    assert "Review.DoesNotExist" in result.stderr


def test_errors_are_mailed_to_the_admins_when_there_are_some(tmp_path):
    quiet = run_in_production(tmp_path)
    assert "mails []" in quiet.stdout
    told = run_in_production(tmp_path, DJANGO_ADMINS="ops@example.com")
    assert "[Django] ERROR" in told.stdout, told.stderr
