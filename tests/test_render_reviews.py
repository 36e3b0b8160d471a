"""`manage.py render_reviews`: stored HTML from the current pipeline, once per
deployment, without touching a writer's open form."""

import pytest
from django.core.management import call_command

from reviews.models import Review
from tests.factories import make_review

pytestmark = pytest.mark.django_db


def test_stored_html_is_rendered_again_from_the_markdown():
    review = make_review(body="## One\n\n## Two\n\n## Three\n\nText.")
    Review.objects.filter(pk=review.pk).update(body_html="<p>old</p>")
    call_command("render_reviews")
    review.refresh_from_db()
    assert 'class="contents"' in review.body_html


def test_rendering_again_leaves_the_edit_counter_alone():
    review = make_review(body="Text.")
    version = Review.objects.get(pk=review.pk).version
    call_command("render_reviews")
    assert Review.objects.get(pk=review.pk).version == version
