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
    tags_bumped,
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
# JSON>\n<body>"). The same random stamp in both says they were stored together.
#
# One round trip, one command: the script gets the tags' versions of the page
# and checks them, reads the clock and the next publication time, and returns
# the page itself only when this process does not hold it already (Held: its
# stamp is sent), so a hit mostly moves a few bytes. KEYS: the page's tags, the
# clock, the next publication, the page; ARGV: the tags' key prefix, the stamp
# held. Returns {clock, next publication, the page's stamp when its tags are
# current, the page when current and not held}.
LOOKUP_SCRIPT = """
local head = redis.call('GET', KEYS[1])
local state = redis.call('MGET', KEYS[2], KEYS[3])
if not head then
  return {state[1], state[2], false, false}
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
    return {state[1], state[2], false, false}
  end
end
local stamp = string.sub(head, 1, first - 1)
if stamp == ARGV[2] then
  return {state[1], state[2], stamp, false}
end
return {state[1], state[2], stamp, redis.call('GET', KEYS[4]) or false}
"""
_script = []  # registered once per process


class Held:
    """The pages this process served or stored last, parsed, by key: a hit on
    one of them fetches only its tags' check (LOOKUP_SCRIPT). Each is kept
    with its stamp, so only the very version Redis holds is ever served.
    Bounded by PAGE_CACHE_HELD_BYTES, the oldest used dropped first."""

    pages = {}  # key: (stamp, status, headers, body, token spans)
    size = 0
    # key: (when its tags were found current, the clock, the next publication)
    checked = {}

    @classmethod
    def get(cls, key):
        return cls.pages.get(key)

    @classmethod
    def put(cls, key, stamp, entry):
        """Parses ``entry`` (the page as stored) and holds it; returns it."""
        page = parsed(stamp, entry)
        body = page[3]
        if len(body) > settings.PAGE_CACHE_HELD_BYTES:
            return page
        if (old := cls.pages.pop(key, None)) is not None:
            cls.size -= len(old[3])
        cls.checked.pop(key, None)
        cls.pages[key] = page
        cls.size += len(body)
        while cls.size > settings.PAGE_CACHE_HELD_BYTES:
            oldest = next(iter(cls.pages))
            cls.size -= len(cls.pages.pop(oldest)[3])
            cls.checked.pop(oldest, None)
        return page

    @classmethod
    def used(cls, key, page):
        """Moves ``key`` last, the newest used."""
        cls.pages[key] = cls.pages.pop(key, page)

    @classmethod
    def found_current(cls, key, clock, next_publication):
        cls.checked[key] = (time.monotonic(), clock, next_publication)

    @classmethod
    def recently_checked(cls, key):
        """(clock, next publication) when ``key``'s tags were found current
        less than PAGE_CACHE_RECHECK_SECONDS ago and no review has gone out
        since; else None."""
        if (seen := cls.checked.get(key)) is None:
            return None
        when, clock, next_publication = seen
        if time.monotonic() - when >= settings.PAGE_CACHE_RECHECK_SECONDS:
            return None
        if next_publication is None or 0 < next_publication <= time.time():
            return None
        return clock, next_publication

    @classmethod
    def forget_checks(cls, **kwargs):
        """After a write in this process: every page is checked again."""
        cls.checked.clear()

    @classmethod
    def clear(cls):
        cls.pages.clear()
        cls.checked.clear()
        cls.size = 0


tags_bumped.connect(Held.forget_checks, dispatch_uid="pagecache-held")


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


def parsed(stamp, entry):
    """(stamp, status, headers, body, its tokens' spans: stamps.token_spans())
    of a page as stored, without its stamp."""
    meta, body = entry.split(b"\n", 1)
    meta = json.loads(meta)
    return stamp, meta["status"], meta["headers"], body, meta["tokens"]


def _split(entry):
    """(stamp, the rest) of a page as stored."""
    stamp, page = entry.split(b"\n", 1)
    return stamp, page


def lookup(key, trust_recent=True):
    """(clock, next publication, the page stored at ``key`` if its tags are
    current, as parsed() gives it, or None): from Redis in one
    round trip, from another cache in two calls; or, ``trust_recent``, from
    this process alone when it found them current a moment ago (Held). ``key``
    None: no page, the clock and next publication only."""
    redis = _redis()
    if redis is None:
        values = cache.get_many([f"{key}:tags", key]) if key else {}
        stamp, names, versions = None, [], []
        if (head := values.get(f"{key}:tags")) is not None:
            stamp, tags, numbers = head.split(b"\n", 2)
            names = [TAG_KEY + tag for tag in tags.decode().split()]
            versions = [int(number) for number in numbers.split()]
        found = cache.get_many([CLOCK_KEY, NEXT_PUBLICATION_KEY, *names])
        page = None
        current = [found.get(name) for name in names] == versions
        if stamp is not None and current and (entry := values.get(key)):
            entry_stamp, rest = _split(entry)
            if entry_stamp == stamp:
                page = parsed(stamp, rest)
        return found.get(CLOCK_KEY), found.get(NEXT_PUBLICATION_KEY), page
    held = Held.get(key) if key else None
    if held and trust_recent and (recent := Held.recently_checked(key)):
        return *recent, held
    names = [f"{key}:tags" if key else "-", CLOCK_KEY, NEXT_PUBLICATION_KEY, key or "-"]
    names = [cache.make_key(name) for name in names]
    arguments = [cache.make_key(TAG_KEY), held[0] if held else b""]
    try:
        clock, next_publication, stamp, entry = redis.run(
            partial(_lookup_on, names, arguments)
        )
    except ConnectionInterrupted:
        return None, None, None
    clock, next_publication, page = _number(clock), _number(next_publication), None
    if stamp is not None:
        if entry is not None:
            entry_stamp, rest = _split(entry)
            if entry_stamp == stamp:
                page = Held.put(key, stamp, rest)
        elif held is not None and held[0] == stamp:
            page = held
            Held.used(key, held)
        if page is not None:
            Held.found_current(key, clock, next_publication)
    return clock, next_publication, page


def _lookup_on(names, arguments, client):
    if not _script:
        _script.append(get_redis_connection("default").register_script(LOOKUP_SCRIPT))
    try:
        # evalsha, not the Script object, which first asks whether the
        # script is loaded: one more round trip each time.
        return client.evalsha(_script[0].sha, len(names), *names, *arguments)
    except NoScriptError:  # Redis restarted, or its scripts flushed
        client.script_load(LOOKUP_SCRIPT)
        return client.evalsha(_script[0].sha, len(names), *names, *arguments)


def store_page(key, response, versions):
    stamp = secrets.token_hex(4).encode()
    tags = " ".join(versions)
    numbers = " ".join(str(version) for version in versions.values())
    head = stamp + f"\n{tags}\n{numbers}".encode()
    html = response.get("Content-Type", "").startswith("text/html")
    meta = json.dumps(
        {
            "status": response.status_code,
            "headers": list(response.items()),
            # Its forms' dated tokens, dated again on each hit.
            "tokens": stamps.token_spans(response.content) if html else [],
        }
    )
    page = f"{meta}\n".encode() + response.content
    entry = stamp + b"\n" + page
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
        Held.put(key, stamp, page)


def stored_response(page):
    """The response of a stored page, its forms' tokens dating this reader's
    fetch (stamps)."""
    _, status, headers, body, tokens = page
    response = HttpResponse(stamps.restamp(body, tokens), status=status)
    for name, value in headers:
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
        key, only_known, by_esi = None, False, False
        if self.may_use_cache(request):
            query, only_known = self.known_query(request)
            # Pages rendered by other code are never served.
            key = f"pages:{settings.RELEASE}:{request.get_host()}"
            key += f":{request.path}{query}"
            if by_esi := stamps.by_esi(request):
                # Holds an ESI include where others hold the form's token.
                key += ":esi"
        # A front cache keeps what it fetches: it is always checked in Redis.
        clock, next_publication, entry = lookup(key, trust_recent=not by_esi)
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
