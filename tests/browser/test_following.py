"""A reader follows a show in Chromium, confirms from the e-mail, receives one
mail for a new review and unsubscribes in one click."""

import pytest
from django.core import mail
from django.utils import timezone

from following.mail import announce_review
from following.models import Follow
from tests.factories import make_review, make_show
from tests.following.helpers import link_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_reader_follows_a_show_confirms_from_the_email_and_unsubscribes(
    page, live_server
):
    show = make_show(title="Frieren", slug="frieren")
    make_review(show=show)
    page.goto(live_server.url + show.get_absolute_url())
    page.get_by_label("Your e-mail address").fill("reader@example.com")
    page.get_by_role("button", name="Follow this show").click()
    status = page.locator("#follow [role=status]")
    assert "open the e-mail we are sending to reader@example.com" in (
        status.inner_text()
    )

    (confirmation,) = mail.outbox
    page.goto(live_server.url + link_in(confirmation, "confirm"))
    page.get_by_role("button", name="Yes, e-mail me new reviews").click()
    assert page.get_by_role("heading", level=1).inner_text() == "You follow Frieren"
    assert Follow.objects.get().confirmed

    review = make_review(show=show, title="Episode 2", published_at=timezone.now())
    announce_review.call(review.pk, live_server.url)
    (news,) = mail.outbox[1:]
    assert news.subject == "Frieren: Episode 2"

    page.goto(news.extra_headers["List-Unsubscribe"].strip("<>"))
    page.get_by_role("button", name="Unsubscribe").click()
    assert "No more e-mails about Frieren" in page.locator("[role=status]").inner_text()
    assert not Follow.objects.exists()
