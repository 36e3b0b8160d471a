"""A writer saving in the admin while readers post comments, on a real SQLite
file with a connection per thread (what `make run` and a small site use):
every admin save must land and no request may fail with "database is locked".

Run by tests/test_sqlite_contention.py in its own process, since the test
database is an in-memory one:
    DATABASE_URL=sqlite:////tmp/x.sqlite3 python -m tests.contention
Prints one line of figures; exits 1 if anything was lost."""

import os
import sys
import threading
from collections import Counter

import django

ROUNDS = 15
COMMENTERS = 4


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reviewsite.settings")
    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    from reviews.models import Review
    from tests.comments.test_views import comment_data
    from tests.conftest import staff_author
    from tests.factories import make_review
    from tests.test_workflow import edit

    setup_test_environment()  # the locmem mail outbox, hosts allowed
    call_command("migrate", verbosity=0)
    writer = staff_author("contention-writer", "Writers")
    review = make_review(author=writer.author, status=Review.Status.PUBLISHED)
    commented = make_review(status=Review.Status.PUBLISHED)
    connection.close()

    answers = Counter()
    failures = []
    done = threading.Event()

    def comment(number):
        client = Client()
        posted = 0
        while not done.is_set():
            posted += 1
            try:
                response = client.post(
                    f"/reviews/{commented.slug}/comments/",
                    comment_data(commented, text=f"Comment {number}.{posted}"),
                    REMOTE_ADDR=f"10.{number}.{posted // 250}.{posted % 250}",
                )
                answers[response.status_code] += 1
            except Exception as error:
                failures.append(f"comment: {error!r}")
        connection.close()

    readers = [threading.Thread(target=comment, args=(n,)) for n in range(COMMENTERS)]
    for reader in readers:
        reader.start()
    saved = 0
    client = Client()
    client.force_login(writer)
    try:
        for round in range(ROUNDS):
            review.refresh_from_db()
            try:
                response = edit(
                    client, review, body=f"Save {round} while comments post."
                )
                if response.status_code == 302:
                    saved += 1
                else:
                    failures.append(f"admin save {round}: {response.status_code}")
            except Exception as error:
                failures.append(f"admin save {round}: {error!r}")
    finally:
        done.set()
        for reader in readers:
            reader.join()
    review.refresh_from_db()
    print(
        f"admin saves {saved}/{ROUNDS}, comment answers {dict(answers)}, "
        f"failures {len(failures)}"
    )
    for failure in failures[:5]:
        print(failure)
    last_save_kept = review.body == f"Save {ROUNDS - 1} while comments post."
    kept = saved == ROUNDS and last_save_kept
    return 0 if kept and not failures and not answers[500] else 1


if __name__ == "__main__":
    sys.exit(main())
