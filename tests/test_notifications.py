"""E-mails about the workflow: a submitted review reaches the editors, an
editor's publication reaches its writer."""

import pytest
from django.core import mail
from django.urls import reverse

from reviews.models import Review
from tests.conftest import logged_in, staff_author
from tests.factories import make_review
from tests.test_workflow import add, bulk, edit

pytestmark = pytest.mark.django_db

Status = Review.Status


@pytest.fixture
def guest(db):
    user = staff_author("guest", "Guest writers")
    user.email = "guest@example.com"
    user.save()
    return user


@pytest.fixture
def editor_with_email(editor):
    editor.email = "editor@example.com"
    editor.save()
    return editor


def test_a_guests_submission_emails_the_editors(
    guest, editor_with_email, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        add(logged_in(guest), status=Status.SUBMITTED, title="My first review")
    (message,) = mail.outbox
    assert message.to == ["editor@example.com"]
    assert message.subject == "Submitted for review: “My first review”"
    review = Review.objects.get()
    change = reverse("admin:reviews_review_change", args=[review.pk])
    assert f"http://testserver{change}" in message.body


def test_saving_a_submitted_review_again_sends_nothing_more(
    guest, editor_with_email, django_capture_on_commit_callbacks
):
    client = logged_in(guest)
    add(client, status=Status.SUBMITTED)
    review = Review.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        edit(client, review, body="A typo fixed.")
    assert mail.outbox == []


def test_an_editor_publishing_a_guests_review_emails_the_guest(
    guest, editor_with_email, django_capture_on_commit_callbacks
):
    review = make_review(author=guest.author, status=Status.SUBMITTED)
    with django_capture_on_commit_callbacks(execute=True):
        edit(
            logged_in(editor_with_email),
            review,
            status=Status.PUBLISHED,
            author=guest.author.pk,  # editors see the byline field
        )
    (message,) = mail.outbox
    assert message.to == ["guest@example.com"]
    assert message.subject == f"Published: “{review.title}”"
    assert f"http://testserver{review.get_absolute_url()}" in message.body


def test_publishing_in_bulk_emails_the_writer_too(
    guest, editor_with_email, django_capture_on_commit_callbacks
):
    review = make_review(author=guest.author, status=Status.SUBMITTED)
    with django_capture_on_commit_callbacks(execute=True):
        bulk(logged_in(editor_with_email), "make_published", review)
    assert [m.to for m in mail.outbox] == [["guest@example.com"]]


def test_writers_publishing_their_own_review_get_no_mail(
    writer_client, writer, django_capture_on_commit_callbacks
):
    writer.email = "writer@example.com"
    writer.save()
    with django_capture_on_commit_callbacks(execute=True):
        add(writer_client, status=Status.PUBLISHED)
    assert mail.outbox == []
