"""The writers' list of reviews: tabs by state with counts, what needs work
first, each review's state, search through the text, and no author column for
a writer, whose list is all theirs."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from reviews.models import Review, State
from tests.factories import make_review

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:reviews_review_changelist")
Status = Review.Status


def listed(client, query=""):
    return list(client.get(CHANGELIST + query).context["cl"].result_list)


@pytest.fixture
def desk(writer):
    """One review in each state, the writer's."""
    author = writer.author
    now = timezone.now()
    return {
        State.PUBLISHED: make_review(author=author, published_at=now - timedelta(1)),
        State.DRAFT: make_review(author=author, status=Status.DRAFT),
        State.SCHEDULED: make_review(
            author=author, status=Status.PUBLISHED, published_at=now + timedelta(1)
        ),
        State.SUBMITTED: make_review(author=author, status=Status.SUBMITTED),
    }


def test_drafts_and_scheduled_reviews_come_first(writer_client, desk):
    assert listed(writer_client) == [
        desk[State.SUBMITTED],
        desk[State.DRAFT],
        desk[State.SCHEDULED],
        desk[State.PUBLISHED],
    ]


def test_a_sorted_column_replaces_the_writing_order(writer_client, desk):
    titles = [review.title for review in listed(writer_client, "?o=1")]
    assert titles == sorted(titles)


def test_a_scheduled_review_reads_scheduled_with_its_time(writer_client, desk):
    content = writer_client.get(CHANGELIST).content.decode()
    assert '<span class="state state-scheduled">Scheduled</span>' in content
    assert content.count('<span class="state state-published">Published</span>') == 1


@pytest.mark.parametrize("state", State.values)
def test_each_tab_lists_its_state(writer_client, desk, state):
    assert listed(writer_client, f"?state={state}") == [desk[state]]


def test_tabs_count_each_state(writer_client, desk):
    make_review(author=desk[State.DRAFT].author, status=Status.DRAFT)
    tabs = writer_client.get(CHANGELIST).context["state_tabs"]
    assert [(tab["label"], tab["count"]) for tab in tabs] == [
        ("All", 5),
        ("Drafts", 2),
        ("Submitted", 1),
        ("Scheduled", 1),
        ("Published", 1),
    ]


def test_counts_are_of_the_writers_own_reviews(writer_client, desk, other_writer):
    make_review(author=other_writer.author, status=Status.DRAFT)
    tabs = writer_client.get(CHANGELIST).context["state_tabs"]
    assert tabs[0]["count"] == 4


def test_search_finds_words_in_the_thoughts_and_the_recap(writer_client, writer):
    body = make_review(author=writer.author, body="The **sakuga** in the chase.")
    recap = make_review(author=writer.author, recap="Rouge meets Jean.")
    make_review(author=writer.author)
    assert listed(writer_client, "?q=sakuga") == [body]
    assert listed(writer_client, "?q=Jean") == [recap]


def test_a_writer_sees_no_author_column_nor_filter(writer_client, desk):
    response = writer_client.get(CHANGELIST)
    assert "author" not in response.context["cl"].list_display
    assert "By author" not in response.content.decode()


def test_an_editor_sees_who_wrote_each_review(editor_client, desk):
    response = editor_client.get(CHANGELIST)
    assert "author" in response.context["cl"].list_display
    assert "By author" in response.content.decode()
