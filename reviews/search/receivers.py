"""Signal receivers that keep the index in sync with reviews, shows and
authors (connected by ReviewsConfig.ready())."""

import functools
import logging

from django.db import DatabaseError, transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from ..models import Author, Review, Show
from .engines import REVIEW_TABLE, SHOW_TABLE
from .index import index_reviews, index_shows, unindex, update_reviews_of
from .text import fold

# Keeping the index in sync. Saves that change no indexed field are skipped;
# fixtures (raw saves) are indexed by rebuild_search_index.

SHOW_FIELDS = {"title", "title_english", "title_japanese", "synopsis"}

logger = logging.getLogger(__name__)


def never_fails_the_save(keep_index):
    """The index is a copy: if writing it fails (a statement timeout, a lock),
    the writer's save stands, the error is logged, and `manage.py
    rebuild_search_index` brings the copy back."""

    @functools.wraps(keep_index)
    def guarded(sender, instance, **kwargs):
        try:
            with transaction.atomic():  # a savepoint: the save's own work stays
                keep_index(sender, instance, **kwargs)
        except DatabaseError:
            logger.exception(
                "Search index not updated for %s %s", sender.__name__, instance.pk
            )

    return guarded


def _indexed_fields_changed(fields, update_fields):
    return update_fields is None or not fields.isdisjoint(update_fields)


@receiver(post_save, sender=Review, dispatch_uid="search-review-saved")
@never_fails_the_save
def review_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        index_reviews([instance])


@receiver(post_delete, sender=Review, dispatch_uid="search-review-deleted")
@never_fails_the_save
def review_deleted(sender, instance, **kwargs):
    unindex(REVIEW_TABLE, instance.pk)


@receiver(post_save, sender=Show, dispatch_uid="search-show-saved")
@never_fails_the_save
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
@never_fails_the_save
def show_deleted(sender, instance, **kwargs):
    unindex(SHOW_TABLE, instance.pk)


@receiver(post_save, sender=Author, dispatch_uid="search-author-saved")
@never_fails_the_save
def author_saved(sender, instance, created, raw=False, update_fields=None, **kwargs):
    if created or raw or not _indexed_fields_changed({"name"}, update_fields):
        return
    update_reviews_of(
        "author", fold(instance.name), Review.objects.filter(author=instance)
    )
