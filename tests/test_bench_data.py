"""manage.py bench_data, the data set of `make bench`, with tiny counts. No timing:
the benchmark itself (bench/run.py) is never part of the test suite."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from comments.models import Comment
from reviews import search
from reviews.management.bench_content import SPOILERS
from reviews.markdown import SPOILER_HIDDEN
from reviews.models import Author, Episode, Review, Show
from tests.factories import make_show

pytestmark = pytest.mark.django_db

SIZES = {"shows": 3, "episodes": 9, "reviews": 10, "authors": 2, "comments": 30}
MODELS = {
    "shows": Show,
    "episodes": Episode,
    "reviews": Review,
    "authors": Author,
    "comments": Comment,
}


def bench_data(**sizes):
    """Run the command; returns what it wrote to stdout."""
    output = StringIO()
    call_command("bench_data", **{**SIZES, **sizes}, stdout=output, stderr=StringIO())
    return output.getvalue()


def counts():
    return {name: model.objects.count() for name, model in MODELS.items()}


def test_writes_the_requested_counts():
    bench_data()
    assert counts() == SIZES


def test_published_reviews_have_rendered_html_and_spoiler_free_bodies():
    bench_data()
    reviews = Review.objects.published()
    assert reviews.exists()
    for review in reviews:
        assert review.recap_html.startswith("<p>")
        assert any(spoiler in review.body_html for spoiler in SPOILERS)
        assert SPOILER_HIDDEN in review.body_spoiler_free_html
        assert not any(s in review.body_spoiler_free_html for s in SPOILERS)
        assert review.reading_time >= 1


def test_comments_have_html_and_some_are_replies():
    bench_data()
    assert not Comment.objects.filter(text_html="").exists()
    assert Comment.objects.filter(parent__isnull=False).exists()
    assert not Comment.objects.exclude(review__in=Review.objects.published()).exists()


def test_running_twice_reuses_the_data_set():
    bench_data()
    reviews = set(Review.objects.values_list("pk", flat=True))

    assert "re-used" in bench_data()
    assert counts() == SIZES
    assert set(Review.objects.values_list("pk", flat=True)) == reviews


def test_other_sizes_replace_an_earlier_data_set():
    bench_data()
    bench_data(reviews=12, comments=20)
    assert counts() == {**SIZES, "reviews": 12, "comments": 20}


def test_a_database_with_other_data_is_refused():
    make_show()
    with pytest.raises(CommandError, match="other data"):
        bench_data()
    assert counts() == {**dict.fromkeys(SIZES, 0), "shows": 1}


def test_search_finds_a_generated_review():
    bench_data()
    review = Review.objects.published().select_related("show").first()
    word = review.show.title.split()[-1]
    assert review in search.ReviewResults(word.lower())[:100]
