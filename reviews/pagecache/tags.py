"""Tags: what a page shows, recorded while it renders; their versions, bumped
by the writes; fragments and remembered values kept under them (see the
package's docstring)."""

import hashlib
import math
import time
from contextvars import ContextVar
from datetime import UTC, datetime
from functools import partial

from django import template
from django.apps import apps
from django.conf import settings
from django.core.cache import cache, caches
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import Signal
from django.utils.safestring import mark_safe

EVERYTHING = "all"
TAG_KEY = "tag:"
# Counts the writes: a bumped tag's version is the count at its write.
CLOCK_KEY = "tags:clock"
NEXT_PUBLICATION_KEY = "tags:next-publication"
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


def reviews_of(name, pk):
    """The tag of the reviews of one show, episode or author: what lists or
    sums them (its page, the review pages beside them) shows, and a page
    that only names the show on a card does not."""
    return f"{name}:{pk}:reviews"


def changed_tags(instance):
    """The tags a write to ``instance`` makes cold."""
    name = instance._meta.model_name
    values = vars(instance)
    if name in ("credit", "themesong", "episode"):
        tags = {f"show:{values.get('show_id')}"}
        return tags | shown_tags(instance) if name == "episode" else tags
    if name == "review":
        published = values.get("status") == "published"
        tags = {f"review:{instance.pk}"} | ({"reviews"} if published else set())
        for field in ("show", "episode", "author"):
            if (pk := values.get(f"{field}_id")) is not None:
                tags.add(reviews_of(field, pk))
        return tags
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
    """After a commit: when the next scheduled review goes out (0: none),
    kept and returned."""
    Review = apps.get_model("reviews", "Review")
    when = (
        Review.objects.scheduled()
        .order_by("published_at")
        .values_list("published_at", flat=True)
        .first()
    )
    seconds = math.ceil(when.timestamp()) if when else 0
    cache.set(NEXT_PUBLICATION_KEY, seconds, None)
    return seconds


def publish_due(since):
    """The scheduled reviews from ``since`` (seconds) are out: their pages and
    the lists are cold. Returns the clock after, and the next publication."""
    Review = apps.get_model("reviews", "Review")
    due = (
        Review.objects.published()
        .filter(published_at__gte=datetime.fromtimestamp(since - 1, UTC))
        .only("pk", "status", "show", "episode", "author")
    )
    clock = bump_now(set().union({"reviews"}, *(changed_tags(r) for r in due)))
    return clock, next_publication_changed()


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


def page_shows(*tags):
    """What the page rendering now shows beside the objects it loads, known
    once its view has its object (a show's reviews: reviews_of()); for the
    page and each of its fragments, like a view's page_tags."""
    if (rendering := _rendering.get()) is not None:
        rendering.page_tags.update(tags)
        rendering.stack[0].update(tags)
        rendering.stack[-1].update(tags)  # and the value computed now


def _kept(key, compute, tags=()):
    """compute()'s value from the fragment cache while the tags it recorded
    (``tags``, the objects it loaded, the page's own) keep their versions."""
    rendering = _rendering.get()
    if not settings.FRAGMENT_CACHE_SECONDS or rendering is None:
        return compute()
    fragments = caches["fragments"]
    # Fragments rendered by other code are never served.
    key = f"{settings.RELEASE}:{key}"
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
