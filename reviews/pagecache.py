"""
The full-page cache: anonymous readers' pages come from the shared cache (Redis
in production), and any write makes every page fresh at once, on every server.

Invalidation is a content version in the cache. Every cached page's key holds
the version it was rendered at; a write sets a new version (content_changed(),
called by the signal receivers below and by bulk updates), so older pages are
never found again and expire by themselves. A scheduled review needs no write:
the version also remembers when the next scheduled review goes out, and the
first request after that time moves to a new version.

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

import logging
import time
from contextvars import ContextVar

from django.apps import apps
from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache, caches
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.cache import (
    patch_cache_control,
    patch_vary_headers,
    set_response_etag,
)
from django.utils.functional import SimpleLazyObject
from django.utils.http import http_date, urlencode

from . import stamps
from .clients import client_ip
from .models import Review

logger = logging.getLogger(__name__)

# Pages and fragments rendered by other code are never served: their keys hold
# the release (settings.RELEASE: DJANGO_RELEASE).
RELEASE = settings.RELEASE
VERSION_KEY = "pages:version"
NEXT_PUBLICATION_KEY = "pages:next-publication"
NEVER_CACHED_PATHS = ("/admin/", "/reviews/preview/", "/markdownx/", "/healthz")
# Every query parameter a page reads: the lists' page, sort and order, search,
# the comments' place, the sitemap's page and the review list's filter form
# (tests/test_pagecache.py checks the form's fields are all here).
QUERY_PARAMETERS = frozenset(
    {"page", "p", "q", "sort", "order", "comments_from", "reply_to"}
    | {"show", "kind", "author", "genre", "season", "verdict"}
    | {"min_score", "max_score"}
)


def content_changed(**kwargs):
    """Something readers see has changed: every page is fresh from now on.
    After the transaction commits, so no page is cached from before it."""
    transaction.on_commit(new_version)


def new_version():
    """A new content version (nanoseconds since the epoch, so it also dates the
    change), and the time of the next scheduled publication."""
    version = time.time_ns()
    next_publication = (
        Review.objects.scheduled()
        .order_by("published_at")
        .values_list("published_at", flat=True)
        .first()
    )
    cache.set_many(
        {
            VERSION_KEY: version,
            NEXT_PUBLICATION_KEY: next_publication and next_publication.timestamp(),
        },
        timeout=None,
    )
    return version


# The version the current request renders at (set by PageCacheMiddleware).
_request_version = ContextVar("content_version", default=None)


def request_version():
    """The content version of this request: read once, before the view reads
    the database, so nothing read before a write is stored under the version
    that write started. Outside a request, the current one."""
    version = _request_version.get()
    return current_version() if version is None else version


def current_version():
    values = cache.get_many([VERSION_KEY, NEXT_PUBLICATION_KEY])
    version, next_publication = (
        values.get(VERSION_KEY),
        values.get(NEXT_PUBLICATION_KEY),
    )
    if version is None or (next_publication and next_publication <= time.time()):
        return new_version()
    return version


class PageCacheMiddleware:
    """Serves and stores anonymous readers' pages (see the module's docstring).
    Put it after ConditionalGetMiddleware, so cached pages answer 304 too, and
    before the session middleware, which it does not need."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not (settings.PAGE_CACHE_SECONDS or settings.FRAGMENT_CACHE_SECONDS):
            return self.respond(request, None)
        token = _request_version.set(current_version())
        try:
            return self.respond(request, _request_version.get())
        finally:
            _request_version.reset(token)

    def respond(self, request, version):
        if not self.may_use_cache(request):
            response = self.get_response(request)
            if self.is_personal(request):
                patch_cache_control(response, private=True)
            return response
        query, only_known = self.known_query(request)
        page = f"{request.get_host()}:{request.path}{query}"
        key = f"pages:{RELEASE}:{version}:{page}"
        response = cache.get(key)
        if response is not None:
            response["X-Page-Cache"] = "hit"
            if response.get("Content-Type", "").startswith("text/html"):
                # Its forms' dated tokens date this reader's fetch (stamps).
                response.content = stamps.restamp(response.content.decode())
            return response
        response = self.get_response(request)
        if (
            only_known
            and self.may_store(request, response)
            and self.client_may_store(request)
        ):
            patch_vary_headers(response, ["Cookie"])
            patch_cache_control(response, public=True, max_age=0, must_revalidate=True)
            response["Last-Modified"] = http_date(version / 1e9)
            set_response_etag(response)
            # One chunk: a feed is written in a thousand, each sent on its own.
            response.content = response.content
            cache.set(key, response, settings.PAGE_CACHE_SECONDS)
            response["X-Page-Cache"] = "miss"
        return response

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


def connect_receivers():
    """Every write to what readers see makes a new version: any of the reviews
    app's models. (Comments have their own rule, in comments.models; revisions
    are reversion's, another app.)"""
    for model in apps.get_app_config("reviews").get_models():
        post_save.connect(content_changed, sender=model, weak=False)
        post_delete.connect(content_changed, sender=model, weak=False)
        for field in model._meta.many_to_many:
            m2m_changed.connect(content_changed, sender=field.remote_field.through)


def remember(name, compute):
    """compute()'s value at the current content version, kept in the fragment
    cache: for what changes only when content does (a list's count, an author's
    score distribution). ``name`` must say everything the value depends on."""
    if not settings.FRAGMENT_CACHE_SECONDS:
        return compute()
    fragments = caches["fragments"]
    key = f"{name}:{request_version()}"
    value = fragments.get(key)
    if value is None:
        value = compute()
        fragments.set(key, value, settings.FRAGMENT_CACHE_SECONDS)
    return value


def fragment_cache(request):
    """Context processor for the templates' fragment caching, off (nothing is
    stored) when FRAGMENT_CACHE_SECONDS is 0:
    {% cache fragment_seconds "name" vary... content_version using="fragments" %}"""
    if not settings.FRAGMENT_CACHE_SECONDS:
        return {"content_version": 0, "fragment_seconds": 0}
    return {
        "content_version": SimpleLazyObject(request_version),
        "fragment_seconds": settings.FRAGMENT_CACHE_SECONDS,
    }
