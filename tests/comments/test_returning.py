"""After posting, and coming back: the commenter lands in the whole discussion
when it fits one page, and, on their opt-in only, is remembered in this
browser."""

import pytest
from django.test import Client

from comments.models import Comment
from tests.comments.test_views import post
from tests.factories import make_comment, make_review

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def comment_settings(settings):
    settings.COMMENTS_MIN_SECONDS = 3


@pytest.fixture
def review():
    return make_review(title="Metallic Rouge episode 1")


def test_after_posting_a_short_discussion_is_shown_whole(client, review):
    make_comment(review, text="The first comment.")
    response = post(client, review)
    comment = Comment.objects.get(text="Loved the opening.")
    assert response["Location"] == (f"{review.get_absolute_url()}#comment-{comment.pk}")
    content = client.get(response["Location"]).content.decode()
    assert "The first comment." in content
    assert "First comments" not in content


def test_after_posting_in_a_long_discussion_the_page_starts_at_the_comment(
    client, review, settings
):
    settings.COMMENTS_PER_PAGE = 2
    make_comment(review, text="One.")
    make_comment(review, text="Two.")
    response = post(client, review)
    comment = Comment.objects.get(text="Loved the opening.")
    assert response["Location"] == comment.get_absolute_url()
    assert "Loved the opening." in client.get(response["Location"]).content.decode()


def test_commenter_is_not_remembered_without_asking(client, review):
    response = post(client, review)
    assert "commenter" not in response.cookies


def test_commenter_who_asks_is_remembered_on_review_pages_only(client, review):
    response = post(client, review, remember="on", website="https://aki.example")
    cookie = response.cookies["commenter"]
    assert cookie["path"] == "/reviews/"
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert cookie["max-age"] == 365 * 24 * 3600


def test_remembered_commenter_finds_the_form_filled_in(review):
    reader = Client()
    post(reader, review, remember="on", website="https://aki.example")
    reader.cookies.pop("sessionid", None)  # the pending comment's session
    form = reader.get(review.get_absolute_url()).context["comment_form"]
    assert form["name"].value() == "Aki"
    assert form["email"].value() == "aki@example.com"
    assert form["website"].value() == "https://aki.example"
    assert form["remember"].value() is True


def test_remembered_commenter_gets_a_page_rendered_for_them(review):
    reader = Client()
    reader.get(review.get_absolute_url())  # now in the page cache
    post(reader, review, remember="on")
    reader.cookies.pop("sessionid", None)
    response = reader.get(review.get_absolute_url())
    assert response.get("X-Page-Cache") is None
    assert 'value="Aki"' in response.content.decode()
    assert "private" in response["Cache-Control"]


def test_other_readers_never_see_a_remembered_name(review):
    post(Client(), review, remember="on", name="Aki Remembered")
    content = Client().get(review.get_absolute_url()).content.decode()
    assert "Aki Remembered" not in content


def test_unticking_the_box_forgets_the_commenter(review):
    reader = Client()
    post(reader, review, remember="on")
    # From another address: the rate limit would refuse a second comment.
    response = post(reader, review, text="Another thought.", REMOTE_ADDR="10.0.0.9")
    assert response.cookies["commenter"].value == ""
    assert response.cookies["commenter"]["max-age"] == 0


def test_a_forged_commenter_cookie_is_ignored(review):
    reader = Client()
    reader.cookies["commenter"] = '{"name": "Mallory"}'
    content = reader.get(review.get_absolute_url()).content.decode()
    assert "Mallory" not in content


def test_remember_box_starts_unticked(client, review):
    content = client.get(review.get_absolute_url()).content.decode()
    assert '<input type="checkbox" name="remember"' in content
    assert 'id="id_remember" checked' not in content
