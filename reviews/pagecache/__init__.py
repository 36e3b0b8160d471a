"""
Everything that caches: anonymous readers' pages, parts of pages for every
reader ({% fragment %}), and values (remember()), all kept until what they show
changes, on every server at once (the cache is shared: Redis in production).

Invalidation is by tags. A tag names what a page shows: one object
(``review:12``, ``show:3``, ``episode:5``, ``author:2``, ``genre:4``,
``studio:1``) or a collection (``reviews``: every list that a published review
can join, leave or move in; ``show:3:reviews`` and the like: the reviews of
one show, episode or author, as their pages list them, and not the cards that
merely name them; ``catalogue``: the indexes of shows, seasons, studios,
genres and writers; ``all``: everything). While a page renders, every object
of those models it loads records its tags (Shown.from_db), a view adds its
collections (``page_tags``, page_shows()), and a fragment records into the
page around it. Each tag has a version in the cache; a stored page or value keeps
the versions it was rendered at and is served only while they are all current.
A write bumps the tags of what it changed, after its transaction commits
(bump()): an approved comment on review X makes cold the pages showing X, and
no other.

A scheduled review needs no write: the cache also holds when the next one goes
out, and the first request after that time bumps the tags of the reviews that
went out (and ``reviews``).

A cache hit is one round trip at most: the page is stored as bytes (its tags,
their versions, its status and headers, its body), and on Redis one script
checks its tags' versions, reads the clock and the next publication time, and
sends the page only to a worker that does not hold it already (pages.Held).
A worker that found a page current less than PAGE_CACHE_RECHECK_SECONDS ago
serves it without asking: a write made elsewhere reaches it that much later
(a write in the worker itself, and a front cache's fetch, at once).

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

from .pages import QUERY_PARAMETERS, PageCacheMiddleware
from .tags import (
    EVERYTHING,
    Rendering,
    Shown,
    bump,
    bump_now,
    connect_receivers,
    fragment,
    page_shows,
    remember,
    reviews_of,
    tags_bumped,
)

__all__ = [
    "EVERYTHING",
    "PageCacheMiddleware",
    "QUERY_PARAMETERS",
    "Rendering",
    "Shown",
    "bump",
    "bump_now",
    "connect_receivers",
    "fragment",
    "page_shows",
    "remember",
    "reviews_of",
    "tags_bumped",
]
