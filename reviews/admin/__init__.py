"""The writers' desk in the admin: reviews (``reviews``), the catalogue and
writers' profiles (``catalogue``), and what they share (``desk``)."""

from django.conf import settings
from django.contrib import admin
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult

from .catalogue import (
    AuthorAdmin,
    EpisodeAdmin,
    NameSlugAdmin,
    SeasonGuideAdmin,
    ShowAdmin,
)
from .reviews import ReviewAdmin


class TaskResultAdmin(DBTaskResultAdmin):
    """The e-mails' tasks, for whoever runs the site: what was sent, what
    failed and why (its traceback), in columns that fit the window."""

    list_display = ("task_name", "status", "enqueued_at", "finished_at")
    list_display_links = ("task_name",)


admin.site.unregister(DBTaskResult)
admin.site.register(DBTaskResult, TaskResultAdmin)

admin.site.site_header = settings.SITE_NAME
admin.site.site_title = f"{settings.SITE_NAME} admin"
admin.site.index_title = "Writing desk"

__all__ = [
    "AuthorAdmin",
    "EpisodeAdmin",
    "NameSlugAdmin",
    "ReviewAdmin",
    "SeasonGuideAdmin",
    "ShowAdmin",
]
