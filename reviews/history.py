"""A review's revisions, kept by django-reversion: every save in the admin
records a version of the review (reversion.admin.VersionAdmin). What this
module adds is what a writer sees of them: which fields count, how a stored
value reads, the original of a review written outside the admin, and a restore
that puts back the writer's text and nothing else."""

import json

import reversion
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.db import models
from django.utils import timezone
from reversion.models import Version

from .models import Author, Review

# What a restore puts back and the revisions page compares: everything a writer
# edits in the review form (a version stores every field).
REVISION_FIELDS = [
    "title",
    "slug",
    "author",
    "show",
    "episode",
    "kind",
    "summary",
    "intro",
    "recap",
    "body",
    "score",
    "story_score",
    "visuals_score",
    "sound_score",
    "characters_score",
    "verdict",
    "episodes_watched",
    "spoils_up_to",
    "cover",
    "cover_alt",
    "sign_off",
    "support_url",
    "support_label",
    "status",
    "published_at",
    "comments_enabled",
]
ORIGINAL_NOTE = "As it was before its first change here"


def versions_of(review):
    """The review's versions, newest first, each with its revision and the
    name of whoever saved it at hand (one query)."""
    return Version.objects.get_for_object(review).select_related(
        "revision__user__author"
    )


def current_version(review):
    """The review as it is now, as an unsaved version: what a restore is
    compared with, even if it changed outside the admin since its last one."""
    return Version(
        content_type=ContentType.objects.get_for_model(Review),
        object_id=str(review.pk),
        format="json",
        serialized_data=serializers.serialize("json", [review]),
        object_repr=str(review),
    )


def saved_by_name(version):
    user = version.revision.user
    return Author.name_of(user) if user else ""


def keep_originals(reviews):
    """Before the first change of reviews written outside the admin (the demo,
    an import), keep each as it was, so the change can be undone. Runs before
    the admin opens the revision of the change itself."""
    kept = set(
        Version.objects.get_for_model(Review)
        .filter(object_id__in=[str(review.pk) for review in reviews])
        .values_list("object_id", flat=True)
    )
    originals = [review for review in reviews if str(review.pk) not in kept]
    if originals:
        with reversion.create_revision():
            reversion.set_comment(ORIGINAL_NOTE)
            for review in originals:
                reversion.add_to_revision(review)


def stored_fields(serialized_data):
    """A version's fields as stored (JSON values), read without loading the
    review (which needs, for one, its cover file when the size is missing)."""
    return json.loads(serialized_data)[0]["fields"]


def kept_covers():
    """The cover files the revisions name: a restore may bring one back."""
    for data in Version.objects.get_for_model(Review).values_list(
        "serialized_data", flat=True
    ):
        if cover := stored_fields(data).get("cover"):
            yield cover


def restore(version, review):
    """Put the writer's fields of ``version`` back on ``review`` and save it:
    a new save, and so (in the admin's revision) a new version. The review's
    own bookkeeping (its edit counter, its rendered HTML) stays current.
    Returns the revision's note (the caller holds the revision open)."""
    stored = version.field_dict
    for name in REVISION_FIELDS:
        field = Review._meta.get_field(name)
        value = stored.get(field.attname)
        if isinstance(field, models.FileField):
            value = value.name if value else ""
        setattr(review, field.attname, value)
    review.save()
    when = timezone.localtime(version.revision.date_created)
    note = f"Restored the revision of {when:%-d %b %Y, %H:%M:%S}"
    reversion.set_comment(note)
    return note


def shown(field, value):
    """A field's stored value as the writer knows it: a show's title, not its
    id; a choice's label; a time in the site's time zone."""
    if value in (None, ""):
        return "—"
    if field.is_relation:
        found = field.related_model.objects.filter(pk=value).first()
        return str(found) if found else f"(deleted, #{value})"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.DateTimeField):
        return f"{timezone.localtime(value):%-d %b %Y, %H:%M}"
    if isinstance(field, models.BooleanField):
        return "Yes" if value else "No"
    if isinstance(field, models.FileField):
        return str(getattr(value, "name", value))
    return str(value)
