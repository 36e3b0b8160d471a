"""{% comment_threads %}: the comment list's items, as its template loop wrote
them."""

import re

import pytest
from django.template import Context, Template

from comments.views import Thread, group_threads
from tests.factories import make_comment, make_review

pytestmark = pytest.mark.django_db

# The loop {% comment_threads %} replaced, the reference for what it writes.
LOOP = """{% load comments %}{% for thread in threads %}
  <li>
    {% if thread.comment %}
    {% comment_article thread.comment can_reply %}
    {% else %}
    <p class="comment-continued">Replies to {{ thread.replies.0.parent_name }}, continued from the previous page</p>
    {% endif %}
    {% if thread.replies %}
    <ol class="comment-replies">
      {% for reply in thread.replies %}<li>{% comment_article reply False %}</li>{% endfor %}
    </ol>
    {% endif %}
  </li>
  {% endfor %}"""  # noqa: E501


def render(source, threads, can_reply=True):
    return Template(source).render(
        Context({"threads": threads, "can_reply": can_reply})
    )


def comment_threads(threads, can_reply=True):
    return render(
        "{% load comments %}{% comment_threads threads can_reply %}",
        threads,
        can_reply,
    )


def markup(html):
    """The HTML without the whitespace between elements."""
    return re.sub(r">\s+<", "><", html.strip())


@pytest.fixture
def threads():
    review = make_review()
    first = make_comment(review, name="Ann <b>", text="First & best")
    make_comment(review, parent=first, name="Ben", text="A reply")
    make_comment(review, parent=first, name="Cy", text="Another")
    make_comment(review, name="Dee", website="https://example.com/", text="Solo")
    return group_threads(review.comments.in_threads().listed())


@pytest.mark.parametrize("can_reply", [True, False])
def test_comment_threads_write_what_the_loop_did(threads, can_reply):
    assert markup(comment_threads(threads, can_reply)) == markup(
        render(LOOP, threads, can_reply)
    )


def test_a_thread_continued_from_the_previous_page_names_its_parent(threads):
    continued = [Thread(None, threads[0].replies)]
    html = comment_threads(continued)
    assert markup(html) == markup(render(LOOP, continued))
    assert "Replies to Ann &lt;b&gt;, continued from the previous page" in html


def test_comment_threads_escape_what_readers_wrote(threads):
    html = comment_threads(threads)
    assert "Ann &lt;b&gt;" in html
    assert "<b>" not in html
    assert "First &amp; best" in html
    assert 'Reply<span class="visually-hidden"> to Ann &lt;b&gt;</span>' in html
