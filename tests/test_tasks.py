"""E-mails go through the task worker: kept in the database by the request,
sent by `manage.py db_worker`; a mail server that fails costs the worker a
try, never the message."""

import smtplib
from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from reviews.mail import deliver, retry_delivery
from reviews.models import Review
from tests.conftest import logged_in, staff_author
from tests.test_workflow import add

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def worker_backend(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.MAIL_RETRY_MINUTES = [1, 10]


def run_worker():
    """The worker, until no task is due (a test's transaction holds the
    connection, so the worker's reconnecting between tasks is left out)."""
    with mock.patch(
        "django_tasks_db.management.commands.db_worker.close_old_connections"
    ):
        call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)


def test_a_request_keeps_the_mail_for_the_worker_and_sends_none(
    editor, django_capture_on_commit_callbacks
):
    editor.email = "editor@example.com"
    editor.save()
    guest = staff_author("guest", "Guest writers")
    with django_capture_on_commit_callbacks(execute=True):
        add(logged_in(guest), status=Review.Status.SUBMITTED, title="Queued")
    assert mail.outbox == []
    (task,) = DBTaskResult.objects.all()
    assert task.task_path == "reviews.notifications.review_submitted"

    run_worker()

    (message,) = mail.outbox
    assert message.subject == "Submitted for review: “Queued”"
    task.refresh_from_db()
    assert task.status == "SUCCESSFUL"


def test_a_failing_mail_server_keeps_the_message_for_a_later_try(caplog):
    with mock.patch(
        "reviews.mail.send_mail", side_effect=smtplib.SMTPServerDisconnected("gone")
    ):
        deliver("Held comment", "The text.", ["mod@example.com"])
    (retry,) = DBTaskResult.objects.all()
    assert retry.task_path == "reviews.mail.retry_delivery"
    assert retry.args_kwargs["args"] == [
        "Held comment",
        "The text.",
        ["mod@example.com"],
        2,
    ]
    assert retry.run_after > timezone.now() + timedelta(seconds=50)
    assert "not sent (try 1); trying again in 1 min" in caplog.text

    DBTaskResult.objects.update(run_after=timezone.now())
    run_worker()
    (message,) = mail.outbox
    assert message.body == "The text."


def test_after_the_last_try_the_task_fails_with_its_traceback_kept():
    with mock.patch("reviews.mail.send_mail", side_effect=OSError("refused")):
        deliver("Held comment", "The text.", ["mod@example.com"], attempt=2)
        DBTaskResult.objects.update(run_after=timezone.now())
        run_worker()
    (failed,) = DBTaskResult.objects.filter(status="FAILED")
    assert "OSError: refused" in failed.traceback


def test_a_failed_task_is_listed_in_the_admin_for_whoever_runs_the_site(client):
    from tests.factories import make_user

    with mock.patch("reviews.mail.send_mail", side_effect=OSError("refused")):
        retry_delivery.enqueue("Held comment", "The text.", ["mod@example.com"], 3)
        run_worker()  # the last try
    root = make_user("root", is_superuser=True)
    client.force_login(root)
    listing = client.get(
        "/admin/django_tasks_database/dbtaskresult/", {"status__exact": "FAILED"}
    )
    assert "retry_delivery" in listing.content.decode()
