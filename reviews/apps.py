from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "reviews"

    def ready(self):
        # The deploy check, and the receivers that keep the search index in
        # sync, register themselves when imported.
        from . import checks, frontcache, pagecache  # noqa: F401
        from .search import receivers  # noqa: F401

        pagecache.connect_receivers()
        # Varnish (FRONT_CACHES) is purged of what a write changed.
        pagecache.tags_bumped.connect(frontcache.tags_bumped)
