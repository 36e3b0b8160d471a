"""Each review's stored comment count (Review.comment_count) follows its
comments on every path that changes what the comment section shows, and
nothing else writes it."""

from importlib import import_module

import pytest
from django.apps import apps

from comments.models import Comment
from reviews.models import Review
from tests.factories import keep_revision, make_comment, make_review

pytestmark = pytest.mark.django_db


def stored_count(review):
    return Review.objects.values_list("comment_count", flat=True).get(pk=review.pk)


@pytest.fixture
def review():
    return make_review()


def test_an_approved_comment_is_counted(review):
    make_comment(review)
    assert stored_count(review) == 1


def test_a_comment_awaiting_moderation_is_not_counted(review):
    make_comment(review, status=Comment.Status.PENDING)
    assert stored_count(review) == 0


def test_approving_in_the_queue_counts_the_comment(review, moderator):
    comment = make_comment(review, status=Comment.Status.PENDING)
    Comment.objects.filter(pk=comment.pk).moderate(Comment.Status.APPROVED, moderator)
    assert stored_count(review) == 1


def test_marking_an_approved_comment_spam_uncounts_it(review, moderator):
    comment = make_comment(review)
    Comment.objects.filter(pk=comment.pk).moderate(Comment.Status.SPAM, moderator)
    assert stored_count(review) == 0


def test_approving_a_held_comment_counts_its_approved_replies(review, moderator):
    held = make_comment(review, status=Comment.Status.PENDING)
    make_comment(review, parent=held)
    assert stored_count(review) == 0  # the reply waits with its thread
    Comment.objects.filter(pk=held.pk).moderate(Comment.Status.APPROVED, moderator)
    assert stored_count(review) == 2


def test_deleting_a_comment_uncounts_it_and_its_replies(review):
    comment = make_comment(review)
    make_comment(review, parent=comment)
    assert stored_count(review) == 2
    comment.delete()
    assert stored_count(review) == 0


def test_an_edit_in_the_admin_changes_the_count(review):
    comment = make_comment(review)
    comment.status = Comment.Status.REMOVED
    comment.save()
    assert stored_count(review) == 0


def test_saving_a_review_opened_before_a_comment_keeps_the_comment_counted(review):
    opened = Review.objects.get(pk=review.pk)  # the writer's form
    make_comment(review)
    opened.title = "A better title"
    opened.save()
    assert stored_count(review) == 1


def test_restoring_an_old_revision_keeps_todays_count(review):
    version = keep_revision(review)
    make_comment(review)
    version.revision.revert()
    assert stored_count(review) == 1


def test_a_comment_on_another_review_leaves_this_count(review):
    make_comment(make_review())
    assert stored_count(review) == 0


def test_the_migration_counts_the_comments_already_there(review):
    make_comment(review)
    held = make_comment(review, status=Comment.Status.PENDING)
    make_comment(review, parent=held)  # waits with its thread
    Review.objects.update(comment_count=0)
    migration = import_module("comments.migrations.0006_count_comments")
    migration.count_comments(apps, None)
    assert stored_count(review) == 1
