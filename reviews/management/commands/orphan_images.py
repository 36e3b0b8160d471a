"""
Lists the uploaded images nothing uses, and with --delete removes them.

Used: the covers of reviews and shows, authors' avatars, images in any review's
recap or body or any author's bio, the covers kept in revisions (a restore brings
them back), and the renditions of all of these.
"""

import re

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand

from reviews.history import kept_covers
from reviews.images import delete_files, with_renditions
from reviews.models import Author, Review, Show

FOLDERS = ["covers", "uploads", "avatars"]


def stored_names(storage, folder):
    if not storage.exists(folder):
        return
    directories, files = storage.listdir(folder)
    for name in files:
        yield f"{folder}/{name}"
    for directory in directories:
        yield from stored_names(storage, f"{folder}/{directory}")


def used_names():
    names = set()
    for model, field in [(Review, "cover"), (Show, "cover"), (Author, "avatar")]:
        names.update(model.objects.exclude(**{field: ""}).values_list(field, flat=True))
    names.update(kept_covers())
    media_url = re.escape("/" + settings.MEDIA_URL.lstrip("/"))
    in_markdown = re.compile(rf"{media_url}(uploads/[^\s)\"'<>]+)")
    texts = [
        *Review.objects.values_list("intro", "recap", "body"),
        *Author.objects.values_list("bio"),
    ]
    for fields in texts:
        for text in fields:
            names.update(in_markdown.findall(text))
    return {stored for name in names for stored in with_renditions(name)}


class Command(BaseCommand):
    help = "List uploaded images that nothing uses; --delete removes them."

    def add_arguments(self, parser):
        parser.add_argument(
            "--delete", action="store_true", help="Delete them, not only list them."
        )

    def handle(self, *args, delete=False, **options):
        used = used_names()
        orphans = sorted(
            name
            for folder in FOLDERS
            for name in stored_names(default_storage, folder)
            if name not in used
        )
        for name in orphans:
            self.stdout.write(name)
        if delete:
            delete_files(orphans)
            self.stdout.write(self.style.SUCCESS(f"Deleted {len(orphans)} images."))
        else:
            self.stdout.write(
                f"{len(orphans)} unused images. Run again with --delete to remove them."
            )
