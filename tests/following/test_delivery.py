"""A review published (or reaching its scheduled time) is e-mailed once to
each confirmed follower of its show, by the worker: never twice, whatever the
worker or the mail server does, and never lost."""

import smtplib
from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from following.mail import announce_review, claim, send_deliveries
from following.models import Delivery
from reviews.models import Review
from tests.conftest import logged_in
from tests.factories import make_review, make_show
from tests.test_tasks import run_worker
from tests.test_workflow import bulk, edit

from .helpers import confirmed_follower

pytestmark = pytest.mark.django_db
SITE = "http://testserver"
State = Delivery.State


@pytest.fixture(autouse=True)
def worker_backend(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.MAIL_RETRY_MINUTES = [1, 10]


@pytest.fixture
def show():
    return make_show(title="Frieren", slug="frieren")


@pytest.fixture
def draft(show):
    return make_review(
        show=show,
        status=Review.Status.DRAFT,
        title="Episode 5: the exam",
        summary="Fern steals the show.",
        score="8.5",
        verdict=Review.Verdict.RECOMMENDED,
        recap="Himmel dies again in a flashback.",
        body="The pacing is >!deliberately slow!< and it works.",
    )


def publish(editor, review, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        bulk(logged_in(editor), "make_published", review)


def test_publishing_mails_each_confirmed_follower_once(
    editor, show, draft, django_capture_on_commit_callbacks
):
    for n in range(3):
        confirmed_follower(show, email=f"r{n}@example.com")
    publish(editor, draft, django_capture_on_commit_callbacks)
    assert mail.outbox == []  # the request only queued the task
    run_worker()
    assert sorted(m.to[0] for m in mail.outbox) == [
        "r0@example.com",
        "r1@example.com",
        "r2@example.com",
    ]
    assert set(Delivery.objects.values_list("state", flat=True)) == {State.SENT}


def test_the_subject_names_the_show_once(
    editor, show, draft, django_capture_on_commit_callbacks
):
    draft.title = "Frieren episode 5: the exam"
    draft.save()
    confirmed_follower(show)
    publish(editor, draft, django_capture_on_commit_callbacks)
    run_worker()
    assert mail.outbox[0].subject == "Frieren episode 5: the exam"


def test_the_mail_has_the_review_but_never_the_recap_or_a_spoiler(
    editor, show, draft, django_capture_on_commit_callbacks
):
    confirmed_follower(show)
    publish(editor, draft, django_capture_on_commit_callbacks)
    run_worker()
    (message,) = mail.outbox
    assert message.subject == "Frieren: Episode 5: the exam"
    assert "Fern steals the show." in message.body
    assert "Score: 8.5/10 · Verdict: Recommended" in message.body
    assert "The pacing is" in message.body and "and it works." in message.body
    assert "deliberately slow" not in message.body
    assert "Himmel" not in message.body
    assert message.extra_headers["List-Unsubscribe-Post"] == (
        "List-Unsubscribe=One-Click"
    )
    assert "/following/unsubscribe/" in message.extra_headers["List-Unsubscribe"]


def test_the_publish_request_queues_one_task_whatever_the_followers(
    editor,
    show,
    draft,
    django_capture_on_commit_callbacks,
    django_assert_max_num_queries,
):
    """Guards the editor's publish request: constant work, however many follow."""
    other = make_review(show=show, status=Review.Status.DRAFT)
    publish(editor, other, django_capture_on_commit_callbacks)
    client = logged_in(editor)
    with django_assert_max_num_queries(100) as few:
        bulk(client, "make_published", draft)
    for n in range(50):
        confirmed_follower(show, email=f"r{n}@example.com")
    draft.status = Review.Status.DRAFT
    draft.save()
    with (
        django_capture_on_commit_callbacks(execute=True),
        django_assert_max_num_queries(len(few)),
    ):
        bulk(client, "make_published", draft)
    assert (
        DBTaskResult.objects.filter(task_path="following.mail.announce_review").count()
        == 2
    )
    assert not Delivery.objects.exists()


def test_a_draft_is_never_mailed(show, draft):
    confirmed_follower(show)
    announce_review.enqueue(draft.pk, SITE)
    run_worker()
    assert mail.outbox == []
    assert not Delivery.objects.exists()


def test_a_scheduled_review_is_mailed_at_its_time_only(
    editor, show, draft, django_capture_on_commit_callbacks
):
    confirmed_follower(show)
    client = logged_in(editor)
    when = timezone.localtime() + timedelta(hours=2)
    with django_capture_on_commit_callbacks(execute=True):
        response = edit(
            client,
            draft,
            status=Review.Status.PUBLISHED,
            author=draft.author_id,
            published_at_0=f"{when:%Y-%m-%d}",
            published_at_1=f"{when:%H:%M:%S}",
        )
    assert response.status_code == 302, response.context["adminform"].form.errors
    draft.refresh_from_db()
    assert draft.is_scheduled()
    (task,) = DBTaskResult.objects.filter(task_path="following.mail.announce_review")
    assert task.run_after == draft.published_at
    run_worker()
    assert mail.outbox == []  # not yet due

    Review.objects.filter(pk=draft.pk).update(
        published_at=timezone.now() - timedelta(minutes=1)
    )
    DBTaskResult.objects.update(run_after=timezone.now())
    run_worker()
    assert len(mail.outbox) == 1


def test_a_scheduled_review_moved_later_is_not_mailed_at_the_old_time(show):
    confirmed_follower(show)
    review = make_review(show=show, published_at=timezone.now() + timedelta(days=1))
    # The worker reaches the task queued for the old time, an hour ago.
    announce_review.call(review.pk, SITE)
    assert mail.outbox == []
    assert not Delivery.objects.exists()


def test_a_follower_who_confirmed_after_publication_is_not_mailed_that_review(
    show,
):
    review = make_review(show=show, published_at=timezone.now() - timedelta(hours=2))
    confirmed_follower(show, when=timezone.now() - timedelta(hours=1))
    announce_review.call(review.pk, SITE)
    run_worker()
    assert mail.outbox == []


def test_announcing_again_sends_nothing_twice(show):
    confirmed_follower(show)
    review = make_review(show=show, published_at=timezone.now())
    announce_review.enqueue(review.pk, SITE)
    announce_review.enqueue(review.pk, SITE)
    run_worker()
    announce_review.enqueue(review.pk, SITE)
    run_worker()
    assert len(mail.outbox) == 1


def announced(show, followers=5):
    """A published review with deliveries made for ``followers`` followers and
    none sent yet."""
    for n in range(followers):
        confirmed_follower(show, email=f"r{n}@example.com")
    review = make_review(show=show, published_at=timezone.now())
    with mock.patch("following.mail.send_deliveries"):
        announce_review.call(review.pk, SITE)
    return review


def test_a_worker_stopped_while_sending_never_sends_twice_and_the_next_sends_the_rest(
    show, settings
):
    settings.FOLLOWING_BATCH = 10
    review = announced(show)
    sent = []

    def send_then_stop(backend, messages):
        if len(sent) == 2:
            raise SystemExit("stopped")  # while handing the third to the server
        sent.extend(message.to[0] for message in messages)
        return len(messages)

    with (
        mock.patch.object(EmailBackend, "send_messages", send_then_stop),
        pytest.raises(SystemExit),
    ):
        send_deliveries.call(review.pk, SITE)
    states = sorted(Delivery.objects.values_list("state", flat=True))
    assert states == ["pending", "pending", "sending", "sent", "sent"]

    send_deliveries.call(review.pk, SITE)
    again = [message.to[0] for message in mail.outbox]
    assert len(again) == 2
    assert not set(again) & set(sent)
    # The one whose fate is unknown is never sent again.
    assert Delivery.objects.filter(state=State.SENDING).count() == 1


def test_a_batch_claimed_by_a_killed_worker_is_sent_once_its_claim_expires(
    show, settings
):
    review = announced(show)
    claim(review.pk, 3)  # and the worker is killed
    send_deliveries.call(review.pk, SITE)
    assert len(mail.outbox) == 2  # the claim may still be alive: not touched

    Delivery.objects.filter(state=State.CLAIMED).update(
        claimed=timezone.now() - timedelta(minutes=settings.FOLLOWING_CLAIM_MINUTES + 1)
    )
    send_deliveries.call(review.pk, SITE)
    assert sorted(message.to[0] for message in mail.outbox) == [
        f"r{n}@example.com" for n in range(5)
    ]
    assert set(Delivery.objects.values_list("state", flat=True)) == {State.SENT}


def test_two_workers_never_claim_the_same_delivery(show):
    review = announced(show)
    first, taken_first = claim(review.pk, 3)
    second, taken_second = claim(review.pk, 3)
    assert (taken_first, taken_second) == (3, 2)
    assert not set(
        Delivery.objects.filter(claim=first).values_list("pk", flat=True)
    ) & set(Delivery.objects.filter(claim=second).values_list("pk", flat=True))


class RefusesOnce(EmailBackend):
    refused = False

    def send_messages(self, messages):
        if not RefusesOnce.refused:
            RefusesOnce.refused = True
            raise smtplib.SMTPServerDisconnected("try later")
        return super().send_messages(messages)


def test_a_mail_server_that_refuses_then_accepts_sends_each_mail_once(
    show, settings, caplog
):
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.RefusesOnce"}}
    RefusesOnce.refused = False
    for n in range(3):
        confirmed_follower(show, email=f"r{n}@example.com")
    review = make_review(show=show, published_at=timezone.now())
    announce_review.enqueue(review.pk, SITE)
    run_worker()
    assert mail.outbox == []
    failed = Delivery.objects.get(state=State.FAILED)
    assert failed.attempts == 1 and "try later" in failed.error
    assert "not sent (try 1)" in caplog.text

    DBTaskResult.objects.update(run_after=timezone.now())
    Delivery.objects.update(retry_at=timezone.now())
    run_worker()
    assert sorted(m.to[0] for m in mail.outbox) == [
        "r0@example.com",
        "r1@example.com",
        "r2@example.com",
    ]
    assert set(Delivery.objects.values_list("state", flat=True)) == {State.SENT}


def test_after_the_last_try_a_failed_delivery_is_kept_failed(show, settings):
    settings.MAIL_RETRY_MINUTES = []
    confirmed_follower(show)
    review = make_review(show=show, published_at=timezone.now())
    with mock.patch.object(EmailBackend, "send_messages", side_effect=OSError("no")):
        announce_review.enqueue(review.pk, SITE)
        run_worker()
    delivery = Delivery.objects.get()
    assert (delivery.state, delivery.retry_at) == (State.FAILED, None)
