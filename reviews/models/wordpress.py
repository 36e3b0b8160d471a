"""What `manage.py import_wordpress` brought, so that a second run updates
rather than doubles, and the old blog's links that answer 301 here."""

from django.db import models

from .review import Review


class WordPressItem(models.Model):
    """One thing imported from a WordPress blog, by the blog's address and
    WordPress's own id: an author (by login), a post, a comment, an image (by
    its path in wp-content/uploads, or its address)."""

    class Kind(models.TextChoices):
        AUTHOR = "author", "Author"
        POST = "post", "Post"
        COMMENT = "comment", "Comment"
        IMAGE = "image", "Image"

    site = models.CharField(
        max_length=200, help_text="The blog's address, without http(s)://."
    )
    kind = models.CharField(max_length=10, choices=Kind)
    wp_id = models.CharField("WordPress id", max_length=255)
    object_id = models.PositiveBigIntegerField(
        null=True, blank=True, help_text="The author, review or comment made of it."
    )
    file = models.CharField(
        max_length=255, blank=True, help_text="For an image: its stored name."
    )
    # What the import made of it last time: the same again is left alone (a
    # writer's later edits stay), a change in the export is applied.
    digest = models.CharField(max_length=64, blank=True)
    imported = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["site", "kind", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["site", "kind", "wp_id"], name="wordpress_item_unique"
            )
        ]

    def __str__(self):
        return f"{self.site} {self.get_kind_display().lower()} {self.wp_id}"


class OldLink(models.Model):
    """An address of the old blog (a permalink, /?p=123, an archive, the
    feed) and the page that answers it now."""

    path = models.CharField(
        max_length=500,
        unique=True,
        help_text='The old path, with its query for "/?p=123"-style links.',
    )
    review = models.ForeignKey(
        Review,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text="The review it moved to (followed if its slug changes).",
    )
    target = models.CharField(
        max_length=500, blank=True, help_text="Otherwise, the path it moved to."
    )
    site = models.CharField(max_length=200, help_text="The blog it came from.")

    class Meta:
        ordering = ["path"]

    def __str__(self):
        return self.path

    def new_path(self):
        return self.review.get_absolute_url() if self.review_id else self.target
