"""Varnish in front of gunicorn, with the shipped VCL (deploy/varnish): what a
write changes is purged from it at once, and what is personal is never kept.

Needs varnishd with varnish-modules (xkey), PostgreSQL and Redis (the second
run of .ci/run, which installs Varnish); skipped otherwise, and REQUIRE_VARNISH=1
turns the skip into a failure.
"""

import os
import re
import shutil
import subprocess
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.conf import global_settings
from django.db import connection

from comments.models import Comment
from tests.factories import (
    make_author,
    make_comment,
    make_review,
    make_user,
    restore_groups,
)
from tests.test_scaleout import AppServer, _unavailable, free_port

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parent.parent
VCL = ROOT / "deploy" / "varnish" / "default.vcl"
PASSWORD = "a long password"


def _varnish_missing():
    if not shutil.which("varnishd") and not Path("/usr/sbin/varnishd").exists():
        return "varnishd not found (apt-get install varnish varnish-modules)"
    return _unavailable()


@pytest.fixture(autouse=True)
def shared_services(settings):
    reason = _varnish_missing()
    if reason:
        if os.environ.get("REQUIRE_VARNISH") == "1":
            pytest.fail(f"the Varnish test is required but {reason}")
        pytest.skip(f"Varnish test skipped: {reason}")
    restore_groups()
    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS


class Varnish:
    """varnishd in the foreground with the shipped VCL, readers on ``port`` and
    purges on ``purge_port``, in front of the app server on ``backend_port``."""

    def __init__(self, port, purge_port, backend_port):
        self.port = port
        self.url = f"http://127.0.0.1:{self.port}"
        self.folder = tempfile.mkdtemp(prefix="varnish-")
        # varnishd reads the VCL as its own user, after dropping root's rights.
        os.chmod(self.folder, 0o755)
        vcl = Path(self.folder) / "default.vcl"
        vcl.write_text(
            VCL.read_text().replace('.port = "8000"', f'.port = "{backend_port}"')
        )
        varnishd = shutil.which("varnishd") or "/usr/sbin/varnishd"
        self.process = subprocess.Popen(
            [
                varnishd, "-F", "-f", str(vcl), "-n", self.folder,
                "-a", f"127.0.0.1:{self.port}",
                "-a", f"purge=127.0.0.1:{purge_port}", "-s", "malloc,64m",
                "-p", "thread_pools=1",
            ],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.url + "/robots.txt", timeout=1)
                return
            except urllib.error.HTTPError:
                return
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError("varnishd exited") from None
                time.sleep(0.2)
        raise RuntimeError("varnishd did not answer")

    def get(self, path, cookie=None):
        """(X-Front-Cache, page) of an anonymous reader's GET (or with ``cookie``)."""
        request = urllib.request.Request(
            self.url + path, headers={"Cookie": cookie} if cookie else {}
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.headers.get("X-Front-Cache"), response.read().decode()

    def post(self, path, data):
        """A form posted through Varnish, not following the redirect: (status,
        its headers, its body)."""
        body = urllib.parse.urlencode(data).encode()
        request = urllib.request.Request(self.url + path, body)
        opener = urllib.request.build_opener(NoRedirect)
        try:
            with opener.open(request, timeout=10) as response:
                return response.status, response.headers, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read().decode()

    def stop(self):
        self.process.terminate()
        self.process.wait(10)
        shutil.rmtree(self.folder, ignore_errors=True)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.fixture
def app():
    database = connection.settings_dict
    ports = free_port(), free_port()
    environment = {
        **os.environ,
        "DATABASE_URL": (
            f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}:"
            f"{database['PORT'] or 5432}/{database['NAME']}"
        ),
        "REDIS_URL": os.environ["REDIS_URL"],
        "DJANGO_DEBUG": "1",
        "DJANGO_PAGE_CACHE_SECONDS": "600",
        "DJANGO_FRONT_CACHES": f"http://127.0.0.1:{ports[1]}",
        # The comment form is sent at once by these tests.
        "COMMENTS_MIN_SECONDS": "0",
    }
    server = AppServer(environment)
    yield server, ports
    server.stop()


@pytest.fixture
def varnish(app):
    server, (port, purge_port) = app
    front = Varnish(port, purge_port, server.port)
    yield front
    front.stop()


def warm(front, path):
    front.get(path)
    state, _ = front.get(path)
    assert state == "hit", f"{path} was not stored by Varnish"


def test_a_published_review_shows_through_varnish_within_a_second(app, varnish):
    server, _ = app
    editor = make_user("front-editor", groups=["Editors"], password=PASSWORD)
    draft = make_review(
        title="Published behind Varnish",
        status="draft",
        author=make_author(user=editor),
    )
    warm(varnish, "/")
    server.log_in("front-editor", PASSWORD)
    result = server.post_form(
        "/admin/reviews/review/",
        {"action": "make_published", "_selected_action": [draft.pk], "index": 0},
    )
    assert "now published" in result
    published = time.monotonic()
    while time.monotonic() - published < 1:
        if "Published behind Varnish" in varnish.get("/")[1]:
            break
        time.sleep(0.05)
    else:
        pytest.fail("the published review was not on the home page within 1 s")


def test_an_approved_comment_refreshes_its_review_and_not_another(app, varnish):
    server, _ = app
    make_user("front-moderator", groups=["Moderators"], password=PASSWORD)
    review, other = make_review(), make_review()
    comment = make_comment(review, status=Comment.Status.PENDING, text="Now approved")
    warm(varnish, review.get_absolute_url())
    warm(varnish, other.get_absolute_url())

    server.log_in("front-moderator", PASSWORD)
    server.post_form(
        "/admin/comments/comment/",
        {"action": "approve", "_selected_action": [comment.pk], "index": 0},
    )
    state, page = varnish.get(review.get_absolute_url())
    assert (state, "Now approved" in page) == ("miss", True)
    assert varnish.get(other.get_absolute_url())[0] == "hit"


def test_a_pending_comment_is_never_stored(varnish):
    review = make_review()
    page = review.get_absolute_url()
    warm(varnish, page)
    token = re.search(r'name="token" value="([^"]+)"', varnish.get(page)[1])[1]
    status, headers, _ = varnish.post(
        f"{page}comments/",
        {"name": "Aki", "email": "aki@example.com", "text": "Awaiting a moderator",
         "token": token, "reply_to": "", "homepage": ""},
    )  # fmt: skip
    assert status == 302
    assert Comment.objects.get().is_pending()
    cookies = "; ".join(
        cookie.split(";")[0] for cookie in headers.get_all("Set-Cookie") or []
    )
    state, own_page = varnish.get(page, cookie=cookies)
    assert state == "pass" and "Awaiting a moderator" in own_page
    assert "Awaiting a moderator" not in varnish.get(page)[1]


def test_a_staff_page_is_never_stored(app, varnish):
    server, _ = app
    make_user("front-staff", groups=["Editors"], password=PASSWORD)
    server.log_in("front-staff", PASSWORD)
    (jar,) = (
        handler.cookiejar
        for handler in server.opener.handlers
        if isinstance(handler, urllib.request.HTTPCookieProcessor)
    )
    session = next(f"sessionid={c.value}" for c in jar if c.name == "sessionid")
    assert varnish.get("/", cookie=session)[0] == "pass"
    state, page = varnish.get("/admin/", cookie=session)
    assert state == "pass" and "Log out" in page
    # A reader without the session gets the login page, not the staff's.
    assert "Log out" not in varnish.get("/admin/")[1]


def test_a_page_with_a_form_error_is_never_stored(varnish):
    review = make_review()
    page = review.get_absolute_url()
    status, _, refused = varnish.post(
        f"{page}comments/", {"name": "Aki", "email": "not an address", "text": ""}
    )
    assert status in (200, 400) and "Your comment was not posted" in refused
    assert "Your comment was not posted" not in varnish.get(page)[1]


def test_each_reader_of_a_stored_review_page_gets_a_token_of_their_fetch(varnish):
    review = make_review()
    page = review.get_absolute_url()
    warm(varnish, page)
    time.sleep(1.2)  # longer than Varnish keeps a token
    state, html = varnish.get(page)
    assert state == "hit" and "<esi:include" not in html
    token = re.search(r'name="token" value="(\d+):(\d+\.\d{3}):', html)
    assert int(token[1]) == review.pk
    assert time.time() - float(token[2]) < 1.1


def test_readers_cannot_purge(varnish):
    request = urllib.request.Request(
        varnish.url + "/", method="PURGE", headers={"xkey-purge": "all"}
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=5)
    assert refused.value.code == 403


def test_a_page_with_an_unknown_query_parameter_is_not_stored(varnish):
    review = make_review()
    page = review.get_absolute_url()
    warm(varnish, page)
    varnish.get(page + "?utm_source=x")
    assert varnish.get(page + "?utm_source=x")[0] == "pass"
