"""Purging the front caches (reviews.frontcache): each Varnish named in
FRONT_CACHES is asked to drop the changed tags; one that is down is left to a
retry by the worker, and never fails the write."""

import http.server
import threading

import pytest
from django_tasks_db.models import DBTaskResult

from reviews import frontcache
from tests.test_scaleout import free_port

pytestmark = pytest.mark.django_db


class Recorder(http.server.BaseHTTPRequestHandler):
    """A stand-in Varnish that answers PURGE with ``status``."""

    status = 200
    received = []

    def do_PURGE(self):  # noqa: N802 (the HTTP method's name)
        Recorder.received.append((self.path, self.headers["xkey-purge"]))
        self.send_response(Recorder.status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def fake_varnish():
    Recorder.received, Recorder.status = [], 200
    server = http.server.HTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def worker_backend(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_the_changed_tags_are_purged_from_each_front_cache(settings, fake_varnish):
    settings.FRONT_CACHES = [fake_varnish, fake_varnish]
    frontcache.purge({"review:3", "reviews"})
    assert Recorder.received == [("/", "review:3 reviews")] * 2


def test_nothing_is_sent_without_front_caches(settings, fake_varnish):
    settings.FRONT_CACHES = []
    frontcache.tags_bumped(sender=None, tags={"review:3"})
    assert Recorder.received == []


def test_a_down_front_cache_is_left_to_a_retry(settings, worker_backend, caplog):
    settings.FRONT_CACHES = [f"http://127.0.0.1:{free_port()}"]
    frontcache.purge({"review:3"})  # does not raise
    (retry,) = DBTaskResult.objects.all()
    assert retry.task_path == "reviews.frontcache.purge_later"
    assert retry.args_kwargs["args"] == [["review:3"], settings.FRONT_CACHES, 1]
    assert "not purged" in caplog.text


def test_a_refusing_front_cache_is_left_to_a_retry(
    settings, worker_backend, fake_varnish
):
    settings.FRONT_CACHES = [fake_varnish]
    Recorder.status = 403
    frontcache.purge({"show:1"})
    assert DBTaskResult.objects.count() == 1


def test_only_the_caches_that_failed_are_tried_again(
    settings, worker_backend, fake_varnish
):
    down = f"http://127.0.0.1:{free_port()}"
    settings.FRONT_CACHES = [fake_varnish, down]
    frontcache.purge({"show:1"})
    assert DBTaskResult.objects.get().args_kwargs["args"][1] == [down]


def test_after_the_last_retry_it_gives_up(settings, worker_backend, caplog):
    settings.FRONT_CACHE_RETRY_SECONDS = [5]
    settings.FRONT_CACHES = [f"http://127.0.0.1:{free_port()}"]
    frontcache.purge({"show:1"}, attempt=1)
    assert DBTaskResult.objects.count() == 0
    assert "giving up" in caplog.text
