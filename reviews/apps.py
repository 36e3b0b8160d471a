from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "reviews"

    def ready(self):
        # Connects the receivers that keep the search index in sync.
        from . import search  # noqa: F401
        from .pagecache import connect_receivers

        connect_receivers()
