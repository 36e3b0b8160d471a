"""A reader follows a show by e-mail without an account: double opt-in, a
manage page behind a signed link, one-click unsubscribe (RFC 8058)."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from following.mail import request_follow
from following.models import Follow, Follower
from following.rules import manage_token, unsubscribe_token
from tests.factories import make_review, make_show

from .helpers import confirmed_follower, follow, follow_and_confirm, link_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def show():
    return make_show(title="Frieren", slug="frieren")


def test_following_sends_only_a_confirmation(client, show):
    response = follow(client, show)
    assert response.status_code == 302
    assert response["Location"] == f"{show.get_absolute_url()}#follow"
    (message,) = mail.outbox
    assert message.to == ["reader@example.com"]
    assert message.subject == "Confirm: e-mail me new reviews of Frieren"
    assert Follow.objects.get().confirmed is None


def test_confirmation_link_shows_a_button_and_confirms_nothing_itself(client, show):
    follow(client, show)
    page = client.get(link_in(mail.outbox[0], "confirm"))
    assert page.status_code == 200
    assert "Yes, e-mail me new reviews" in page.content.decode()
    assert Follow.objects.get().confirmed is None


def test_pressing_the_confirmation_button_confirms(client, show):
    follow(client, show)
    page = client.post(link_in(mail.outbox[0], "confirm"))
    assert "You follow Frieren" in page.content.decode()
    assert Follow.objects.get().confirmed is not None


def test_the_reply_does_not_tell_whether_an_address_already_follows(show):
    follow_and_confirm(show, "known@example.com")
    known_reader, new_reader = Client(), Client()
    known = follow(known_reader, show, "known@example.com", address="192.0.2.1")
    new = follow(new_reader, show, "new@example.com", address="192.0.2.2")
    assert known.status_code == new.status_code == 302
    known_page = known_reader.get(known["Location"])
    new_page = new_reader.get(new["Location"])
    assert "known@example.com" in known_page.content.decode()
    assert known_page.content.decode().replace(
        "known@example.com", "x"
    ) == new_page.content.decode().replace("new@example.com", "x")


def test_an_address_that_follows_already_gets_its_manage_link_not_a_confirmation(
    show,
):
    follow_and_confirm(show)
    mail.outbox.clear()
    cache.clear()  # an hour later
    follow(Client(), show)
    (message,) = mail.outbox
    assert message.subject == "You already follow Frieren"
    assert "/following/manage/" in message.body


def test_asking_twice_within_the_hour_sends_one_confirmation(client, show):
    follow(client, show)
    follow(client, show)
    assert len(mail.outbox) == 1


def test_follow_form_from_another_site_is_refused(client, show):
    response = client.post(
        reverse("following:follow", args=[show.slug]),
        {"email": "reader@example.com"},
        headers={"Origin": "https://evil.example"},
    )
    assert response.status_code == 403
    assert not Follower.objects.exists()


def test_follow_requests_are_rate_limited_per_client_address(client, show, settings):
    settings.FOLLOWING_PER_HOUR = 2
    for n in range(3):
        follow(client, show, f"reader{n}@example.com")
    assert Follower.objects.count() == 2


def test_an_invalid_address_is_refused_with_a_message(client, show):
    response = follow(client, show, "not an address")
    page = client.get(response["Location"]).content.decode()
    assert "Not followed: give the e-mail address" in page
    assert not Follower.objects.exists()


def test_confirmation_link_expires_after_a_week(client, show, settings):
    follow(client, show)
    confirm = link_in(mail.outbox[0], "confirm")
    settings.FOLLOWING_CONFIRM_DAYS = 0
    assert client.post(confirm).status_code == 400
    assert Follow.objects.get().confirmed is None


def test_an_unconfirmed_address_is_forgotten_after_a_week(show):
    follow(Client(), show, "old@example.com")
    Follower.objects.update(created=timezone.now() - timedelta(days=8))
    Follow.objects.update(created=timezone.now() - timedelta(days=8))
    request_follow.call("someone@example.com", show.pk, "http://testserver")
    assert list(Follower.objects.values_list("email", flat=True)) == [
        "someone@example.com"
    ]


def test_an_unconfirmed_address_is_never_mailed_a_review(show):
    follow(Client(), show, "waiting@example.com")
    mail.outbox.clear()
    make_review(show=show, published_at=timezone.now()).save()
    from following.mail import announce_review

    announce_review.call(show.reviews.get().pk, "http://testserver")
    assert mail.outbox == []


def test_manage_page_lists_the_shows_followed(show):
    follower = confirmed_follower(show)
    confirmed_follower(make_show(title="Dandadan"), email=follower.email)
    page = Client().get(reverse("following:manage", args=[manage_token(follower.pk)]))
    assert page.status_code == 200
    assert page["Cache-Control"].startswith("max-age=0")
    text = page.content.decode()
    assert "Frieren" in text and "Dandadan" in text


def test_a_tampered_manage_link_is_refused(show):
    follower = confirmed_follower(show)
    other = confirmed_follower(show, email="other@example.com")
    token = manage_token(follower.pk).replace(f"{follower.pk}:", f"{other.pk}:")
    page = Client().get(reverse("following:manage", args=[token]))
    assert page.status_code == 400
    assert "other@example.com" not in page.content.decode()


def test_manage_page_stops_one_show(show):
    follower = confirmed_follower(show)
    confirmed_follower(make_show(title="Dandadan"), email=follower.email)
    url = reverse("following:manage", args=[manage_token(follower.pk)])
    page = Client().post(url, {"action": "stop", "show": show.pk})
    assert "You no longer follow Frieren" in page.content.decode()
    assert list(follower.follows.values_list("show__title", flat=True)) == ["Dandadan"]


def test_manage_page_stops_all(show):
    follower = confirmed_follower(show)
    confirmed_follower(make_show(title="Dandadan"), email=follower.email)
    url = reverse("following:manage", args=[manage_token(follower.pk)])
    Client().post(url, {"action": "stop-all"})
    assert not follower.follows.exists()


def test_manage_page_deletes_the_address(show):
    follower = confirmed_follower(show)
    url = reverse("following:manage", args=[manage_token(follower.pk)])
    page = Client().post(url, {"action": "delete"})
    assert "Your address is deleted" in page.content.decode()
    assert not Follower.objects.exists()
    assert Client().get(url).status_code == 400


def test_one_click_unsubscribe_is_a_post_without_a_csrf_token(show):
    follower = confirmed_follower(show)
    url = reverse(
        "following:unsubscribe", args=[unsubscribe_token(follower.pk, show.pk)]
    )
    response = Client(enforce_csrf_checks=True).post(
        url, {"List-Unsubscribe": "One-Click"}
    )
    assert response.status_code == 200
    assert not Follow.objects.exists()


def test_unsubscribe_link_opened_shows_a_confirm_page_and_changes_nothing(show):
    follower = confirmed_follower(show)
    url = reverse(
        "following:unsubscribe", args=[unsubscribe_token(follower.pk, show.pk)]
    )
    page = Client().get(url)
    assert "Stop e-mails about Frieren?" in page.content.decode()
    assert Follow.objects.exists()


def test_every_message_carries_the_one_click_unsubscribe_headers(client, show):
    follow(client, show)
    (message,) = mail.outbox
    unsubscribe = message.extra_headers["List-Unsubscribe"]
    assert unsubscribe.startswith("<http://testserver/following/unsubscribe/")
    assert message.extra_headers["List-Unsubscribe-Post"] == (
        "List-Unsubscribe=One-Click"
    )
    assert "List-Unsubscribe-Post: List-Unsubscribe=One-Click" in str(message.message())


def test_unsubscribe_from_the_confirmation_forgets_the_request(client, show):
    follow(client, show)
    url = mail.outbox[0].extra_headers["List-Unsubscribe"].strip("<>")
    client.post(url.removeprefix("http://testserver"))
    assert not Follow.objects.exists()


def test_show_page_has_the_follow_form(client, show):
    page = client.get(show.get_absolute_url()).content.decode()
    assert f'action="{reverse("following:follow", args=[show.slug])}"' in page


def test_review_page_has_the_follow_form_of_its_show(client, show):
    review = make_review(show=show)
    page = client.get(review.get_absolute_url()).content.decode()
    assert f'action="{reverse("following:follow", args=[show.slug])}"' in page


def test_show_page_queries_do_not_grow_with_followers(
    client, show, django_assert_max_num_queries
):
    """Guards the follow form: it reads nothing, whoever follows the show."""
    make_review(show=show)
    with django_assert_max_num_queries(30) as few:
        Client().get(show.get_absolute_url())
    for n in range(20):
        confirmed_follower(show, email=f"r{n}@example.com")
    with django_assert_max_num_queries(len(few)):
        Client().get(show.get_absolute_url())


def test_review_page_queries_do_not_grow_with_followers(
    show, django_assert_max_num_queries
):
    """Guards the follow form on the review page."""
    review = make_review(show=show)
    with django_assert_max_num_queries(30) as few:
        Client().get(review.get_absolute_url())
    for n in range(20):
        confirmed_follower(show, email=f"r{n}@example.com")
    with django_assert_max_num_queries(len(few)):
        Client().get(review.get_absolute_url())
