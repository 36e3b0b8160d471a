"""Signal receivers that keep the index in sync with reviews, shows and
authors (connected by ReviewsConfig.ready())."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from ..models import Author, Review, Show
from .engines import REVIEW_TABLE, SHOW_TABLE
from .index import index_reviews, index_shows, unindex, update_reviews_of
from .text import fold

# Keeping the index in sync. Saves that change no indexed field are skipped;
# fixtures (raw saves) are indexed by rebuild_search_index.

SHOW_FIELDS = {"title", "title_english", "title_japanese", "synopsis"}


def _indexed_fields_changed(fields, update_fields):
    return update_fields is None or not fields.isdisjoint(update_fields)


@receiver(post_save, sender=Review, dispatch_uid="search-review-saved")
def review_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        index_reviews([instance])


@receiver(post_delete, sender=Review, dispatch_uid="search-review-deleted")
def review_deleted(sender, instance, **kwargs):
    unindex(REVIEW_TABLE, instance.pk)


@receiver(post_save, sender=Show, dispatch_uid="search-show-saved")
def show_saved(sender, instance, created, raw=False, update_fields=None, **kwargs):
    if raw or not _indexed_fields_changed(SHOW_FIELDS, update_fields):
        return
    index_shows([instance])
    if not created:
        titles = " ".join([instance.title, *instance.alternate_titles])
        update_reviews_of(
            "show_titles", fold(titles), Review.objects.filter(show=instance)
        )


@receiver(post_delete, sender=Show, dispatch_uid="search-show-deleted")
def show_deleted(sender, instance, **kwargs):
    unindex(SHOW_TABLE, instance.pk)


@receiver(post_save, sender=Author, dispatch_uid="search-author-saved")
def author_saved(sender, instance, created, raw=False, update_fields=None, **kwargs):
    if created or raw or not _indexed_fields_changed({"name"}, update_fields):
        return
    update_reviews_of(
        "author", fold(instance.name), Review.objects.filter(author=instance)
    )
