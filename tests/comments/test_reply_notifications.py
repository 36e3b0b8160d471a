"""A commenter who ticks "E-mail me replies to this comment" is mailed each
approved reply to it, once, by the worker: after confirming that comment's
replies, which the first e-mail asks for; every e-mail has a one-click mute
link and one that stops them all for the address."""

import re
from datetime import timedelta
from functools import partial
from unittest import mock

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from comments.mail import confirm_token, notify_reply, reply_approved
from comments.models import Comment, ReplyAddress
from tests.conftest import logged_in
from tests.factories import make_comment, make_review
from tests.following.test_delivery import RefusesOnce
from tests.test_tasks import run_worker

from .test_admin import bulk
from .test_views import post

pytestmark = pytest.mark.django_db
SITE = "http://testserver"
Status = Comment.Status


@pytest.fixture
def review():
    return make_review(title="Frieren episode 1")


@pytest.fixture
def parent(review):
    return make_comment(
        review, name="Aki", email="Aki@Example.com", notify_replies=True
    )


@pytest.fixture
def confirmed(parent):
    Comment.objects.filter(pk=parent.pk).update(replies_confirmed=timezone.now())


def reply(parent, status=Status.APPROVED, **kwargs):
    kwargs.setdefault("text", "Agreed: the >!ending!< got me too.")
    return make_comment(
        parent.review, parent=parent, name="Mei", status=status, **kwargs
    )


def approve(reply_, django_capture_on_commit_callbacks):
    """Approve ``reply_`` as moderators do (the queryset's moderate())."""
    with django_capture_on_commit_callbacks(execute=True):
        Comment.objects.filter(pk=reply_.pk).moderate(
            Status.APPROVED,
            None,
            on_reply_approved=partial(reply_approved, site_url=SITE),
        )


def link_in(message, name):
    match = re.search(
        rf"https?://[^/\s]+(/comments/replies/{name}/[^\s]+/)", message.body
    )
    return match[1]


# The form


def test_the_comment_form_offers_reply_emails(client, review):
    page = client.get(review.get_absolute_url()).content.decode()
    assert "E-mail me replies to this comment" in page
    assert 'name="notify_replies"' in page


def test_the_box_ticked_is_kept_with_the_comment(client, review):
    post(client, review, notify_replies="on")
    assert Comment.objects.get().notify_replies is True


def test_reply_emails_are_off_unless_ticked(client, review):
    post(client, review)
    assert Comment.objects.get().notify_replies is False


# Confirming first


def test_the_first_approved_reply_asks_the_address_to_confirm(
    parent, django_capture_on_commit_callbacks
):
    approve(reply(parent, status=Status.PENDING), django_capture_on_commit_callbacks)
    (message,) = mail.outbox
    assert message.to == ["aki@example.com"]
    assert message.subject.startswith("Confirm")
    assert "/comments/replies/confirm/" in message.body
    assert "Agreed" not in message.body  # the reply waits for the confirmation


def test_an_unconfirmed_comment_is_asked_about_once(
    parent, django_capture_on_commit_callbacks
):
    approve(reply(parent, status=Status.PENDING), django_capture_on_commit_callbacks)
    approve(reply(parent, status=Status.PENDING), django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1


def test_a_comment_never_confirmed_is_asked_about_again_after_a_week(
    parent, settings, django_capture_on_commit_callbacks
):
    approve(reply(parent, status=Status.PENDING), django_capture_on_commit_callbacks)
    days = settings.FOLLOWING_CONFIRM_DAYS
    Comment.objects.filter(pk=parent.pk).update(
        replies_asked=timezone.now() - timedelta(days=days + 1)
    )
    approve(reply(parent, status=Status.PENDING), django_capture_on_commit_callbacks)
    assert [m.subject[:7] for m in mail.outbox] == ["Confirm", "Confirm"]


def test_opening_the_confirmation_link_only_asks(
    parent, django_capture_on_commit_callbacks
):
    approve(reply(parent, status=Status.PENDING), django_capture_on_commit_callbacks)
    response = Client().get(link_in(mail.outbox[0], "confirm"))
    assert b"Yes, e-mail me replies" in response.content
    parent.refresh_from_db()
    assert parent.replies_confirmed is None


def test_pressing_confirm_confirms_the_comments_replies(
    parent, django_capture_on_commit_callbacks
):
    approve(reply(parent, status=Status.PENDING), django_capture_on_commit_callbacks)
    response = Client().post(link_in(mail.outbox[0], "confirm"))
    assert b"Replies confirmed" in response.content
    parent.refresh_from_db()
    assert parent.replies_confirmed is not None


def test_a_confirmed_comment_does_not_confirm_another_with_the_same_address(
    review, parent, confirmed, django_capture_on_commit_callbacks
):
    # Anyone may type Aki's address: their comment's replies need Aki's yes.
    posed = make_comment(review, email="aki@example.com", notify_replies=True)
    approve(reply(posed, status=Status.PENDING), django_capture_on_commit_callbacks)
    (message,) = mail.outbox
    assert message.subject.startswith("Confirm")
    assert "Agreed" not in message.body


def test_an_expired_confirmation_link_does_not_work(parent, settings):
    token = confirm_token(parent.pk)
    later = timezone.now() + timedelta(days=settings.FOLLOWING_CONFIRM_DAYS + 1)
    with mock.patch("django.core.signing.time.time", return_value=later.timestamp()):
        response = Client().post(f"/comments/replies/confirm/{token}/")
    assert response.status_code == 400
    parent.refresh_from_db()
    assert parent.replies_confirmed is None


def test_a_tampered_confirmation_link_does_not_work(parent):
    token = confirm_token(parent.pk + 1).replace(str(parent.pk + 1), str(parent.pk))
    response = Client().post(f"/comments/replies/confirm/{token}/")
    assert response.status_code == 400


# The replies


def test_a_confirmed_address_is_mailed_the_reply_with_spoilers_hidden(
    parent, confirmed, django_capture_on_commit_callbacks
):
    approve(reply(parent, status=Status.PENDING), django_capture_on_commit_callbacks)
    (message,) = mail.outbox
    assert message.subject == "Mei replied to your comment on Frieren episode 1"
    assert "Agreed: the [spoiler hidden] got me too." in message.body
    assert "ending" not in message.body


def test_every_reply_mail_has_one_click_unsubscribe(
    parent, confirmed, django_capture_on_commit_callbacks
):
    approve(reply(parent, status=Status.PENDING), django_capture_on_commit_callbacks)
    (message,) = mail.outbox
    mute = link_in(message, "mute")
    assert message.extra_headers["List-Unsubscribe"] == f"<{SITE}{mute}>"
    assert (
        message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    )


def test_a_pending_reply_is_not_mailed(
    client, review, parent, confirmed, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post(client, review, name="Mei", email="mei@example.com", reply_to=parent.pk)
    assert Comment.objects.get(name="Mei").is_pending()
    assert mail.outbox == []


def test_a_reply_published_at_once_is_mailed(
    client, review, parent, confirmed, django_capture_on_commit_callbacks
):
    make_comment(review, email="mei@example.com")  # Mei is known: published at once
    with django_capture_on_commit_callbacks(execute=True):
        post(client, review, name="Mei", email="mei@example.com", reply_to=parent.pk)
    assert Comment.objects.get(name="Mei", parent=parent).is_approved()
    assert [m.to for m in mail.outbox] == [["aki@example.com"]]


def test_a_reply_approved_from_the_queue_is_mailed(
    moderator, parent, confirmed, django_capture_on_commit_callbacks
):
    pending = reply(parent, status=Status.PENDING)
    with django_capture_on_commit_callbacks(execute=True):
        bulk(logged_in(moderator), "approve", pending)
    assert len(mail.outbox) == 1


def test_a_reply_approved_again_is_not_mailed_twice(
    parent, confirmed, django_capture_on_commit_callbacks
):
    pending = reply(parent, status=Status.PENDING)
    approve(pending, django_capture_on_commit_callbacks)
    Comment.objects.filter(pk=pending.pk).moderate(Status.REMOVED, None)
    approve(pending, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1


def test_the_task_run_twice_mails_once(parent, confirmed):
    approved = reply(parent)
    notify_reply.call(approved.pk, SITE)
    notify_reply.call(approved.pk, SITE)
    assert len(mail.outbox) == 1


def test_a_reply_removed_before_the_worker_runs_is_not_mailed(parent, confirmed):
    removed = reply(parent, status=Status.REMOVED)
    notify_reply.call(removed.pk, SITE)
    assert mail.outbox == []


def test_no_mail_when_the_comment_did_not_ask(
    review, django_capture_on_commit_callbacks
):
    quiet = make_comment(
        review, email="aki@example.com", replies_confirmed=timezone.now()
    )
    approve(reply(quiet, status=Status.PENDING), django_capture_on_commit_callbacks)
    assert mail.outbox == []


def test_no_mail_for_a_reply_to_ones_own_comment(
    parent, confirmed, django_capture_on_commit_callbacks
):
    own = reply(parent, status=Status.PENDING, email="aki@example.com")
    approve(own, django_capture_on_commit_callbacks)
    assert mail.outbox == []


# Muting


def test_the_mute_link_only_asks_when_opened(
    parent, confirmed, django_capture_on_commit_callbacks
):
    approve(reply(parent, status=Status.PENDING), django_capture_on_commit_callbacks)
    response = Client().get(link_in(mail.outbox[0], "mute"))
    assert b"Stop these e-mails" in response.content
    parent.refresh_from_db()
    assert parent.notify_replies is True


def test_one_click_unsubscribe_mutes_the_comment(
    parent, confirmed, django_capture_on_commit_callbacks
):
    approve(reply(parent, status=Status.PENDING), django_capture_on_commit_callbacks)
    response = Client().post(
        link_in(mail.outbox[0], "mute"), {"List-Unsubscribe": "One-Click"}
    )
    assert response.status_code == 200
    parent.refresh_from_db()
    assert parent.notify_replies is False


def test_a_muted_comment_gets_no_more_replies(
    parent, confirmed, django_capture_on_commit_callbacks
):
    approve(reply(parent, status=Status.PENDING), django_capture_on_commit_callbacks)
    Client().post(link_in(mail.outbox[0], "mute"))
    approve(reply(parent, status=Status.PENDING), django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1


def test_no_mail_when_the_comment_is_no_longer_shown(parent, confirmed):
    approved = reply(parent)
    Comment.objects.filter(pk=parent.pk).update(status=Status.REMOVED)
    notify_reply.call(approved.pk, SITE)
    assert mail.outbox == []


def test_a_reply_form_offers_no_reply_emails(client, review, parent):
    page = client.get(review.get_absolute_url() + f"?reply_to={parent.pk}")
    assert 'name="notify_replies"' not in page.content.decode()


def test_a_reply_never_asks_for_reply_emails(client, review, parent):
    make_comment(review, email="mei@example.com")
    post(
        client, review, email="mei@example.com", reply_to=parent.pk, notify_replies="on"
    )
    assert Comment.objects.get(parent=parent).notify_replies is False


def test_stop_all_stops_every_comments_replies(
    review, parent, confirmed, django_capture_on_commit_callbacks
):
    approve(reply(parent, status=Status.PENDING), django_capture_on_commit_callbacks)
    response = Client().post(link_in(mail.outbox[0], "stop"))
    assert b"Reply e-mails stopped" in response.content
    other = make_comment(review, email="aki@example.com", notify_replies=True)
    approve(reply(parent, status=Status.PENDING), django_capture_on_commit_callbacks)
    approve(reply(other, status=Status.PENDING), django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1


def test_confirming_a_comment_again_undoes_stop_all(
    parent, django_capture_on_commit_callbacks
):
    ReplyAddress.objects.create(email="aki@example.com")
    Client().post(f"/comments/replies/confirm/{confirm_token(parent.pk)}/")
    approve(reply(parent, status=Status.PENDING), django_capture_on_commit_callbacks)
    assert [m.subject[:4] for m in mail.outbox] == ["Mei "]


def test_a_tampered_stop_link_does_not_work(parent):
    response = Client().post("/comments/replies/stop/aki@example.com:forged/")
    assert response.status_code == 400


def test_a_tampered_mute_link_does_not_work(parent):
    response = Client().post(f"/comments/replies/mute/{parent.pk}:forged/")
    assert response.status_code == 400


# On the worker


def test_a_mail_server_that_refuses_then_accepts_sends_the_reply_once(
    parent, confirmed, settings, caplog
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.MAILERS = {"default": {"BACKEND": f"{RefusesOnce.__module__}.RefusesOnce"}}
    RefusesOnce.refused = False
    notify_reply.enqueue(reply(parent).pk, SITE)
    run_worker()
    assert mail.outbox == []
    assert "not sent (try 1)" in caplog.text

    DBTaskResult.objects.update(run_after=timezone.now())
    run_worker()
    run_worker()
    assert len(mail.outbox) == 1


def test_approving_in_a_request_leaves_the_mail_to_the_worker(
    moderator, parent, confirmed, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    pending = reply(parent, status=Status.PENDING)
    with django_capture_on_commit_callbacks(execute=True):
        bulk(logged_in(moderator), "approve", pending)
    assert mail.outbox == []
    run_worker()
    assert len(mail.outbox) == 1
