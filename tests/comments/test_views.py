import re
import time
from datetime import datetime, timedelta

import pytest
from django.core import mail, signing
from django.db import connection, transaction
from django.template.defaultfilters import date
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from comments.forms import CommentForm
from comments.models import Comment, render_comment_text
from reviews import stamps
from reviews.models import Review
from tests.factories import make_comment, make_review

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def comment_settings(settings):
    settings.COMMENTS_MIN_SECONDS = 3
    settings.COMMENTS_SPAM_WORDS = ["casino bonus"]
    settings.COMMENTS_MODERATION_WORDS = ["stupid"]


@pytest.fixture
def review():
    return make_review(title="Metallic Rouge episode 1")


def token(review, age=30):
    """A form token as if the form had been shown ``age`` seconds ago."""
    shown_at = time.time() - age
    return CommentForm.signer().sign(f"{review.pk}:{shown_at:.3f}:abc123")


def comment_data(review, **overrides):
    return {
        "name": "Aki",
        "email": "aki@example.com",
        "website": "",
        "text": "Loved the opening.",
        "token": token(review),
        "reply_to": "",
        "homepage": "",
        **overrides,
    }


def post(client, review, REMOTE_ADDR="127.0.0.1", **overrides):
    return client.post(
        reverse("comments:post", args=[review.slug]),
        comment_data(review, **overrides),
        REMOTE_ADDR=REMOTE_ADDR,
    )


def page(client, review, query=""):
    return client.get(review.get_absolute_url() + query).content.decode()


# Rendering a comment's text


def test_comment_text_is_escaped():
    html = render_comment_text('<script>alert("x")</script><b>hi</b>')
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert "<b>" not in html


def test_entity_encoded_markup_stays_visible_as_text():
    html = render_comment_text("&lt;img src=x onerror=alert(1)&gt;")
    assert "&amp;lt;img" in html
    assert "<img" not in html


def test_line_breaks_and_paragraphs_are_kept():
    html = render_comment_text("one\ntwo\n\nthree")
    assert html == "<p>one<br>\ntwo</p>\n<p>three</p>"


def test_web_addresses_become_nofollow_ugc_links():
    html = render_comment_text("See https://example.com/a?b=1&c=2.")
    assert (
        '<a href="https://example.com/a?b=1&amp;c=2" rel="nofollow ugc noopener">'
        "https://example.com/a?b=1&amp;c=2</a>." in html
    )


def test_javascript_addresses_are_not_linked():
    html = render_comment_text("javascript:alert(1) and data:text/html,x")
    assert "<a" not in html


def test_link_cannot_break_out_of_its_attribute():
    html = render_comment_text('https://example.com/"onmouseover="alert(1)')
    assert 'href="https://example.com/"' in html
    assert 'onmouseover="alert' not in html.split(">")[0]


def test_hostile_website_is_never_linked():
    comment = make_comment(website="javascript:alert(1)")
    assert comment.website_url == ""


# Posting: validation


@pytest.mark.parametrize("zone", ["UTC", "Asia/Kolkata", "America/St_Johns"])
def test_comment_dates_are_written_as_the_date_filter_writes_them(
    client, review, settings, zone
):
    settings.TIME_ZONE = zone
    created = timezone.make_aware(datetime(2025, 1, 5, 7, 3, 9))
    make_comment(review, created=created)
    with timezone.override(zone):
        machine = date(created, r"Y-m-d\TH:i:sO")
        shown = date(created, "j M Y, H:i")
    assert f'<time datetime="{machine}">{shown}</time>' in page(client, review)


def test_form_requires_name_email_and_text(client, review):
    response = post(client, review, name="", email="", text="")
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not Comment.objects.exists()


def test_refused_comment_is_shown_again_with_its_text(client, review):
    response = post(client, review, email="not-an-email", text="My long thoughts")
    assert response.status_code == 200
    content = response.content.decode()
    assert "My long thoughts" in content
    assert "Enter a valid email address." in content
    assert "Your comment was not posted" in content


def test_too_long_comment_is_refused_with_its_length(client, review, settings):
    settings.COMMENTS_MAX_LENGTH = 20
    response = post(client, review, text="x" * 25)
    assert response.status_code == 200
    assert "at most 20 characters long (yours has 25)" in response.content.decode()
    assert "x" * 25 in response.content.decode()
    assert not Comment.objects.exists()


def test_nul_byte_is_refused(client, review):
    response = post(client, review, text="hello\x00world")
    assert response.status_code == 200
    assert not Comment.objects.exists()


@pytest.mark.parametrize("character", ["\x07", "\x1b", "\u202e", "\u2066"])
def test_control_and_direction_override_characters_are_refused(
    client, review, character
):
    response = post(client, review, text=f"evil{character}txt.exe")
    assert response.status_code == 200
    assert "invisible control characters" in response.content.decode()
    assert not Comment.objects.exists()


def test_name_must_be_one_line(client, review):
    response = post(client, review, name="Aki\nBcc: x@example.com")
    assert response.status_code == 200
    assert not Comment.objects.exists()


def test_javascript_website_is_refused(client, review):
    response = post(client, review, website="javascript:alert(1)")
    assert response.status_code == 200
    assert "Enter a valid URL." in response.content.decode()
    assert not Comment.objects.exists()


def test_expired_form_keeps_the_text_and_gives_a_fresh_token(client, review):
    response = post(client, review, token=token(review, age=3 * 24 * 3600))
    assert response.status_code == 200
    content = response.content.decode()
    assert "has expired" in content
    assert "Loved the opening." in content
    fresh = response.context["comment_form"].data["token"]
    assert CommentForm(review, {**comment_data(review), "token": fresh}).is_valid()
    assert not Comment.objects.exists()


def test_resending_after_an_expired_form_is_not_taken_for_a_robot(client, review):
    response = post(client, review, token=token(review, age=3 * 24 * 3600))
    fresh = response.context["comment_form"].data["token"]
    post(client, review, token=fresh)
    assert Comment.objects.get().status == Comment.Status.PENDING


def test_the_same_form_sent_twice_makes_one_comment(client, review, settings):
    settings.COMMENTS_RATE_SECONDS = 0
    same = token(review)
    post(client, review, token=same, text="Sent twice")
    post(client, review, token=same, text="Sent twice")
    assert list(Comment.objects.values_list("text", flat=True)) == ["Sent twice"]


def test_two_readers_of_one_cached_form_make_two_comments(client, review, settings):
    settings.COMMENTS_RATE_SECONDS = 0
    same = token(review)
    post(client, review, token=same, email="aiko@example.com", text="Mine")
    post(client, review, token=same, email="ben@example.com", text="Mine")
    assert Comment.objects.count() == 2


def test_line_breaks_count_once_toward_the_limit(client, review, settings):
    settings.COMMENTS_MAX_LENGTH = 10
    post(client, review, text="abcd\r\nefgh")
    assert Comment.objects.get().text == "abcd\nefgh"


def test_comment_posts_without_a_csrf_token(review):
    """The review page has no CSRF token (so the page cache can serve it); the
    signed form token protects the form instead."""
    client = Client(enforce_csrf_checks=True)
    response = post(client, review, text="From a cached page")
    assert response.status_code == 302
    assert Comment.objects.get().text == "From a cached page"


def test_review_page_carries_no_csrf_token_or_cookie(client, review):
    response = client.get(review.get_absolute_url())
    assert b"csrfmiddlewaretoken" not in response.content
    assert "csrftoken" not in response.cookies


def test_tampered_token_is_refused(client, review):
    response = post(client, review, token=token(review) + "x")
    assert response.status_code == 200
    assert "could not be checked" in response.content.decode()
    assert not Comment.objects.exists()


def test_token_for_another_review_is_refused(client, review):
    other = make_review()
    response = post(client, review, token=token(other))
    assert response.status_code == 200
    assert not Comment.objects.exists()


# Posting: what happens to a comment


def test_first_comment_awaits_moderation(client, review):
    response = post(client, review)
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.PENDING
    assert response.status_code == 302
    content = client.get(response["Location"]).content.decode()
    assert "your comment is awaiting moderation" in content
    assert "Loved the opening." in content


def test_pending_comment_is_hidden_from_other_readers(client, review):
    post(client, review)
    content = page(client.__class__(), review)
    assert "Loved the opening." not in content
    assert "No comments yet." in content


def test_commenter_with_an_approved_comment_is_published_at_once(client, review):
    make_comment(review, email="aki@example.com")
    response = post(client, review, text="Second thoughts.")
    comment = Comment.objects.get(text="Second thoughts.")
    assert comment.status == Comment.Status.APPROVED
    content = client.get(response["Location"]).content.decode()
    assert "your comment is published" in content
    assert "Second thoughts." in content


def test_email_is_matched_without_regard_to_case(client, review):
    make_comment(review, email="aki@example.com")
    post(client, review, email="AKI@Example.com", text="Hello again")
    assert Comment.objects.get(text="Hello again").status == Comment.Status.APPROVED


def test_honeypot_comment_is_spam_and_never_shown(client, review):
    response = post(client, review, homepage="http://spam.example")
    assert Comment.objects.get().status == Comment.Status.SPAM
    content = client.get(response["Location"]).content.decode()
    assert "awaiting moderation" in content
    assert "Loved the opening." not in content


def test_form_sent_faster_than_a_human_types_is_held_for_a_moderator(client, review):
    make_comment(review, email="aki@example.com")  # would be approved at once
    post(client, review, token=token(review, age=1), text="Pasted in a hurry")
    held = Comment.objects.get(text="Pasted in a hurry")
    assert held.status == Comment.Status.PENDING
    assert "faster than most people type" in held.moderation_reason


def test_double_submission_creates_one_comment(client, review):
    data = comment_data(review)
    url = reverse("comments:post", args=[review.slug])
    first = client.post(url, data)
    second = client.post(url, data)
    assert Comment.objects.count() == 1
    assert second.status_code == 302
    assert second["Location"] == first["Location"]


def test_reader_posting_too_often_gets_429_with_text_kept(client, review):
    post(client, review)
    response = post(client, review, text="Another one", token=token(review, age=40))
    assert response.status_code == 429
    assert response["Retry-After"] == "15"
    assert "Another one" in response.content.decode()
    assert Comment.objects.count() == 1


def test_rate_limit_allows_a_comment_after_the_interval(client, review, settings):
    settings.COMMENTS_RATE_SECONDS = 1
    post(client, review)
    time.sleep(1.1)
    post(client, review, text="Later", token=token(review, age=40))
    assert Comment.objects.count() == 2


def test_hourly_rate_limit(client, review, settings):
    settings.COMMENTS_RATE_SECONDS = 0
    settings.COMMENTS_RATE_PER_HOUR = 2
    statuses = [
        post(client, review, text=f"Comment {n}", token=token(review, age=40 + n))
        for n in range(3)
    ]
    assert [response.status_code for response in statuses] == [302, 302, 429]


def test_rate_limit_ignores_a_forged_forwarded_for_header(client, review, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    url = reverse("comments:post", args=[review.slug])
    # The client writes the first address; the proxy appends the real one.
    client.post(url, comment_data(review), HTTP_X_FORWARDED_FOR="10.0.0.1, 1.2.3.4")
    response = client.post(
        url,
        comment_data(review, text="Other", token=token(review, age=50)),
        HTTP_X_FORWARDED_FOR="10.0.0.2, 1.2.3.4",
    )
    assert response.status_code == 429


def test_rate_limit_is_per_client_behind_the_proxy(client, review, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    url = reverse("comments:post", args=[review.slug])
    client.post(url, comment_data(review), HTTP_X_FORWARDED_FOR="1.2.3.4")
    response = client.post(
        url,
        comment_data(review, text="Other", token=token(review, age=50)),
        HTTP_X_FORWARDED_FOR="5.6.7.8",
    )
    assert response.status_code == 302


def test_ip_address_is_kept_truncated(client, review):
    client.post(
        reverse("comments:post", args=[review.slug]),
        comment_data(review),
        REMOTE_ADDR="203.0.113.77",
    )
    assert Comment.objects.get().ip_address == "203.0.113.0/24"


# Closed and unpublished reviews


def test_closed_review_refuses_comments_and_keeps_the_text(client):
    review = make_review(comments_enabled=False)
    response = post(client, review, text="Too late?")
    assert response.status_code == 403
    content = response.content.decode()
    assert "Comments are closed" in content
    assert "Too late?" in content
    assert not Comment.objects.exists()


def test_closed_review_shows_no_form(client):
    review = make_review(comments_enabled=False)
    content = page(client, review)
    assert "Comments are closed" in content
    assert 'id="comment-form" method="post"' not in content


def test_comments_close_after_the_configured_days(client, settings):
    settings.COMMENTS_CLOSE_AFTER_DAYS = 30
    old = make_review(published_at=timezone.now() - timedelta(days=31))
    recent = make_review(published_at=timezone.now() - timedelta(days=29))
    assert not old.comments_are_open()
    assert recent.comments_are_open()
    assert post(client, old).status_code == 403


def test_zero_days_keeps_comments_open(settings):
    settings.COMMENTS_CLOSE_AFTER_DAYS = 0
    review = make_review(published_at=timezone.now() - timedelta(days=3000))
    assert review.comments_are_open()


def test_draft_review_refuses_comments(client):
    draft = make_review(status="draft")
    assert post(client, draft).status_code == 404
    assert not Comment.objects.exists()


def test_scheduled_review_refuses_comments(client):
    scheduled = make_review(published_at=timezone.now() + timedelta(hours=1))
    assert post(client, scheduled).status_code == 404


def test_draft_preview_has_no_comment_form(editor_client):
    draft = make_review(status="draft")
    content = editor_client.get(draft.get_absolute_url()).content.decode()
    assert 'id="comment-form"' not in content


def test_comments_only_accept_post(client, review):
    url = reverse("comments:post", args=[review.slug])
    assert client.get(url).status_code == 405


# Replies


def test_reply_to_an_approved_comment_is_shown_under_it(client, review):
    parent = make_comment(review, name="Kei", text="First!")
    make_comment(review, email="aki@example.com")
    post(client, review, reply_to=parent.pk, text="Welcome!")
    reply = Comment.objects.get(text="Welcome!")
    assert reply.parent == parent
    content = page(client, review)
    assert content.index("First!") < content.index('class="comment-replies"')
    assert content.index('class="comment-replies"') < content.index("Welcome!")


def test_reply_to_a_reply_joins_the_thread(client, review):
    parent = make_comment(review)
    reply = make_comment(review, parent=parent)
    post(client, review, reply_to=reply.pk, text="Me too")
    assert Comment.objects.get(text="Me too").parent == parent


def test_reply_to_a_pending_comment_is_refused_with_text_kept(client, review):
    pending = make_comment(review, status=Comment.Status.PENDING)
    response = post(client, review, reply_to=pending.pk, text="Hidden reply")
    assert response.status_code == 200
    assert "Hidden reply" in response.content.decode()


def test_reply_link_fills_in_the_form(client, review):
    parent = make_comment(review)
    response = client.get(review.get_absolute_url() + f"?reply_to={parent.pk}")
    assert response.context["comment_form"]["reply_to"].value() == parent.pk
    assert "Your reply" in response.content.decode()


# The page


def test_approved_comments_and_their_count_are_shown(client, review):
    make_comment(review, text="One")
    make_comment(review, text="Two")
    make_comment(review, text="Spam!", status=Comment.Status.SPAM)
    make_comment(review, text="Gone", status=Comment.Status.REMOVED)
    content = page(client, review)
    assert "2 comments" in content
    assert "One" in content and "Two" in content
    assert "Spam!" not in content and "Gone" not in content


def test_commenter_email_is_never_shown(client, review):
    make_comment(review, email="secret-address@example.com")
    assert "secret-address" not in page(client, review)


def test_comment_count_on_review_cards_counts_approved_only(client, review):
    make_comment(review)
    make_comment(review, status=Comment.Status.PENDING)
    content = client.get(reverse("reviews:review-list")).content.decode()
    assert "1 comment<" in content


def bulk_comments(review, count, parent=None, prefix="Comment"):
    """Approved comments made at once, counted as a bulk import counts them."""
    comments = Comment.objects.bulk_create(
        Comment(
            review=review,
            parent=parent,
            name=f"Reader {n}",
            email=f"r{n}@example.com",
            text=f"{prefix} number {n}",
            text_html=f"<p>{prefix} number {n}</p>",
            status=Comment.Status.APPROVED,
            fingerprint=f"{prefix}-{n}",
        )
        for n in range(count)
    )
    Review.objects.filter(pk=review.pk).recount_comments()
    return comments


def shown_texts(response):
    return [
        strip_tags(comment.text_html).strip()
        for thread in response.context["comment_threads"]
        for comment in ([thread.comment] if thread.comment else []) + thread.replies
    ]


def test_long_discussion_is_paged_with_constant_queries(client, review, settings):
    bulk_comments(review, 2000)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(review.get_absolute_url())
    assert len(queries) <= 7  # the review, its comments, the readers' score...
    assert len(shown_texts(response)) == settings.COMMENTS_PER_PAGE
    assert "2000 comments" in response.content.decode()
    next_page = response.context["comments_next"]
    later = client.get(review.get_absolute_url() + f"?comments_from={next_page}")
    assert shown_texts(later)[0] == "Comment number 50"


def test_one_long_thread_is_paged_too(client, review, settings):
    settings.COMMENTS_PER_PAGE = 10
    parent = make_comment(review, text="The parent")
    bulk_comments(review, 25, parent=parent, prefix="Reply")
    first = client.get(review.get_absolute_url())
    assert shown_texts(first) == ["The parent"] + [
        f"Reply number {n}" for n in range(9)
    ]
    with CaptureQueriesContext(connection) as queries:
        second = client.get(
            review.get_absolute_url()
            + f"?comments_from={first.context['comments_next']}"
        )
    # The continued thread's parent (its name) comes with the page's comments.
    assert len(queries) <= 7
    assert "Replies to Reader, continued" in second.content.decode()
    assert shown_texts(second) == [f"Reply number {n}" for n in range(9, 19)]


def test_replies_to_spam_are_hidden_and_not_counted(client, review):
    parent = make_comment(review, status=Comment.Status.SPAM)
    make_comment(review, parent=parent, text="Orphan reply")
    make_comment(review, text="Visible")
    response = client.get(review.get_absolute_url())
    assert shown_texts(response) == ["Visible"]
    assert response.context["review"].comment_count == 1


def test_a_removed_comment_keeps_its_approved_replies_under_a_line(client, review):
    parent = make_comment(review, status=Comment.Status.REMOVED, text="Rude")
    make_comment(review, parent=parent, text="A calm answer")
    make_comment(review, text="Visible")
    response = client.get(review.get_absolute_url())
    content = response.content.decode()
    line = content.index("This comment was removed by a moderator.")
    assert line < content.index("A calm answer") < content.index("Visible")
    assert "Rude" not in content  # the removed text itself is never shown
    assert response.context["review"].comment_count == 2


def test_a_removed_comment_without_replies_leaves_no_line(client, review):
    make_comment(review, status=Comment.Status.REMOVED)
    content = client.get(review.get_absolute_url()).content.decode()
    assert "This comment was removed" not in content


def test_reply_to_a_reply_in_a_hidden_thread_is_refused(client, review):
    parent = make_comment(review, status=Comment.Status.SPAM)
    reply = make_comment(review, parent=parent)
    response = post(client, review, reply_to=reply.pk, text="Into the void")
    assert response.status_code == 200
    assert "no longer shown" in response.content.decode()
    assert not Comment.objects.filter(text="Into the void").exists()


def test_comment_link_opens_the_page_with_its_thread(client, review, settings):
    settings.COMMENTS_PER_PAGE = 3
    bulk_comments(review, 5)
    late = make_comment(review, text="Late parent")
    reply = make_comment(review, parent=late, text="Late reply")
    response = client.get(reply.get_absolute_url())
    assert shown_texts(response) == ["Late parent", "Late reply"]


# E-mail to moderators


@pytest.fixture
def moderator_with_email(moderator):
    moderator.email = "mod@example.com"
    moderator.save()
    return moderator


def test_held_comment_emails_the_moderators(
    client, review, moderator_with_email, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post(client, review, text="Is <b>this</b> held?")
    comment = Comment.objects.get()
    (message,) = mail.outbox
    assert message.to == ["mod@example.com"]
    assert review.title in message.subject
    assert "Is <b>this</b> held?" in message.body
    assert "First comment from this e-mail address." in message.body
    assert f"/admin/comments/comment/{comment.pk}/moderate/approve/" in message.body
    assert f"/admin/comments/comment/{comment.pk}/moderate/spam/" in message.body
    assert review.get_absolute_url() in message.body


def test_approved_comment_sends_no_email(
    client, review, moderator_with_email, django_capture_on_commit_callbacks
):
    make_comment(review, email="aki@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        post(client, review, text="Approved")
    assert mail.outbox == []


def test_spam_sends_no_email(
    client, review, moderator_with_email, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post(client, review, homepage="x")
    assert mail.outbox == []


def test_no_email_for_a_comment_that_was_rolled_back(
    client, review, moderator_with_email, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        transaction.atomic(),
    ):
        post(client, review)
        transaction.set_rollback(True)
    assert callbacks == []
    assert mail.outbox == []
    assert not Comment.objects.exists()


def test_signed_token_cannot_be_forged_without_the_secret(review):
    forged = signing.Signer(key="not-the-secret", salt="reviews.comment-form").sign(
        f"{review.pk}:0:abc"
    )
    form = CommentForm(review, comment_data(review, token=forged))
    assert not form.is_valid()


# A cached page gives no time pass


def form_token(content):
    return re.search(r'name="token" value="([^"]+)"', content)[1]


def test_a_cached_page_dates_its_form_token_at_each_readers_fetch(
    client, review, settings, monkeypatch
):
    settings.PAGE_CACHE_SECONDS = 600
    url = review.get_absolute_url()
    rendered = client.get(url)
    assert rendered["X-Page-Cache"] == "miss"
    five_minutes_later = time.time() + 300  # the page still in the cache
    monkeypatch.setattr(time, "time", lambda: five_minutes_later)
    served = client.get(url)
    assert served["X-Page-Cache"] == "hit"
    subject, age = stamps.read(form_token(served.content.decode()))
    assert subject == str(review.pk)
    assert abs(age) < 0.01  # dated at this fetch, not five minutes ago
    assert len(served.content) == len(rendered.content)


def test_a_robot_posting_at_once_from_a_cached_page_is_not_approved(
    client, review, settings, monkeypatch
):
    settings.PAGE_CACHE_SECONDS = 600
    make_comment(review, email="aki@example.com")  # an approved commenter
    url = review.get_absolute_url()
    client.get(url)  # stored
    five_minutes_later = time.time() + 300
    monkeypatch.setattr(time, "time", lambda: five_minutes_later)
    cached = client.get(url)
    assert cached["X-Page-Cache"] == "hit"
    post(client, review, token=form_token(cached.content.decode()), text="Buy now")
    assert Comment.objects.get(text="Buy now").status == Comment.Status.PENDING


def test_the_cache_dates_each_token_of_a_page_again_in_place():
    tokens = [stamps.dated(7, at=1733140000.0), stamps.dated(8, at=1733140000.0)]
    page = "".join(f'<p>x</p><input value="{token}">' for token in tokens).encode()
    fresh = stamps.restamp(page, stamps.token_spans(page))
    assert len(fresh) == len(page)
    assert [subject for subject, _ in map(stamps.read, form_tokens(fresh))] == [
        "7",
        "8",
    ]
    assert all(age < 60 for _, age in map(stamps.read, form_tokens(fresh)))


def form_tokens(page):
    return [match[1].decode() for match in stamps.TOKEN_VALUE.finditer(page)]


def test_a_token_that_is_not_ours_is_left_alone_by_the_cache():
    lookalike = "12:1733140000.123:0123456789abcdef:" + "x" * 43
    page = f'<input name="token" value="{lookalike}">'.encode()
    assert stamps.restamp(page, stamps.token_spans(page)) == page
