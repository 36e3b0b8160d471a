"""Our own Revision rows become django-reversion's revisions and versions, one
for one: the time, who saved, the note and the writer's fields are kept. A
version stores the whole review, so the fields a revision did not keep (the
review's bookkeeping) are taken from the review as it is now. Reversible: going
back turns each version of a review that still exists into a Revision row."""

import json

from django.core import serializers
from django.core.files.images import get_image_dimensions
from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.db import migrations

# What a Revision row kept (reviews.history.REVISION_FIELDS when this was written).
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


def review_content_type(apps, db):
    ContentType = apps.get_model("contenttypes", "ContentType")
    return ContentType.objects.db_manager(db).get_or_create(
        app_label="reviews", model="review"
    )[0]


def cover_size(name):
    """(width, height) of a stored cover, or (None, None) if it is gone: a
    version stores its cover's size, and one without it reads the file."""
    try:
        with default_storage.open(name) as image:
            return get_image_dimensions(image) or (None, None)
    except (OSError, ValueError):
        return None, None


def to_reversion(apps, schema_editor):
    db = schema_editor.connection.alias
    OldRevision = apps.get_model("reviews", "Revision")
    Review = apps.get_model("reviews", "Review")
    Revision = apps.get_model("reversion", "Revision")
    Version = apps.get_model("reversion", "Version")
    content_type = review_content_type(apps, db)
    now = {}  # each review's fields as they are, read once
    for old in OldRevision.objects.using(db).order_by("saved_at", "pk").iterator():
        if old.review_id not in now:
            review = Review.objects.using(db).get(pk=old.review_id)
            (now[old.review_id],) = serializers.serialize("python", [review])
        current = now[old.review_id]["fields"]
        fields = {**current, **old.data}
        if fields["cover"] != current["cover"]:
            fields["cover_width"], fields["cover_height"] = (
                cover_size(fields["cover"]) if fields["cover"] else (None, None)
            )
        revision = Revision.objects.using(db).create(
            date_created=old.saved_at, user_id=old.saved_by_id, comment=old.note
        )
        Version.objects.using(db).create(
            revision=revision,
            object_id=str(old.review_id),
            content_type=content_type,
            db=db,
            format="json",
            serialized_data=json.dumps(
                [{"model": "reviews.review", "pk": old.review_id, "fields": fields}],
                cls=DjangoJSONEncoder,
            ),
            object_repr=fields["title"],
        )
    # Moved, not copied: the table itself goes in a later release (0019).
    OldRevision.objects.using(db).all().delete()


def from_reversion(apps, schema_editor):
    db = schema_editor.connection.alias
    OldRevision = apps.get_model("reviews", "Revision")
    Review = apps.get_model("reviews", "Review")
    Version = apps.get_model("reversion", "Version")
    versions = Version.objects.using(db).filter(
        content_type=review_content_type(apps, db)
    )
    existing = {str(pk) for pk in Review.objects.using(db).values_list("pk", flat=True)}
    for version in versions.select_related("revision").order_by("pk").iterator():
        if version.object_id not in existing:
            continue  # a deleted review: our Revision rows died with their review
        fields = json.loads(version.serialized_data)[0]["fields"]
        old = OldRevision.objects.using(db).create(
            review_id=int(version.object_id),
            saved_by_id=version.revision.user_id,
            note=version.revision.comment[:200],
            data={name: fields.get(name) for name in REVISION_FIELDS},
        )
        # saved_at is auto_now_add: set it after the row exists.
        OldRevision.objects.using(db).filter(pk=old.pk).update(
            saved_at=version.revision.date_created
        )
    for version in versions:
        version.revision.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("reversion", "0002_add_index_on_version_for_content_type_and_db"),
        ("reviews", "0017_help_texts"),
    ]

    operations = [migrations.RunPython(to_reversion, from_reversion)]
