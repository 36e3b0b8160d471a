"""
Everything that caches: anonymous readers' pages, parts of pages for every
reader ({% fragment %}), and values (remember()), all kept until what they show
changes, on every server at once (the cache is shared: Redis in production).

Invalidation is by tags. A tag names what a page shows: one object
(``review:12``, ``show:3``, ``episode:5``, ``author:2``, ``genre:4``,
``studio:1``) or a collection (``reviews``: every list that a published review
can join, leave or move in; ``catalogue``: the indexes of shows, seasons,
studios, genres and writers; ``all``: everything). While a page renders,
every object of those models it loads records its tags (Shown.from_db), a view
adds its collections (``page_tags``), and a fragment records into the page
around it. Each tag has a version in the cache; a stored page or value keeps
the versions it was rendered at and is served only while they are all current.
A write bumps the tags of what it changed, after its transaction commits
(bump()): an approved comment on review X makes cold the pages showing X, and
no other.

A scheduled review needs no write: the cache also holds when the next one goes
out, and the first request after that time bumps the tags of the reviews that
went out (and ``reviews``).

A cache hit is one round trip: the page is stored as bytes (its tags, their
versions, its status and headers, its body), and on Redis one script gets it,
checks its tags' versions and reads the clock and the next publication time.

What is never stored nor served from here: requests with a session or messages
cookie (staff, a commenter with a pending comment, a message to show) or a
remembered commenter's cookie (their form is filled in), anything
but GET and HEAD, the admin and previews, and any response that sets a cookie
(a CSRF token, a session) or says it is private or not to be stored.

Nobody can fill the cache at will: a page's key holds only the query parameters
some page reads (QUERY_PARAMETERS, sorted), so `?utm_source=...` finds the page
without it; a request with any other parameter is answered (from the cache if
the page is there) but never stored; and one client address stores at most
PAGE_CACHE_STORES_PER_MINUTE pages a minute (random searches, say), after which
its pages are rendered and not kept.

A page from the cache is the stored page with its dated tokens (the comment
form's) dated again (reviews.stamps), so a robot fetching a cached page gets no
time pass for the hour the page has been stored.
"""

import hashlib
import json
import logging
import math
import secrets
import time
from contextlib import suppress
from contextvars import ContextVar
from datetime import UTC, datetime
from functools import partial

from django import template
from django.apps import apps
from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache, caches
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import Signal
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import (
    patch_cache_control,
    patch_vary_headers,
    set_response_etag,
)
from django.utils.http import http_date, urlencode
from django.utils.safestring import mark_safe
from django_redis import get_redis_connection
from django_redis.exceptions import ConnectionInterrupted
from redis.exceptions import NoScriptError

from . import stamps
from .clients import client_ip

logger = logging.getLogger(__name__)

# Pages and fragments rendered by other code are never served: their keys hold
# the release (settings.RELEASE: DJANGO_RELEASE).
RELEASE = settings.RELEASE
EVERYTHING = "all"
TAG_KEY = "tag:"
# Counts the writes: a bumped tag's version is the count at its write.
CLOCK_KEY = "tags:clock"
NEXT_PUBLICATION_KEY = "tags:next-publication"
NEVER_CACHED_PATHS = ("/admin/", "/reviews/preview/", "/markdownx/", "/healthz")
# Every query parameter a page reads: the lists' page, sort and order, search,
# the comments' place, the sitemap's page and the review list's filter form
# (tests/test_pagecache.py checks the form's fields are all here).
QUERY_PARAMETERS = frozenset(
    {"page", "p", "q", "sort", "order", "comments_from", "reply_to"}
    | {"show", "kind", "author", "genre", "season", "verdict"}
    | {"min_score", "max_score"}
)
# What a view shows beside the objects it loads, unless it says (page_tags):
# a page that lists reviews or shows can gain one.
DEFAULT_PAGE_TAGS = ("reviews", "catalogue")
# Sent after the commit of a write, with the tags it bumped (a set of strings):
# for a front cache's purger (Varnish's xkey).
tags_bumped = Signal()


# Tags


def shown_tags(instance):
    """The tags of an object on a page: its own, and a review's show, episode
    and author (their names are on its card). Deferred fields are not read."""
    name = instance._meta.model_name
    tags = {f"{name}:{instance.pk}"}
    if name == "review":
        values = vars(instance)
        for field in ("show", "episode", "author"):
            if (pk := values.get(f"{field}_id")) is not None:
                tags.add(f"{field}:{pk}")
    return tags


def changed_tags(instance):
    """The tags a write to ``instance`` makes cold."""
    name = instance._meta.model_name
    values = vars(instance)
    if name in ("credit", "themesong", "episode"):
        tags = {f"show:{values.get('show_id')}"}
        return tags | shown_tags(instance) if name == "episode" else tags
    if name == "review":
        published = values.get("status") == "published"
        return shown_tags(instance) | ({"reviews"} if published else set())
    if name in ("show", "author", "genre", "studio"):
        return {f"{name}:{instance.pk}", "catalogue"}
    if name == "seasonguide":
        return {"catalogue"}
    return set()  # the WordPress import's bookkeeping: on no page


class Shown:
    """A model whose objects record their tags on the page rendering them, as
    they are loaded; and what they were when loaded, so that a write makes
    cold the pages of the old values too (a review moved to another show)."""

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        instance = super().from_db(db, field_names, values, **kwargs)
        instance._loaded_tags = changed_tags(instance)
        if (rendering := _rendering.get()) is not None:
            rendering.stack[-1].update(shown_tags(instance))
        return instance


def bump(*tags):
    """What shows these tags has changed: after the transaction commits, so
    that nothing read before it is kept under the new versions."""
    transaction.on_commit(partial(bump_now, frozenset(tags)))


def bump_now(tags):
    if settings.PAGE_CACHE_INVALIDATION == "global":
        tags = {EVERYTHING}
    clock = _tick()
    if clock is None:
        return None
    cache.set_many({TAG_KEY + tag: clock for tag in tags}, timeout=None)
    tags_bumped.send(sender=bump_now, tags=set(tags))
    return clock


def _tick():
    """The clock moved on by one: the new version. A lost clock starts again
    from the time in microseconds, past any version given before."""
    try:
        return cache.incr(CLOCK_KEY)
    except ValueError:
        cache.add(CLOCK_KEY, time.time_ns() // 1000, timeout=None)
        try:
            return cache.incr(CLOCK_KEY)
        except ValueError:
            return None


def _start_clock():
    start = time.time_ns() // 1000
    return start if cache.add(CLOCK_KEY, start, timeout=None) else None


def next_publication_changed():
    """After a commit: when the next scheduled review goes out (0: none)."""
    Review = apps.get_model("reviews", "Review")
    when = (
        Review.objects.scheduled()
        .order_by("published_at")
        .values_list("published_at", flat=True)
        .first()
    )
    cache.set(NEXT_PUBLICATION_KEY, math.ceil(when.timestamp()) if when else 0, None)


def publish_due(since):
    """The scheduled reviews from ``since`` (seconds) are out: their pages and
    the lists are cold. Returns the clock after."""
    Review = apps.get_model("reviews", "Review")
    due = (
        Review.objects.published()
        .filter(published_at__gte=datetime.fromtimestamp(since - 1, UTC))
        .only("pk", "status", "show", "episode", "author")
    )
    clock = bump_now(set().union({"reviews"}, *(shown_tags(r) for r in due)))
    next_publication_changed()
    return clock


# Rendering: the tags recorded and the versions read by one request


class Rendering:
    def __init__(self, clock):
        # The write count when the request began: a tag bumped past it was
        # written while the page rendered, and the page is not kept.
        self.clock = clock
        self.page_tags = set()
        self.stack = [set()]  # the page's tags, then each open fragment's
        self.versions = {}

    def current(self, tags):
        """{tag: version}, each read once per request (None: never bumped)."""
        unread = [tag for tag in tags if tag not in self.versions]
        if unread:
            found = cache.get_many([TAG_KEY + tag for tag in unread])
            for tag in unread:
                self.versions[tag] = found.get(TAG_KEY + tag)
        return {tag: self.versions[tag] for tag in tags}

    def versions_to_keep(self, tags):
        """The versions to store with what was rendered, or None when it must
        not be stored (a tag written during the rendering, no cache)."""
        if settings.PAGE_CACHE_INVALIDATION == "global":
            tags = {EVERYTHING}
        if self.clock is None:
            return None
        versions = self.current(tags | {EVERYTHING})
        for tag, version in versions.items():
            if version is None:
                # First seen (or lost): from now; a bump at once wins.
                if not cache.add(TAG_KEY + tag, self.clock, timeout=None):
                    return None
                versions[tag] = self.versions[tag] = self.clock
            elif version > self.clock:
                return None
        return versions


_rendering = ContextVar("rendering", default=None)


def _kept(key, compute, tags=()):
    """compute()'s value from the fragment cache while the tags it recorded
    (``tags``, the objects it loaded, the page's own) keep their versions."""
    rendering = _rendering.get()
    if not settings.FRAGMENT_CACHE_SECONDS or rendering is None:
        return compute()
    fragments = caches["fragments"]
    key = f"{RELEASE}:{key}"
    entry = fragments.get(key)
    if entry is not None:
        versions, value = entry
        if rendering.current(versions) == versions:
            rendering.stack[-1].update(versions)
            return value
    recorded = {*tags, *rendering.page_tags}
    rendering.stack.append(recorded)
    try:
        value = compute()
    finally:
        rendering.stack.pop()
    rendering.stack[-1].update(recorded)
    if (versions := rendering.versions_to_keep(recorded)) is not None:
        fragments.set(key, (versions, value), settings.FRAGMENT_CACHE_SECONDS)
    return value


def remember(name, compute, tags=()):
    """compute()'s value, kept in the fragment cache until a tag of what it
    read changes: the ``tags`` given, those of the objects it loads, and the
    page's. ``name`` must say everything else the value depends on."""
    return _kept(f"value:{name}", compute, tags)


class FragmentNode(template.Node):
    def __init__(self, nodelist, name, vary_on):
        self.nodelist, self.name, self.vary_on = nodelist, name, vary_on

    def render(self, context):
        parts, tags = [], set()
        for value in (variable.resolve(context) for variable in self.vary_on):
            if isinstance(value, Shown):
                parts.append(f"{value._meta.model_name}:{value.pk}")
                tags |= shown_tags(value)
            else:
                parts.append(str(value))
        vary = hashlib.md5(":".join(parts).encode(), usedforsecurity=False)
        key = f"fragment:{self.name}:{vary.hexdigest()}"
        return mark_safe(_kept(key, lambda: self.nodelist.render(context), tags))


def fragment(parser, token):
    """{% fragment "name" vary... %}...{% endfragment %}: the part kept for
    every reader until what it shows changes. An object among ``vary`` (the
    review) is what it shows, with what it loads while rendering."""
    bits = token.split_contents()
    if len(bits) < 2 or bits[1][0] not in "\"'":
        raise template.TemplateSyntaxError('{% fragment "name" vary... %}')
    nodelist = parser.parse(("endfragment",))
    parser.delete_first_token()
    vary_on = [parser.compile_filter(bit) for bit in bits[2:]]
    return FragmentNode(nodelist, bits[1][1:-1], vary_on)


# The page cache


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
            key = f"pages:{RELEASE}:{request.get_host()}:{request.path}{query}"
        clock, next_publication, entry = lookup(key)
        if clock is None:
            clock = _start_clock()
        if (
            next_publication is None
            or 0 < next_publication <= timezone.now().timestamp()
        ):
            # Out now (or not known: the cache was emptied).
            if next_publication is not None:
                clock = publish_due(next_publication)
            else:
                next_publication_changed()
            entry = None
        if entry is not None:
            response = stored_response(entry)
            response["X-Page-Cache"] = "hit"
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
        return response

    def render(self, request):
        response = self.get_response(request)
        if self.is_personal(request):
            patch_cache_control(response, private=True)
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


# Writes


def object_written(sender, instance, **kwargs):
    tags = changed_tags(instance) | getattr(instance, "_loaded_tags", set())
    instance._loaded_tags = changed_tags(instance)
    if tags:
        bump(*tags)
    if instance._meta.model_name == "review":
        transaction.on_commit(next_publication_changed)


def relation_changed(sender, instance, action, model, pk_set, **kwargs):
    """A show's genres or studios (from either side)."""
    if action.startswith("post_"):
        name = model._meta.model_name
        related = {f"{name}:{pk}" for pk in pk_set or ()}
        bump(*changed_tags(instance), *related, "catalogue")


def connect_receivers():
    """Every write to what readers see bumps its tags: any of the reviews
    app's models. (Comments and readers' scores have their own rule, in their
    apps; revisions are reversion's, another app.)"""
    for model in apps.get_app_config("reviews").get_models():
        post_save.connect(object_written, sender=model, weak=False)
        post_delete.connect(object_written, sender=model, weak=False)
        for field in model._meta.many_to_many:
            m2m_changed.connect(relation_changed, sender=field.remote_field.through)
