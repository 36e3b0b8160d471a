from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "reviews"

    def ready(self):
        # Connects the receivers that keep the search index in sync.
        from .pagecache import connect_receivers
        from .search import receivers  # noqa: F401

        connect_receivers()
