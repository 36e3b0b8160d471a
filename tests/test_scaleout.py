"""Two app servers against one PostgreSQL and one Redis: what is published or
approved through one is on the other's cached pages at once.

Needs PostgreSQL and Redis (the second run of .ci/run); skipped otherwise, and
REQUIRE_SCALEOUT=1 turns the skip into a failure.
"""

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.conf import global_settings, settings
from django.db import connection

from comments.models import Comment
from tests.factories import (
    make_author,
    make_comment,
    make_review,
    make_user,
    restore_groups,
)

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parent.parent


def _unavailable():
    if connection.vendor != "postgresql":
        return "needs PostgreSQL (DATABASE_URL)"
    if "django_redis" not in settings.CACHES["default"]["BACKEND"]:
        return "needs Redis (REDIS_URL)"
    return None


@pytest.fixture(autouse=True)
def shared_services(settings):
    reason = _unavailable()
    if reason:
        if os.environ.get("REQUIRE_SCALEOUT") == "1":
            pytest.fail(f"the scale-out test is required but {reason}")
        pytest.skip(f"scale-out test skipped: {reason}")
    restore_groups()
    # Passwords the app servers can check (the suite uses a fast test hasher).
    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class AppServer:
    """A gunicorn server of this project, with its own browser-like cookie jar."""

    def __init__(self, environment):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [
                sys.executable, "-m", "gunicorn",
                "--bind", f"127.0.0.1:{self.port}",
                "--workers", "2",
                "--access-logfile", "/dev/null",
            ],
            cwd=ROOT,
            env=environment,
        )  # fmt: skip
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        self.wait_until_up()

    def wait_until_up(self):
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.url + "/robots.txt", timeout=1)
                return
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError("gunicorn exited") from None
                time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer on {self.url}")

    def get(self, path):
        with self.opener.open(self.url + path, timeout=10) as response:
            return response.headers.get("X-Page-Cache"), response.read().decode()

    def post_form(self, path, data):
        """A form the way a browser sends it, CSRF token included."""
        _, page = self.get(path)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": token}, True)
        request = urllib.request.Request(
            self.url + path, body.encode(), headers={"Referer": self.url + path}
        )
        with self.opener.open(request, timeout=10) as response:
            return response.read().decode()

    def log_in(self, username, password):
        page = self.post_form(
            "/admin/login/?next=/admin/", {"username": username, "password": password}
        )
        assert "Log out" in page, "could not log in"

    def stop(self):
        self.process.terminate()
        self.process.wait(10)


@pytest.fixture
def servers():
    database = connection.settings_dict
    environment = {
        **os.environ,
        "DATABASE_URL": (
            f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}:"
            f"{database['PORT'] or 5432}/{database['NAME']}"
        ),
        "REDIS_URL": os.environ["REDIS_URL"],
        # Debug only spares a collectstatic; the page cache is on either way.
        "DJANGO_DEBUG": "1",
        "DJANGO_PAGE_CACHE_SECONDS": "600",
    }
    started = [AppServer(environment), AppServer(environment)]
    yield started
    for server in started:
        server.stop()


def test_a_review_published_through_one_server_is_on_the_others_cached_pages(
    servers,
):
    first, second = servers
    editor = make_user("scale-editor", groups=["Editors"], password="a long password")
    draft = make_review(
        title="Published through the first server",
        status="draft",
        author=make_author(user=editor),
    )
    for server in servers:
        server.get("/")
    assert second.get("/")[0] == "hit"  # the second server serves its cached page

    first.log_in("scale-editor", "a long password")
    result = first.post_form(
        "/admin/reviews/review/",
        {"action": "make_published", "_selected_action": [draft.pk], "index": 0},
    )
    assert "now published" in result
    state, page = second.get("/")
    assert state == "miss"
    assert "Published through the first server" in page


def test_a_comment_approved_through_one_server_appears_on_the_other(servers):
    first, second = servers
    make_user("scale-moderator", groups=["Moderators"], password="a long password")
    review = make_review()
    comment = make_comment(
        review, status=Comment.Status.PENDING, text="Approved on the first server"
    )
    url = review.get_absolute_url()
    assert "Approved on the first server" not in second.get(url)[1]
    assert second.get(url)[0] == "hit"

    first.log_in("scale-moderator", "a long password")
    first.post_form(
        "/admin/comments/comment/",
        {"action": "approve", "_selected_action": [comment.pk], "index": 0},
    )
    assert "Approved on the first server" in second.get(url)[1]
