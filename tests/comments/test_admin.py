"""The moderators' queue in the admin."""

import time

import pytest
from django.urls import reverse

from comments.models import Comment
from tests.factories import make_comment, make_review

pytestmark = pytest.mark.django_db

Status = Comment.Status
CHANGELIST = reverse("admin:comments_comment_changelist")


def change_url(comment):
    return reverse("admin:comments_comment_change", args=[comment.pk])


def moderate_url(comment, action):
    return reverse("admin:comments_comment_moderate", args=[comment.pk, action])


def bulk(client, action, *comments):
    return client.post(
        CHANGELIST,
        {"action": action, "_selected_action": [c.pk for c in comments]},
    )


@pytest.fixture
def own_review(writer):
    return make_review(author=writer.author)


@pytest.fixture
def others_review(other_writer):
    return make_review(author=other_writer.author)


def test_queue_lists_pending_comments_first(moderator_client):
    approved = make_comment(text="Approved one")
    pending = make_comment(text="Pending one", status=Status.PENDING)
    spam = make_comment(text="Spam one", status=Status.SPAM)
    response = moderator_client.get(CHANGELIST)
    assert list(response.context["cl"].result_list) == [pending, approved, spam]


def test_queue_shows_what_a_moderator_needs(moderator_client):
    comment = make_comment(
        name="Aki", email="aki@example.com", ip_address="203.0.113.0/24"
    )
    content = moderator_client.get(CHANGELIST).content.decode()
    assert "Aki" in content
    assert "aki@example.com" in content
    assert "203.0.113.0/24" in content
    assert comment.review.title in content
    assert f"#comment-{comment.pk}" in content


def test_queue_filters_by_status(moderator_client):
    make_comment(status=Status.APPROVED)
    pending = make_comment(status=Status.PENDING)
    response = moderator_client.get(CHANGELIST + f"?status__exact={Status.PENDING}")
    assert list(response.context["cl"].result_list) == [pending]


@pytest.mark.parametrize(
    ("action", "before", "after"),
    [
        ("approve", Status.PENDING, Status.APPROVED),
        ("spam", Status.PENDING, Status.SPAM),
        ("not_spam", Status.SPAM, Status.APPROVED),
        ("remove", Status.APPROVED, Status.REMOVED),
    ],
)
def test_moderator_bulk_actions(moderator_client, moderator, action, before, after):
    comments = [make_comment(status=before) for _ in range(2)]
    bulk(moderator_client, action, *comments)
    for comment in comments:
        comment.refresh_from_db()
        assert comment.status == after
        assert comment.moderated_by == moderator


def test_not_spam_leaves_non_spam_comments_alone(moderator_client):
    removed = make_comment(status=Status.REMOVED)
    bulk(moderator_client, "not_spam", removed)
    removed.refresh_from_db()
    assert removed.status == Status.REMOVED


def test_moderator_can_set_the_status_on_the_change_form(moderator_client, moderator):
    comment = make_comment(status=Status.PENDING)
    moderator_client.post(change_url(comment), {"status": Status.APPROVED})
    comment.refresh_from_db()
    assert comment.status == Status.APPROVED
    assert comment.moderated_by == moderator


def test_moderator_cannot_edit_the_comment_text(moderator_client):
    comment = make_comment(text="Original")
    moderator_client.post(
        change_url(comment), {"status": Status.APPROVED, "text": "Rewritten"}
    )
    comment.refresh_from_db()
    assert comment.text == "Original"


def test_moderator_cannot_edit_a_review(moderator_client):
    review = make_review(title="Untouched")
    url = reverse("admin:reviews_review_change", args=[review.pk])
    response = moderator_client.post(url, {"title": "Edited", "status": "draft"})
    assert response.status_code in (403, 404)
    review.refresh_from_db()
    assert review.title == "Untouched"


def test_moderator_cannot_list_reviews(moderator_client):
    response = moderator_client.get(reverse("admin:reviews_review_changelist"))
    assert response.status_code == 403


def test_moderator_cannot_delete_comments(moderator_client):
    comment = make_comment()
    url = reverse("admin:comments_comment_delete", args=[comment.pk])
    assert moderator_client.post(url, {"post": "yes"}).status_code == 403
    assert Comment.objects.filter(pk=comment.pk).exists()


def test_writer_sees_only_comments_on_their_own_reviews(
    writer_client, own_review, others_review
):
    mine = make_comment(own_review)
    make_comment(others_review)
    response = writer_client.get(CHANGELIST)
    assert list(response.context["cl"].result_list) == [mine]


def test_writer_cannot_approve_with_a_crafted_action(writer_client, own_review):
    comment = make_comment(own_review, status=Status.PENDING)
    bulk(writer_client, "approve", comment)
    comment.refresh_from_db()
    assert comment.status == Status.PENDING


def test_writer_cannot_change_a_comment(writer_client, own_review):
    comment = make_comment(own_review, status=Status.PENDING)
    writer_client.post(change_url(comment), {"status": Status.APPROVED})
    comment.refresh_from_db()
    assert comment.status == Status.PENDING


def test_writer_cannot_use_the_email_links(writer_client, own_review):
    comment = make_comment(own_review, status=Status.PENDING)
    response = writer_client.post(
        moderate_url(comment, "approve"), {"seen_status": Status.PENDING}
    )
    assert response.status_code == 403


def test_editor_sees_every_comment(editor_client, own_review, others_review):
    comments = {make_comment(own_review), make_comment(others_review)}
    response = editor_client.get(CHANGELIST)
    assert set(response.context["cl"].result_list) == comments


def test_nobody_adds_comments_in_the_admin(editor_client):
    assert editor_client.get(reverse("admin:comments_comment_add")).status_code == 403


def test_admin_index_counts_pending_comments(moderator_client):
    make_comment(status=Status.PENDING)
    make_comment(status=Status.PENDING)
    make_comment(status=Status.APPROVED)
    content = moderator_client.get(reverse("admin:index")).content.decode()
    assert "<strong>2</strong> comments awaiting moderation" in content


def test_writer_index_counts_pending_comments_on_their_reviews(
    writer_client, own_review, others_review
):
    make_comment(own_review, status=Status.PENDING)
    make_comment(others_review, status=Status.PENDING)
    content = writer_client.get(reverse("admin:index")).content.decode()
    assert "<strong>1</strong> comment awaiting moderation" in content


# The links in the moderators' e-mail


def test_email_link_asks_before_acting(moderator_client):
    comment = make_comment(status=Status.PENDING, text="<script>x</script>")
    response = moderator_client.get(moderate_url(comment, "approve"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "&lt;script&gt;x&lt;/script&gt;" in content
    assert "<script>x</script>" not in content
    comment.refresh_from_db()
    assert comment.status == Status.PENDING


def test_email_link_from_before_comments_had_their_own_app_still_opens(
    moderator_client,
):
    comment = make_comment(status=Status.PENDING)
    old_link = f"/admin/reviews/comment/{comment.pk}/moderate/approve/?from=mail"
    response = moderator_client.get(old_link)
    assert response.status_code == 307
    assert response["Location"] == moderate_url(comment, "approve") + "?from=mail"
    assert moderator_client.get(response["Location"]).status_code == 200


def test_confirmation_sent_to_the_old_address_still_acts(moderator_client):
    comment = make_comment(status=Status.PENDING)
    old_link = f"/admin/reviews/comment/{comment.pk}/moderate/spam/"
    moderator_client.post(old_link, {"seen_status": Status.PENDING}, follow=True)
    comment.refresh_from_db()
    assert comment.status == Status.SPAM


def test_email_link_acts_once_confirmed(moderator_client):
    comment = make_comment(status=Status.PENDING)
    moderator_client.post(
        moderate_url(comment, "spam"), {"seen_status": Status.PENDING}
    )
    comment.refresh_from_db()
    assert comment.status == Status.SPAM


def test_second_moderator_acting_on_a_stale_page_changes_nothing(
    moderator_client, editor_client, editor
):
    comment = make_comment(status=Status.PENDING)
    # Both opened the e-mail's links while the comment was pending.
    editor_client.post(moderate_url(comment, "spam"), {"seen_status": Status.PENDING})
    response = moderator_client.post(
        moderate_url(comment, "approve"), {"seen_status": Status.PENDING}, follow=True
    )
    comment.refresh_from_db()
    assert comment.status == Status.SPAM
    assert comment.moderated_by == editor
    assert "another moderator acted on it first" in response.content.decode()


def test_moderating_is_one_update_that_skips_comments_already_there(moderator):
    comment = make_comment(status=Status.SPAM)
    queryset = Comment.objects.filter(pk=comment.pk)
    assert queryset.moderate(Status.APPROVED, moderator) == 1
    assert queryset.moderate(Status.APPROVED, moderator) == 0


def test_change_page_shows_the_comment_as_the_page_does(moderator_client):
    comment = make_comment(text="Line one\nhttps://example.com <b>x</b>")
    content = moderator_client.get(change_url(comment)).content.decode()
    assert "Line one<br>" in content
    assert 'rel="nofollow ugc noopener">https://example.com</a>' in content
    assert "&lt;b&gt;x&lt;/b&gt;" in content
    assert "&lt;br&gt;" not in content


def test_the_second_of_two_moderators_acting_at_once_is_told_who_was_first(
    moderator_client, editor_client
):
    comment = make_comment(status=Status.PENDING)
    shown_at = time.time()  # both lists shown before either acts
    for client, action in [(editor_client, "approve"), (moderator_client, "spam")]:
        response = client.post(
            CHANGELIST,
            {
                "action": action,
                "_selected_action": [comment.pk],
                "seen_at": shown_at,
            },
            follow=True,
        )
    assert "another moderator acted on it first" in response.content.decode()
    comment.refresh_from_db()
    assert comment.status == Status.APPROVED


def test_the_list_dates_its_action_form(moderator_client):
    make_comment(status=Status.PENDING)
    content = moderator_client.get(CHANGELIST).content.decode()
    assert 'name="seen_at"' in content


def test_removing_a_comment_says_its_approved_replies_stay(moderator_client):
    parent = make_comment(status=Status.APPROVED)
    make_comment(parent.review, parent=parent, status=Status.APPROVED)
    make_comment(parent.review, parent=parent, status=Status.APPROVED)
    confirm = moderator_client.get(moderate_url(parent, "remove")).content.decode()
    assert "2 approved replies answer this comment. They stay on the page" in confirm
    response = bulk(moderator_client, "remove", parent)
    told = moderator_client.get(response["Location"]).content.decode()
    assert "Their 2 approved replies stay on the page" in told
