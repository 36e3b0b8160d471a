import pytest
from django.test import RequestFactory

from comments import moderation
from comments.models import Comment
from reviews.clients import client_ip
from tests.factories import make_comment, make_review

pytestmark = pytest.mark.django_db

Status = Comment.Status


@pytest.fixture(autouse=True)
def rules(settings):
    settings.COMMENTS_MIN_SECONDS = 3
    settings.COMMENTS_HOLD_LINKS = 2
    settings.COMMENTS_SPAM_WORDS = ["casino bonus", "viagra"]
    settings.COMMENTS_MODERATION_WORDS = ["idiot"]


def new_comment(text="A fine episode.", email="known@example.com", **kwargs):
    return Comment(review=make_review(), name="Aki", email=email, text=text, **kwargs)


@pytest.fixture
def known_commenter():
    make_comment(email="known@example.com")


def decide(comment, honeypot="", seconds_to_post=30):
    return moderation.moderate(
        comment, honeypot=honeypot, seconds_to_post=seconds_to_post
    )


def test_first_comment_from_an_email_is_held():
    status, reason = decide(new_comment(email="new@example.com"))
    assert status == Status.PENDING
    assert reason == "First comment from this e-mail address."


def test_email_with_only_a_pending_comment_is_still_held():
    make_comment(email="new@example.com", status=Status.PENDING)
    assert decide(new_comment(email="new@example.com"))[0] == Status.PENDING


def test_email_with_an_approved_comment_is_approved(known_commenter):
    assert decide(new_comment())[0] == Status.APPROVED


def test_two_links_are_held_even_for_a_known_commenter(known_commenter):
    text = "See https://a.example and http://b.example"
    status, reason = decide(new_comment(text))
    assert (status, reason) == (Status.PENDING, "Contains 2 links.")


def test_one_link_from_a_known_commenter_is_approved(known_commenter):
    assert decide(new_comment("See https://a.example"))[0] == Status.APPROVED


def test_moderation_word_holds_the_comment(known_commenter):
    status, reason = decide(new_comment("What an IDIOT plot."))
    assert status == Status.PENDING
    assert "idiot" in reason


def test_words_match_whole_words_only(known_commenter):
    assert decide(new_comment("Idiotic? No: idiosyncratic."))[0] == Status.APPROVED


def test_spam_phrase_is_spam_whatever_its_case_and_spacing(known_commenter):
    assert decide(new_comment("Best Casino\n  Bonus here"))[0] == Status.SPAM


def test_spam_phrase_split_by_other_words_is_not_spam(known_commenter):
    assert decide(new_comment("casino night, bonus episode"))[0] == Status.APPROVED


def test_spam_word_in_the_name_is_spam(known_commenter):
    comment = new_comment()
    comment.name = "cheap viagra"
    assert decide(comment)[0] == Status.SPAM


def test_filled_honeypot_is_spam(known_commenter):
    status, reason = decide(new_comment(), honeypot="http://x.example")
    assert (status, reason) == (Status.SPAM, "Filled in the hidden honeypot field.")


def test_form_sent_too_fast_is_held_not_binned(known_commenter):
    status, reason = decide(new_comment(), seconds_to_post=1.2)
    assert status == Status.PENDING
    assert reason == (
        "Sent 1.2 s after the form was shown (faster than most people type)."
    )


def test_form_sent_after_the_minimum_time_is_not_spam(known_commenter):
    assert decide(new_comment(), seconds_to_post=3.0)[0] == Status.APPROVED


def test_spam_rules_win_over_approval(known_commenter):
    assert decide(new_comment(), honeypot="x")[0] == Status.SPAM


# The client's address


def request_from(remote_addr, forwarded=None):
    headers = {"REMOTE_ADDR": remote_addr}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().post("/", **headers)


def test_without_proxies_the_client_is_the_connecting_address(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    request = request_from("198.51.100.7", forwarded="1.2.3.4")
    assert client_ip(request) == "198.51.100.7"


def test_behind_one_proxy_the_client_is_the_address_it_appended(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    # The client forged the first entry; the proxy appended the real address.
    request = request_from("10.0.0.1", forwarded="1.2.3.4, 198.51.100.7")
    assert client_ip(request) == "198.51.100.7"


def test_behind_two_proxies_the_client_is_second_from_the_right(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    request = request_from("10.0.0.1", forwarded="1.2.3.4, 198.51.100.7, 10.0.0.9")
    assert client_ip(request) == "198.51.100.7"


def test_ipv4_is_truncated_to_its_network(settings):
    settings.COMMENTS_IP_PRIVACY = "truncate"
    assert moderation.stored_ip("203.0.113.77") == "203.0.113.0/24"


def test_ipv6_is_truncated_to_its_network(settings):
    settings.COMMENTS_IP_PRIVACY = "truncate"
    assert moderation.stored_ip("2001:db8:1234:5678::1") == "2001:db8:1234::/48"


def test_ip_can_be_kept_as_a_keyed_hash(settings):
    settings.COMMENTS_IP_PRIVACY = "hash"
    stored = moderation.stored_ip("203.0.113.77")
    assert "203" not in stored
    assert stored == moderation.stored_ip("203.0.113.77")
    assert stored != moderation.stored_ip("203.0.113.78")


# Rate limit


def test_same_submission_twice_is_not_rate_limited(settings):
    assert moderation.seconds_to_wait("198.51.100.7", "abc") == 0
    assert moderation.seconds_to_wait("198.51.100.7", "abc") == 0


def test_another_submission_within_the_interval_waits(settings):
    settings.COMMENTS_RATE_SECONDS = 15
    moderation.seconds_to_wait("198.51.100.7", "abc")
    assert moderation.seconds_to_wait("198.51.100.7", "def") == 15


def test_another_address_is_not_limited(settings):
    moderation.seconds_to_wait("198.51.100.7", "abc")
    assert moderation.seconds_to_wait("198.51.100.8", "def") == 0
