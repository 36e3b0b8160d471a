"""Purging the front caches (Varnish, deploy/varnish/default.vcl) named in
FRONT_CACHES: after a write commits, the tags it changed (reviews.pagecache)
are purged from each, so what Varnish keeps is as fresh as Django's own cache.

Each Varnish is asked at once, with a short timeout (FRONT_CACHE_TIMEOUT): a
publish is visible through it within a second. One that is down or refuses is
asked again by a task (the worker's) after each of FRONT_CACHE_RETRY_SECONDS;
a down Varnish never fails a write. And every purge is made once more after
FRONT_CACHE_REPURGE_SECONDS: a page Varnish was fetching while the write
committed may have been rendered before it, and stored after the purge."""

import http.client
import logging
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.tasks import task, task_backends
from django.utils import timezone

logger = logging.getLogger(__name__)


def purge_one(base_url, tags):
    """Ask one Varnish to drop every object carrying one of ``tags``; raises
    OSError (or HTTPException) when it cannot be reached or refuses."""
    url = urlsplit(base_url)
    secure = url.scheme == "https"
    kind = http.client.HTTPSConnection if secure else http.client.HTTPConnection
    connection = kind(
        url.hostname,
        url.port or (443 if secure else 80),
        timeout=settings.FRONT_CACHE_TIMEOUT,
    )
    try:
        connection.request("PURGE", "/", headers={"xkey-purge": " ".join(tags)})
        response = connection.getresponse()
        response.read()
    finally:
        connection.close()
    if response.status != 200:
        raise http.client.HTTPException(
            f"{base_url} answered {response.status} {response.reason}"
        )


def purge(tags, caches=None, attempt=0):
    """Purge ``tags`` from ``caches`` (all of FRONT_CACHES by default); those
    that fail are left to purge_later. Never raises."""
    tags = sorted(tags)
    if not tags:
        return
    failed = []
    for base_url in settings.FRONT_CACHES if caches is None else caches:
        try:
            purge_one(base_url, tags)
        except (OSError, http.client.HTTPException):
            logger.warning("Front cache %s not purged", base_url, exc_info=True)
            failed.append(base_url)
    delays = settings.FRONT_CACHE_RETRY_SECONDS
    if failed and attempt < len(delays):
        later(delays[attempt], tags, failed, attempt + 1)
    elif failed:
        logger.error("Front caches %s not purged of %s: giving up", failed, tags)


def later(seconds, tags, caches, attempt):
    """purge_later in ``seconds``, where the task backend can wait (the
    worker's can; the tests' immediate one cannot, and is not used)."""
    if not task_backends["default"].supports_defer:
        return
    when = timezone.now() + timedelta(seconds=seconds)
    try:
        purge_later.using(run_after=when).enqueue(tags, caches, attempt)
    except Exception:  # the write is committed: never a 500 for this
        logger.exception("Front cache purge of %s not queued", tags)


@task
def purge_later(tags, caches, attempt):
    purge(tags, caches, attempt)


def tags_bumped(sender, tags, **kwargs):
    """reviews.pagecache's tags_bumped signal (sent after commit): purge now,
    and once more in a moment for pages rendered before the write."""
    if settings.FRONT_CACHES:
        purge(tags)
        later(settings.FRONT_CACHE_REPURGE_SECONDS, sorted(tags), None, 0)
