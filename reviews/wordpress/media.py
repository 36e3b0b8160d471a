"""
A WordPress blog's images, brought through our image checks.

Found in a copy of wp-content/uploads (``--uploads DIR``), or downloaded when
``--fetch`` allows it (with a timeout and a size limit); each is checked and
re-encoded (reviews.images), stored with its renditions, and remembered by its
path in uploads, so one image used by many posts, or imported again, is
stored once. A missing or refused image is reported, never fatal.
"""

import re
import urllib.parse
import urllib.request
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from ..images import delete_files, reencode_image, store_image
from ..models import WordPressItem

UPLOADS_PATH = re.compile(r"/wp-content/uploads/(?P<path>[^?#]+)")
# WordPress's own smaller copies ("photo-300x200.jpg") and big-image copies
# ("photo-scaled.jpg") of an upload: the original is taken when there.
SIZED_COPY = re.compile(r"-(?:\d+x\d+|scaled|rotated)(?=\.\w+$)")
FETCH_TIMEOUT = 10


class Images:
    def __init__(self, site, uploads=None, fetch=False, dry_run=False):
        self.site = site
        self.uploads = Path(uploads) if uploads else None
        self.fetch = fetch
        self.dry_run = dry_run
        self.known = dict(
            WordPressItem.objects.filter(
                site=site, kind=WordPressItem.Kind.IMAGE
            ).values_list("wp_id", "file")
        )
        self.new = {}  # key -> stored name, recorded by record()
        self.written = []  # every file this run stored, renditions too
        self.missing = {}  # address -> why

    def stored_name(self, url):
        """The stored name of the image at ``url``, or None (noted in
        ``missing``)."""
        url = urllib.parse.unquote(url.strip())
        key = self.original(self.key(url))
        if not key:
            return None
        if key in self.known:
            return self.known[key]
        if key in self.new:
            return self.new[key]
        if url in self.missing:
            return None
        content, why = self.read(url, key)
        if content is None:
            self.missing[url] = why
            return None
        try:
            image = reencode_image(content)
        except ValidationError as error:
            self.missing[url] = " ".join(error.messages)
            return None
        folder = key.rpartition("/")[0] if "/" in key and "://" not in key else ""
        name = f"uploads/{folder.strip('/') or 'wordpress'}/{image.name}"
        if self.dry_run:
            self.new[key] = name
            return name
        stored = store_image(name, image)
        self.written += stored
        self.new[key] = stored[0]
        return stored[0]

    def url(self, name):
        return default_storage.url(name)

    @staticmethod
    def key(url):
        """What an image is remembered by: its path in uploads, or for an
        image from elsewhere, its address."""
        if match := UPLOADS_PATH.search(url):
            return match["path"]
        if url.startswith(("http://", "https://")):
            return url[:255]
        return ""

    def original(self, key):
        """The upload a WordPress copy was made from, when we have it."""
        original = SIZED_COPY.sub("", key)
        if original != key and self.uploads and (self.uploads / original).is_file():
            return original
        return key

    def read(self, url, key):
        """(ContentFile, "") or (None, why not)."""
        limit = settings.REVIEWS_UPLOAD_MAX_BYTES
        if self.uploads and "://" not in key:
            file = (self.uploads / key).resolve()
            if not file.is_relative_to(self.uploads.resolve()):
                return None, "outside the uploads directory"
            if file.is_file():
                if file.stat().st_size > limit:
                    return None, "too large"
                return ContentFile(file.read_bytes(), name=file.name), ""
        if self.fetch and url.startswith(("http://", "https://")):
            return self.download(url, limit)
        where = "in the uploads directory" if self.uploads else "(no --uploads given)"
        return None, f"not found {where}"

    @staticmethod
    def download(url, limit):
        request = urllib.request.Request(url, headers={"User-Agent": "import"})
        try:
            with urllib.request.urlopen(request, timeout=FETCH_TIMEOUT) as response:
                if int(response.headers.get("Content-Length") or 0) > limit:
                    return None, "too large"
                data = response.read(limit + 1)
        except (OSError, ValueError) as error:
            return None, f"could not be downloaded ({error})"
        if len(data) > limit:
            return None, "too large"
        return ContentFile(data, name=url.rsplit("/", 1)[-1] or "image"), ""

    def record(self):
        """Remember the images stored since the last call (in the import's
        transaction); returns how many."""
        if not self.new:
            return 0
        WordPressItem.objects.bulk_create(
            WordPressItem(
                site=self.site, kind=WordPressItem.Kind.IMAGE, wp_id=key, file=name
            )
            for key, name in self.new.items()
        )
        self.known.update(self.new)
        recorded, self.new = len(self.new), {}
        return recorded

    def discard(self):
        """The import did not commit: delete what it stored."""
        delete_files(self.written)
        self.written = []
