"""
`python -m bench.follow_mail`: what following a show costs when a review of it is
published to many followers. Fills a database of its own (bench-follow.sqlite3,
made anew each run, or DATABASE_URL) with one show followed by BENCH_FOLLOWERS
confirmed addresses, times the editor's publish request (the admin's "publish"
action, debug off), then runs the task worker (`manage.py db_worker --batch`, as
in production) against a local SMTP sink (aiosmtpd on 127.0.0.1) and reports the
mails per second it sent. Never part of the test suite.

Environment:
    BENCH_FOLLOWERS    confirmed followers of the show (default 10000)
    BENCH_WORKERS      worker processes run at once (default 1)
    DATABASE_URL       the database (default: sqlite:///bench-follow.sqlite3 at the
                       repository's root, removed first); give it one of its own
"""

import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from bench.server import use_production_settings

ROOT = Path(__file__).resolve().parent.parent
FOLLOWERS = int(os.environ.get("BENCH_FOLLOWERS", "10000"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "1"))


class Sink:
    """Counts the messages it is given, and whether any came twice."""

    def __init__(self):
        self.count = 0
        self.recipients = set()
        self.duplicates = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.count += 1
            for address in envelope.rcpt_tos:
                if address in self.recipients:
                    self.duplicates += 1
                self.recipients.add(address)
        return "250 Message accepted"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def main():
    from aiosmtpd.controller import Controller

    database = os.environ.get("DATABASE_URL")
    if not database:
        path = ROOT / "bench-follow.sqlite3"
        for stale in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            stale.unlink(missing_ok=True)
        database = f"sqlite:///{path}"
    sink = Sink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    use_production_settings(
        "follow-mail",
        DATABASE_URL=database,
        DJANGO_EMAIL_HOST="127.0.0.1",
        DJANGO_EMAIL_PORT=str(port),
        DJANGO_EMAIL_USE_TLS="0",
        DJANGO_TASKS_IMMEDIATE="0",
    )
    os.environ["DJANGO_ALLOWED_HOSTS"] = "127.0.0.1,testserver"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    try:
        publish_seconds, queries, review = publish()
        print(
            f"Publish request with {FOLLOWERS:,} followers: "
            f"{publish_seconds * 1000:.0f} ms, {queries} queries"
        )
        started = time.perf_counter()
        workers = [
            subprocess.Popen(
                [
                    sys.executable,
                    "manage.py",
                    "db_worker",
                    "--batch",
                    "--no-startup-delay",
                ],
                cwd=ROOT,
                env=os.environ,
            )
            for _ in range(WORKERS)
        ]
        for worker in workers:
            worker.wait()
        seconds = time.perf_counter() - started
    finally:
        controller.stop()
    from following.models import Delivery

    states = dict(
        Delivery.objects.filter(review=review)
        .values_list("state")
        .annotate(n=django.db.models.Count("pk"))
    )
    print(
        f"Worker ({WORKERS} process{'es' if WORKERS > 1 else ''}): {sink.count:,} "
        f"mails in {seconds:.1f} s = {sink.count / seconds:.0f} mails/s "
        f"(duplicates: {sink.duplicates}; deliveries: {states})"
    )


def publish():
    """Fill the database, then time the editor publishing a review of the show:
    (seconds, queries, the review)."""
    from django.contrib.auth.models import Group, User
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django.utils import timezone

    from following.models import Follow, Follower
    from reviews.models import Author, Review, Show

    editor = User.objects.create_user("bench-editor", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))
    author = Author.objects.create(user=editor, name="Bench", slug="bench")
    show = Show.objects.create(title="Followed", slug="followed")
    other = Show.objects.create(title="Unfollowed", slug="unfollowed")
    Follower.objects.bulk_create(
        Follower(email=f"reader{n}@example.com") for n in range(FOLLOWERS)
    )
    an_hour_ago = timezone.now() - timezone.timedelta(hours=1)
    Follow.objects.bulk_create(
        Follow(follower=follower, show=show, confirmed=an_hour_ago)
        for follower in Follower.objects.all()
    )
    drafts = [
        Review.objects.create(
            author=author,
            show=subject,
            kind=Review.Kind.SEASON,
            title=f"A review of {subject.title}",
            summary="What we thought.",
            body="A **spoiler-free** body. " * 40,
            status=Review.Status.DRAFT,
        )
        for subject in (other, show)
    ]
    client = Client()
    client.force_login(editor, backend="django.contrib.auth.backends.ModelBackend")
    url = reverse("admin:reviews_review_changelist")

    def publish_one(review):
        data = {"action": "make_published", "_selected_action": [review.pk]}
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.post(url, data)
            seconds = time.perf_counter() - started
        assert response.status_code == 302, response.status_code
        return seconds, len(queries)

    publish_one(drafts[0])  # warms up: the admin's first request
    seconds, queries = publish_one(drafts[1])
    return seconds, queries, drafts[1]


if __name__ == "__main__":
    main()
