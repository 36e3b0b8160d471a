"""Our own Revision rows moved into django-reversion (reviews.0018, 0019): every
row kept, with its time, who saved it, its note and the writer's fields; and
back again."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from reversion.models import Version

from reviews.history import REVISION_FIELDS, stored_fields, versions_of
from reviews.models import Review
from tests.comments.test_migrations import migrate, migrate_to_the_end
from tests.factories import image_bytes

BEFORE = [("reviews", "0017_help_texts")]

pytestmark = pytest.mark.django_db(transaction=True)


def write_revisions(apps):
    """A review with three revisions as our own model kept them: by two
    writers and by nobody (the original of a demo review)."""
    User = apps.get_model("auth", "User")
    writer = User.objects.create(username="revisor")
    editor = User.objects.create(username="editor-revisor")
    author = apps.get_model("reviews", "Author").objects.create(
        user=writer, name="Revisor", slug="revisor"
    )
    show = apps.get_model("reviews", "Show").objects.create(
        title="Frieren", slug="frieren"
    )
    published = timezone.now().replace(microsecond=123000) - timedelta(days=2)
    review = apps.get_model("reviews", "Review").objects.create(
        author=author,
        show=show,
        kind="season",
        title="Frieren, third take",
        slug="frieren-take",
        body="Third.",
        score=Decimal("8.5"),
        status="published",
        published_at=published,
    )
    Revision = apps.get_model("reviews", "Revision")
    snapshot = {
        name: None for name in REVISION_FIELDS if name not in ("author", "show")
    }
    # Takes 1 and 3 had covers still stored; take 2's is gone.
    covers = {
        1: default_storage.save("covers/take-1.png", ContentFile(image_bytes())),
        2: "covers/take-2-gone.png",
        3: default_storage.save("covers/take-3.png", ContentFile(image_bytes())),
    }
    rows = []
    for number, (user, note, status) in enumerate(
        [
            (None, "As it was", "draft"),
            (writer, "", "submitted"),
            (editor, "Publish now", "published"),
        ],
        start=1,
    ):
        data = {
            **snapshot,
            "title": f"Frieren, take {number}",
            "slug": "frieren-take",
            "author": author.pk,
            "show": show.pk,
            "kind": "season",
            "body": f"Take {number}.\nWith a second line.",
            "score": f"{7 + number / 2}",
            "status": status,
            "published_at": published.isoformat(timespec="milliseconds"),
            "cover": covers[number],
            "comments_enabled": number != 2,
        }
        row = Revision.objects.create(
            review=review, saved_by=user, note=note, data=data
        )
        saved_at = published + timedelta(hours=number)
        Revision.objects.filter(pk=row.pk).update(saved_at=saved_at)
        rows.append((saved_at, user and user.pk, note, data))
    return review.pk, rows


def test_every_revision_becomes_a_version_with_nothing_lost():
    try:
        review_pk, rows = write_revisions(migrate(BEFORE))
        migrate_to_the_end()

        review = Review.objects.get(pk=review_pk)
        versions = list(reversed(versions_of(review)))  # oldest first
        assert len(versions) == len(rows) == 3
        for version, (saved_at, user_pk, note, data) in zip(
            versions, rows, strict=True
        ):
            assert version.revision.date_created == saved_at
            assert version.revision.user_id == user_pk
            assert version.revision.comment == note
            if data["cover"] == "covers/take-2-gone.png":
                # Its size unknown, a version naming a lost file cannot be
                # loaded; what it stored is all there.
                assert stored_fields(version.serialized_data)["body"] == data["body"]
                continue
            stored = version.field_dict
            assert (stored["cover_width"], stored["cover_height"]) == (40, 30)
            assert stored["title"] == data["title"]
            assert stored["body"] == data["body"]
            assert stored["score"] == Decimal(data["score"])
            assert stored["status"] == data["status"]
            assert stored["cover"].name == data["cover"]
            assert stored["comments_enabled"] is data["comments_enabled"]
            assert stored["author_id"] == data["author"]
            assert stored["published_at"] == review.published_at
            # What a revision did not keep comes from the review as it is.
            assert stored["version"] == review.version
    finally:
        migrate_to_the_end()


def test_moving_back_gives_each_version_its_revision_row_again():
    try:
        review_pk, rows = write_revisions(migrate(BEFORE))
        migrate_to_the_end()
        apps = migrate(BEFORE)

        Revision = apps.get_model("reviews", "Revision")
        back = Revision.objects.filter(review_id=review_pk).order_by("saved_at")
        assert [
            (row.saved_at, row.saved_by_id, row.note, row.data) for row in back
        ] == rows
        assert not Version.objects.exists()
    finally:
        migrate_to_the_end()


def test_a_row_the_previous_release_writes_to_the_old_table_blocks_no_delete():
    from django.db import connection

    from tests.factories import make_review

    review = make_review()
    user = review.author.user
    with connection.cursor() as cursor:
        # What a server still on the previous release saves during the deploy.
        cursor.execute(
            "INSERT INTO reviews_revision"
            " (review_id, saved_by_id, saved_at, note, data)"
            " VALUES (%s, %s, %s, '', '{}')",
            [review.pk, user.pk, timezone.now()],
        )
    review.delete()
    assert not Review.objects.filter(pk=review.pk).exists()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM reviews_revision")
