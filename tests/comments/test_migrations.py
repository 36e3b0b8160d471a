"""Comments moved from the reviews app to their own (reviews.0011, comments.0001):
a database from before the move keeps every row, status and permission."""

from datetime import timedelta
from importlib import import_module

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from comments.models import Comment
from reviews import search
from reviews.history import versions_of
from reviews.models import Review
from tests.factories import restore_groups

BEFORE_THE_MOVE = [("comments", None), ("reviews", "0010_list_filter_indexes")]

pytestmark = pytest.mark.django_db(transaction=True)


def migrate(targets):
    """Migrate to ``targets``; the historical apps there."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    nodes = [target for target in targets if target[1] is not None]
    return executor.loader.project_state(nodes, at_end=True).apps


def migrate_to_the_end():
    executor = MigrationExecutor(connection)
    migrate(executor.loader.graph.leaf_nodes())


def grants():
    """Each group's comment permissions, as (permission id, codename): later
    migrations may grant others."""
    return {
        group.name: set(
            group.permissions.filter(codename__endswith="_comment").values_list(
                "pk", "codename"
            )
        )
        for group in Group.objects.all()
    }


def write_content_from_before_the_move(apps):
    """A review with a comment in each status and a reply, a revision, and the
    review in the search index, through the models as they were."""
    user = apps.get_model("auth", "User").objects.create(username="mover")
    author = apps.get_model("reviews", "Author").objects.create(
        user=user, name="Mover", slug="mover"
    )
    show = apps.get_model("reviews", "Show").objects.create(
        title="Metallic Rouge", slug="metallic-rouge"
    )
    review = apps.get_model("reviews", "Review").objects.create(
        author=author,
        show=show,
        kind="season",
        title="Rouge, moved",
        slug="rouge-moved",
        body="Zanzibarword",
        body_spoiler_free_html="<p>Zanzibarword</p>",
        status="published",
        published_at=timezone.now() - timedelta(days=1),
    )
    OldComment = apps.get_model("reviews", "Comment")
    comments = [
        OldComment.objects.create(
            review=review,
            name=f"Reader {status}",
            email=f"reader{status}@example.com",
            text=f"Comment {status}",
            text_html=f"<p>Comment {status}</p>",
            status=status,
            fingerprint=f"fingerprint-{status}",
        )
        for status in (0, 1, 2, 3)
    ]
    OldComment.objects.create(
        review=review,
        parent=comments[1],
        name="Replier",
        email="replier@example.com",
        text="A reply",
        text_html="<p>A reply</p>",
        status=1,
        fingerprint="fingerprint-reply",
    )
    apps.get_model("reviews", "Revision").objects.create(
        review=review, saved_by=user, data={"title": "Rouge, moved"}
    )
    # The index as it was then written (what 0009_search keeps of that code),
    # without what other tests left in it (a flush empties only models' tables).
    with connection.cursor() as cursor:
        for table in search.TABLES:
            cursor.execute(f"DELETE FROM {table}")
    import_module("reviews.migrations.0009_search").write_documents(apps, connection)
    return {comment.pk: comment.status for comment in OldComment.objects.all()}


def test_moving_comments_keeps_rows_statuses_and_permissions():
    restore_groups()
    try:
        apps = migrate(BEFORE_THE_MOVE)
        statuses = write_content_from_before_the_move(apps)
        before = grants()
        comment_permissions = set(
            apps.get_model("auth", "Permission")
            .objects.filter(
                content_type__app_label="reviews", content_type__model="comment"
            )
            .values_list("pk", flat=True)
        )
        migrate_to_the_end()

        assert {c.pk: c.status for c in Comment.objects.all()} == statuses
        reply = Comment.objects.get(name="Replier")
        assert reply.parent.name == "Reader 1"
        assert reply.review == Review.objects.get(slug="rouge-moved")
        assert versions_of(Review.objects.get(slug="rouge-moved")).count() == 1
        assert search.ReviewResults("zanzibarword").count() == 1
        assert grants() == before
        moved = Permission.objects.filter(pk__in=comment_permissions)
        assert {p.content_type.app_label for p in moved} == {"comments"}
        moderator = User.objects.create(username="moderator-after-the-move")
        moderator.groups.add(Group.objects.get(name="Moderators"))
        assert moderator.has_perms(["comments.view_comment", "comments.change_comment"])
    finally:
        migrate_to_the_end()


def test_moving_back_returns_the_permissions_to_the_reviews_app():
    try:
        ContentType = migrate(BEFORE_THE_MOVE).get_model("contenttypes", "ContentType")
        assert ContentType.objects.filter(app_label="reviews", model="comment").exists()
        assert not ContentType.objects.filter(
            app_label="comments", model="comment"
        ).exists()
    finally:
        migrate_to_the_end()
