"""The Redis cache client with a circuit breaker: after a call to Redis fails
(down, or hung past the socket timeout), this process skips Redis for
REDIS_BREAK_SECONDS, so a request pays at most one timeout instead of one per
cache call (a hung Redis made a review page take 1.95 s). Every skipped call is
a miss, as django-redis's IGNORE_EXCEPTIONS makes a failed one."""

import logging
import time

from django.conf import settings
from django_redis.client import DefaultClient
from django_redis.client.default import _main_exceptions
from django_redis.exceptions import ConnectionInterrupted

logger = logging.getLogger(__name__)

# When each Redis (by address) may be tried again; per process, shared by its
# threads.
_closed_until = {}


class CircuitOpen(ConnectionError):
    """Redis is being skipped after a failure."""


class BreakerClient(DefaultClient):
    """django-redis's client, skipping Redis for a while after a failure."""

    def run(self, call):
        """call(redis_client)'s value: raw commands or a script (the page
        cache's), failing and skipped like every other call."""
        client = self.get_client(write=True)
        try:
            return call(client)
        except _main_exceptions as error:
            raise ConnectionInterrupted(connection=client) from error


def _guarded(method):
    def call(self, *args, **kwargs):
        server = str(self._server)
        if time.monotonic() < _closed_until.get(server, 0):
            raise ConnectionInterrupted(connection=None) from CircuitOpen(server)
        try:
            return method(self, *args, **kwargs)
        except ConnectionInterrupted:
            seconds = settings.REDIS_BREAK_SECONDS
            _closed_until[server] = time.monotonic() + seconds
            logger.warning("Redis failed: skipping it for %s s", seconds)
            raise

    call.__name__ = method.__name__
    call.__doc__ = method.__doc__
    return call


# Every call the cache API makes.
for _name in (
    "add", "get", "set", "delete", "get_many", "set_many", "delete_many",
    "incr", "decr", "has_key", "touch", "expire", "ttl", "clear", "run",
):  # fmt: skip
    setattr(BreakerClient, _name, _guarded(getattr(BreakerClient, _name)))


class SkippedCalls(logging.Filter):
    """Keeps django-redis's log of ignored errors to real ones: a call skipped
    while the circuit is open is not logged again (the opening was)."""

    def filter(self, record):
        error = record.exc_info[1] if record.exc_info else None
        return not isinstance(getattr(error, "__cause__", None), CircuitOpen)
