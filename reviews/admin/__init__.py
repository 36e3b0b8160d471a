"""The writers' desk in the admin: reviews (``reviews``), the catalogue and
writers' profiles (``catalogue``), and what they share (``desk``)."""

from django.conf import settings
from django.contrib import admin

from .catalogue import AuthorAdmin, EpisodeAdmin, NameSlugAdmin, ShowAdmin
from .reviews import ReviewAdmin

admin.site.site_header = settings.SITE_NAME
admin.site.site_title = f"{settings.SITE_NAME} admin"
admin.site.index_title = "Writing desk"

__all__ = ["AuthorAdmin", "EpisodeAdmin", "NameSlugAdmin", "ReviewAdmin", "ShowAdmin"]
