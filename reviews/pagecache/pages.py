"""The page cache: anonymous readers' pages, stored as bytes with their tags'
versions, served in one round trip to Redis (see the package's docstring)."""

import json
import math
import secrets
import time
from contextlib import suppress
from functools import partial

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import (
    patch_cache_control,
    patch_vary_headers,
    set_response_etag,
)
from django.utils.http import http_date, urlencode
from django_redis import get_redis_connection
from django_redis.exceptions import ConnectionInterrupted
from redis.exceptions import NoScriptError

from .. import stamps
from ..clients import client_ip
from .tags import (
    CLOCK_KEY,
    DEFAULT_PAGE_TAGS,
    NEXT_PUBLICATION_KEY,
    TAG_KEY,
    Rendering,
    _rendering,
    _start_clock,
    next_publication_changed,
    publish_due,
)

NEVER_CACHED_PATHS = ("/admin/", "/reviews/preview/", "/markdownx/", "/healthz")
# The comment form's token for a front cache's ESI include: dated per fetch.
NEVER_CACHED_PATHS += ("/comments/token/",)
# Every query parameter a page reads: the lists' page, sort and order, search,
# the comments' place, the sitemap's page and the review list's filter form
# (tests/test_pagecache.py checks the form's fields are all here).
QUERY_PARAMETERS = frozenset(
    {"page", "p", "q", "sort", "order", "comments_from", "reply_to"}
    | {"show", "kind", "author", "genre", "season", "verdict"}
    | {"min_score", "max_score"}
)


# A page is kept as two values: its tags' versions ("<stamp>\n<tags>\n<versions>",
# small, checked by the script) and the page ("<stamp>\n<status and headers as
# JSON>\n<body>", sent as it is: a large value through Lua costs more than the
# round trip it saves). The same random stamp in both says they were stored
# together.
#
# One round trip: the script gets the tags' versions of the page and checks
# them, and reads the clock and the next publication time; the page comes in
# the same pipeline. KEYS: the page's tags, the clock, the next publication;
# ARGV: the tags' key prefix. Returns {clock, next publication, the page's
# stamp when its tags are current}.
LOOKUP_SCRIPT = """
local head = redis.call('GET', KEYS[1])
local state = redis.call('MGET', KEYS[2], KEYS[3])
if not head then
  return {state[1], state[2], false}
end
local first = string.find(head, '\\n', 1, true)
local second = string.find(head, '\\n', first + 1, true)
local keys = {}
for tag in string.gmatch(string.sub(head, first + 1, second - 1), '%S+') do
  keys[#keys + 1] = ARGV[1] .. tag
end
local current = redis.call('MGET', unpack(keys))
local i = 0
for version in string.gmatch(string.sub(head, second + 1), '%S+') do
  i = i + 1
  if current[i] ~= version then
    return {state[1], state[2], false}
  end
end
return {state[1], state[2], string.sub(head, 1, first - 1)}
"""
_script = []  # registered once per process


def _redis():
    """The Redis client with guarded raw calls (reviews.cache), or None."""
    client = getattr(cache, "client", None)
    return client if hasattr(client, "run") else None


def _number(value):
    """An integer Redis holds, or None (none, or what other code stored)."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _page(stamp, entry):
    """The stored page, when it is the one whose tags were found current."""
    if stamp is None or entry is None:
        return None
    entry_stamp, page = entry.split(b"\n", 1)
    return page if entry_stamp == stamp else None


def lookup(key):
    """(clock, next publication, the page stored at ``key`` if its tags are
    current, or None): from Redis in one round trip, from another cache in
    two calls. ``key`` None: no page, the clock and next publication only."""
    redis = _redis()
    if redis is None:
        values = cache.get_many([f"{key}:tags", key]) if key else {}
        stamp, names, versions = None, [], []
        if (head := values.get(f"{key}:tags")) is not None:
            stamp, tags, numbers = head.split(b"\n", 2)
            names = [TAG_KEY + tag for tag in tags.decode().split()]
            versions = [int(number) for number in numbers.split()]
        found = cache.get_many([CLOCK_KEY, NEXT_PUBLICATION_KEY, *names])
        if [found.get(name) for name in names] != versions:
            stamp = None
        page = _page(stamp, values.get(key))
        return found.get(CLOCK_KEY), found.get(NEXT_PUBLICATION_KEY), page
    names = [f"{key}:tags" if key else "-", CLOCK_KEY, NEXT_PUBLICATION_KEY]
    names = [cache.make_key(name) for name in names] + [cache.make_key(TAG_KEY)]
    try:
        (clock, next_publication, stamp), entry = redis.run(
            partial(_lookup_on, names, cache.make_key(key or "-"))
        )
    except ConnectionInterrupted:
        return None, None, None
    return _number(clock), _number(next_publication), _page(stamp, entry)


def _lookup_on(names, page_key, client):
    if not _script:
        _script.append(get_redis_connection("default").register_script(LOOKUP_SCRIPT))
    for _ in range(2):
        # evalsha, not the Script object: in a pipeline it first asks whether
        # the script is loaded, one more round trip each time.
        pipe = client.pipeline(transaction=False)
        pipe.evalsha(_script[0].sha, 3, *names)
        pipe.get(page_key)
        try:
            return pipe.execute()
        except NoScriptError:  # Redis restarted, or its scripts flushed
            client.script_load(LOOKUP_SCRIPT)
    raise NoScriptError("the page cache's script could not be loaded")


def store_page(key, response, versions):
    stamp = secrets.token_hex(4)
    tags = " ".join(versions)
    numbers = " ".join(str(version) for version in versions.values())
    head = f"{stamp}\n{tags}\n{numbers}".encode()
    meta = json.dumps(
        {"status": response.status_code, "headers": list(response.items())}
    )
    entry = f"{stamp}\n{meta}\n".encode() + response.content
    seconds = settings.PAGE_CACHE_SECONDS
    redis = _redis()
    if redis is None:
        cache.set(key, entry, seconds)
        cache.set(f"{key}:tags", head, seconds)
        return
    values = {cache.make_key(key): entry, cache.make_key(f"{key}:tags"): head}

    def store(client):
        pipe = client.pipeline(transaction=False)
        for name, value in values.items():
            pipe.set(name, value, seconds)
        pipe.execute()

    with suppress(ConnectionInterrupted):
        redis.run(store)


def stored_response(page):
    meta, body = page.split(b"\n", 1)
    meta = json.loads(meta)
    response = HttpResponse(body, status=meta["status"])
    for name, value in meta["headers"]:
        response[name] = value
    return response


def front_cache_age(response, next_publication, only_known):
    """What a front cache may keep of a stored page: no longer than until the
    next scheduled publication (which no write announces), and nothing of a
    request with a query parameter no page reads (one per ?utm_ would fill it)."""
    if not only_known:
        response["Cache-Control"] = "max-age=0, must-revalidate"
        del response["xkey"]
        return
    if next_publication and next_publication > 0:
        until = math.ceil(next_publication - timezone.now().timestamp())
        if 0 < until < settings.PAGE_CACHE_SECONDS:
            patch_cache_control(response, s_maxage=until)


class PageCacheMiddleware:
    """Serves and stores anonymous readers' pages (see the module's docstring).
    Put it after ConditionalGetMiddleware, so cached pages answer 304 too, and
    before the session middleware, which it does not need."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not (settings.PAGE_CACHE_SECONDS or settings.FRAGMENT_CACHE_SECONDS):
            return self.render(request)
        key, only_known = None, False
        if self.may_use_cache(request):
            query, only_known = self.known_query(request)
            # Pages rendered by other code are never served.
            key = f"pages:{settings.RELEASE}:{request.get_host()}"
            key += f":{request.path}{query}"
            if stamps.by_esi(request):
                # Holds an ESI include where others hold the form's token.
                key += ":esi"
        clock, next_publication, entry = lookup(key)
        if clock is None:
            clock = _start_clock()
        if (
            next_publication is None
            or 0 < next_publication <= timezone.now().timestamp()
        ):
            # Out now (or not known: the cache was emptied).
            if next_publication is not None:
                clock, next_publication = publish_due(next_publication)
            else:
                next_publication = next_publication_changed()
            entry = None
        if entry is not None:
            response = stored_response(entry)
            response["X-Page-Cache"] = "hit"
            front_cache_age(response, next_publication, only_known)
            if response.get("Content-Type", "").startswith("text/html"):
                # Its forms' dated tokens date this reader's fetch (stamps).
                response.content = stamps.restamp(response.content.decode())
            return response
        rendering = Rendering(clock)
        token = _rendering.set(rendering)
        try:
            response = self.render(request)
        finally:
            _rendering.reset(token)
        if key and only_known and self.may_store(request, response):
            self.store(request, response, key, rendering)
            front_cache_age(response, next_publication, only_known)
        return response

    def render(self, request):
        response = self.get_response(request)
        if self.is_personal(request):
            patch_cache_control(response, private=True)
        if getattr(request, "esi", False):
            # Whether stored by a front cache or passed: it fills the include.
            response["Surrogate-Control"] = 'content="ESI/1.0"'
        return response

    def process_view(self, request, view, args, kwargs):
        """The view's collections (page_tags, or DEFAULT_PAGE_TAGS)."""
        if (rendering := _rendering.get()) is not None:
            view = getattr(view, "view_class", view)
            rendering.page_tags = set(getattr(view, "page_tags", DEFAULT_PAGE_TAGS))
            rendering.stack[0].update(rendering.page_tags)

    def store(self, request, response, key, rendering):
        if not self.client_may_store(request):
            return
        versions = rendering.versions_to_keep(rendering.stack[0])
        if versions is None:
            return
        patch_vary_headers(response, ["Cookie"])
        patch_cache_control(
            response,
            public=True,
            max_age=0,
            must_revalidate=True,
            s_maxage=settings.PAGE_CACHE_SECONDS,
        )
        response["Last-Modified"] = http_date()
        # For a front cache (Varnish's xkey): purged by these tags.
        response["xkey"] = " ".join(sorted(versions))
        # One chunk: a feed is written in a thousand, each sent on its own.
        response.content = response.content
        set_response_etag(response)
        store_page(key, response, versions)
        response["X-Page-Cache"] = "miss"

    @staticmethod
    def known_query(request):
        """("?a=1&b=2" of the parameters some page reads, sorted, or ""), and
        whether the request had no others."""
        known = sorted(
            (name, value)
            for name, values in request.GET.lists()
            if name in QUERY_PARAMETERS
            for value in values
        )
        asked = sum(len(values) for _, values in request.GET.lists())
        return (f"?{urlencode(known)}" if known else ""), len(known) == asked

    @staticmethod
    def client_may_store(request):
        """Within this client's pages stored this minute: one address cannot
        fill the cache (or push everyone's pages out of it)."""
        key = f"pages:stores:{client_ip(request)}:{int(time.time() // 60)}"
        cache.add(key, 0, 60)
        try:
            stored = cache.incr(key)
        except ValueError:  # expired between add() and incr()
            return True
        return stored is None or stored <= settings.PAGE_CACHE_STORES_PER_MINUTE

    @staticmethod
    def is_personal(request):
        return any(
            name in request.COOKIES
            for name in (
                settings.SESSION_COOKIE_NAME,
                CookieStorage.cookie_name,
                settings.COMMENTS_REMEMBER_COOKIE,
            )
        )

    def may_use_cache(self, request):
        return (
            settings.PAGE_CACHE_SECONDS > 0
            and request.method in ("GET", "HEAD")
            and not request.path.startswith(NEVER_CACHED_PATHS)
            and not self.is_personal(request)
        )

    @staticmethod
    def may_store(request, response):
        cache_control = response.get("Cache-Control", "")
        return (
            request.method == "GET"
            and response.status_code == 200
            and not response.streaming
            and not response.cookies
            and not any(
                word in cache_control for word in ("private", "no-store", "no-cache")
            )
        )
