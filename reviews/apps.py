from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "reviews"

    def ready(self):
        # The deploy check, and the receivers that keep the search index in
        # sync, register themselves when imported.
        from . import checks, pagecache  # noqa: F401
        from .search import receivers  # noqa: F401

        pagecache.connect_receivers()
