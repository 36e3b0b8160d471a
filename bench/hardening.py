"""Two figures of the hardening issue, measured in one process with the
project's settings and the demo data (`make run` makes it):

- the review page under a hung Redis (a socket that accepts and never answers),
  with the circuit breaker (reviews.cache) and without it;
- what 1,000 requests with random query strings add to the page cache, and what
  1,000 random searches from one address add (reviews.pagecache).

    .venv/bin/python -m bench.hardening   # needs Redis on 127.0.0.1:6379 (db 5)

Wall-clock times of one process: compare them with each other, not with other
machines."""

import os
import random
import socket
import statistics
import time

REVIEW = "/reviews/metallic-rouge-episode-1-review/"


def timed(client, url, times=20):
    seconds = []
    for _ in range(times):
        started = time.monotonic()
        assert client.get(url).status_code == 200
        seconds.append(time.monotonic() - started)
    return seconds[0], statistics.median(seconds[1:])


def hung_redis():
    from copy import deepcopy

    from django.conf import settings
    from django.test import Client, override_settings

    from reviews import cache as breaker

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(512)
    location = f"redis://127.0.0.1:{listener.getsockname()[1]}/0"
    for label, client_class in [
        ("with the breaker", "reviews.cache.BreakerClient"),
        ("without it", "django_redis.client.DefaultClient"),
    ]:
        hung = deepcopy(settings.CACHES)
        for alias in hung.values():
            alias["LOCATION"] = location
            alias["OPTIONS"]["CLIENT_CLASS"] = client_class
        breaker._closed_until.clear()
        with override_settings(CACHES=hung):  # Django makes the caches anew
            first, median = timed(Client(), REVIEW)
        print(f"hung Redis, {label}: first {first:.2f} s, then median {median:.3f} s")
    listener.close()


def cache_flood():
    import redis
    from django.test import Client

    store = redis.Redis.from_url(os.environ["REDIS_URL"])
    store.flushdb()
    client = Client()
    client.get(REVIEW)
    for label, request in [
        ("random ?utm=", lambda: client.get(REVIEW, {"utm": random.random()})),
        ("random searches", lambda: client.get("/search/", {"q": random.random()})),
    ]:
        keys, memory = store.dbsize(), store.info("memory")["used_memory"]
        for _ in range(1000):
            request()
        added = store.dbsize() - keys
        grown = (store.info("memory")["used_memory"] - memory) / 1e6
        print(f"1,000 {label}: {added} new cache entries, {grown:.1f} MB")


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "reviewsite.settings")
    os.environ.setdefault("DJANGO_DEBUG", "1")
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/5")
    import logging

    import django

    django.setup()
    logging.disable(logging.CRITICAL)
    from django.test.utils import setup_test_environment

    setup_test_environment()
    cache_flood()
    hung_redis()


if __name__ == "__main__":
    main()
