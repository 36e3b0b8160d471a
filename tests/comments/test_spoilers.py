"""Spoilers in comments: the inline spoilers reviews have (>!x!<, ||x||), with
the same markup, hidden wherever a comment's text leaves its page, and held
for a moderator when a comment gives away a later episode in the open."""

import importlib

import pytest
from django.core import mail

from comments import moderation
from comments.models import Comment, render_comment_text, text_without_spoilers
from reviews.markdown import SPOILER_OPEN, render_markdown, sanitize
from tests.factories import make_comment, make_episode, make_review, make_show

pytestmark = pytest.mark.django_db

Status = Comment.Status


def test_reddit_spoiler_is_hidden_behind_a_toggle():
    html = render_comment_text("So >!Kaito dies!< at the end.")
    assert f"{SPOILER_OPEN}Kaito dies</span></label>" in html


def test_discord_spoiler_is_hidden_behind_a_toggle():
    html = render_comment_text("So ||Kaito dies|| at the end.")
    assert f"{SPOILER_OPEN}Kaito dies</span></label>" in html


def test_comment_spoiler_has_the_markup_of_a_review_spoiler():
    review_html = render_markdown("So ||Kaito dies|| at the end.")
    # Through the sanitizer, which writes attributes in its own order.
    comment_html = sanitize(render_comment_text("So ||Kaito dies|| at the end."))
    assert comment_html == review_html.strip()


def test_markup_inside_a_spoiler_stays_text():
    html = render_comment_text("||<b>bold</b> <script>x()</script>||")
    assert "<b>" not in html and "<script>" not in html
    assert "&lt;b&gt;bold&lt;/b&gt;" in html


def test_other_markdown_in_a_comment_stays_as_typed():
    html = render_comment_text("**bold** and _em_ and # heading")
    assert "<strong>" not in html and "<em>" not in html and "<h1" not in html
    assert "**bold** and _em_ and # heading" in html


def test_a_web_address_in_a_spoiler_is_still_a_link():
    html = render_comment_text(">!see https://example.com/x!<")
    assert 'class="spoiler-text">see <a href="https://example.com/x"' in html


def test_an_unclosed_spoiler_stays_as_typed():
    html = render_comment_text("wow >!so good and || also")
    assert "spoiler" not in html
    assert "wow &gt;!so good and || also" in html


def test_an_empty_spoiler_stays_as_typed():
    assert "spoiler" not in render_comment_text("a |||| b >! !< c")


def test_a_spoiler_does_not_run_across_paragraphs():
    html = render_comment_text("||one\n\ntwo||")
    assert "spoiler" not in html


def test_many_unclosed_openers_render_quickly():
    # One pass: thousands of openers without a closer are no slower to read.
    assert render_comment_text(">!" * 2500 + "||x||").count("spoiler-text") == 1


def test_spoiler_free_copy_replaces_each_spoiler_with_a_note():
    html = render_comment_text("So ||Kaito dies||.", hide_spoilers=True)
    assert "Kaito" not in html
    assert "[spoiler hidden]" in html


def test_plain_text_without_spoilers():
    assert text_without_spoilers("So ||Kaito dies|| >!twice!<.") == (
        "So [spoiler hidden] [spoiler hidden]."
    )


def test_comment_spoiler_is_hidden_on_the_review_page(client):
    comment = make_comment(text="So ||Kaito dies||.")
    content = client.get(comment.review.get_absolute_url()).content.decode()
    assert f"{SPOILER_OPEN}Kaito dies" in content


def test_comment_section_carries_the_spoiler_memory_of_the_review(client):
    show = make_show(slug="metallic-rouge")
    review = make_review(show=show, episode=make_episode(show, number=3))
    content = client.get(review.get_absolute_url()).content.decode()
    assert (
        'id="comments" aria-labelledby="page:comments-heading" '
        'data-show="metallic-rouge" data-spoils-up-to="3"'
    ) in content


def test_moderators_email_hides_the_spoiler(moderator):
    moderator.email = "mod@example.com"
    moderator.save()
    comment = make_comment(text="So ||Kaito dies||.", status=Status.PENDING)
    moderation.notify_moderators.call(comment.pk, "https://reviews.example.com/")
    (message,) = mail.outbox
    body = message.body
    assert "Kaito" not in body
    assert "So [spoiler hidden]." in body
    assert "Its spoilers are hidden here" in body


def test_moderation_queue_excerpt_hides_the_spoiler(moderator_client):
    make_comment(text="So ||Kaito dies||.", status=Status.PENDING)
    content = moderator_client.get("/admin/comments/comment/").content.decode()
    assert "Kaito" not in content
    assert "So [spoiler hidden]." in content


def test_migration_renders_old_tagged_comments_as_the_site_does_now():
    migration = importlib.import_module("comments.migrations.0003_spoilers_in_comments")
    for text in [
        "So ||Kaito dies||, see https://example.com/a.",
        "line\n>!two\nlines!<\n\n<b>x</b> ||||",
    ]:
        assert migration.render(text) == render_comment_text(text)


# Spoiler words: held when a comment names what a later episode reveals.


@pytest.fixture
def episode_three_review():
    show = make_show()
    make_episode(show, number=7, spoiler_words="Kaito's death\ntraitor")
    make_comment(email="known@example.com")  # an approved commenter
    return make_review(show=show, episode=make_episode(show, number=3))


def decide(review, text):
    comment = Comment(review=review, name="Aki", email="known@example.com", text=text)
    return moderation.moderate(comment, honeypot="", seconds_to_post=30)


def test_comment_naming_a_later_episodes_spoiler_word_is_held(episode_three_review):
    status, reason = decide(episode_three_review, "I bet Kaito's death is coming.")
    assert status == Status.PENDING
    assert reason == (
        "Names “Kaito's death”, a spoiler for episode 7 (the review covers "
        "episodes up to 3)."
    )


def test_spoiler_word_matches_whole_words_only(episode_three_review):
    status, _ = decide(episode_three_review, "The traitorous weather again.")
    assert status == Status.APPROVED


def test_spoiler_word_inside_spoiler_tags_is_not_held(episode_three_review):
    status, _ = decide(episode_three_review, "Manga readers know ||the traitor||.")
    assert status == Status.APPROVED


def test_spoiler_word_of_an_episode_the_review_covers_is_not_held():
    show = make_show()
    episode = make_episode(show, number=7, spoiler_words="traitor")
    make_comment(email="known@example.com")
    review = make_review(show=show, episode=episode)
    status, _ = decide(review, "So he was the traitor!")
    assert status == Status.APPROVED


def test_spoiler_words_are_never_shown_to_readers(client, episode_three_review):
    episode = episode_three_review.show.episodes.get(number=7)
    make_review(show=episode_three_review.show, episode=episode)
    for url in [
        episode.get_absolute_url(),
        episode_three_review.show.get_absolute_url(),
    ]:
        assert "Kaito's death" not in client.get(url).content.decode()
