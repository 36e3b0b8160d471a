"""reviews.forms.rendered_once and the tags that use it: an empty form's fields
are rendered once per process, never stale."""

import pytest
from django import forms
from django.template import Context, Template
from django.utils import translation

from comments.forms import CommentForm
from ratings.forms import RatingForm
from reviews.forms import RENDERED_FIELDS, rendered_once
from tests.factories import make_review

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_rendered_fields():
    RENDERED_FIELDS.clear()
    yield
    RENDERED_FIELDS.clear()


@pytest.fixture
def review():
    return make_review()


def field_group(field):
    return Template("{% load reviews %}{% field_group field %}").render(
        Context({"field": field})
    )


def test_field_group_renders_what_as_field_group_does(review):
    for name in ("name", "email", "website", "text", "remember", "homepage"):
        field = CommentForm(review)[name]
        assert field_group(field) == field.as_field_group()


def test_an_empty_field_is_rendered_once(review):
    calls = []

    def render(field):
        calls.append(field.name)
        return field.as_field_group()

    first = rendered_once(CommentForm(review)["name"], render)
    again = rendered_once(CommentForm(make_review())["name"], render)
    assert again == first
    assert calls == ["name"]


def test_a_new_release_renders_the_field_again(review, settings):
    calls = []

    def render(field):
        calls.append(settings.RELEASE)
        return field.as_field_group()

    rendered_once(CommentForm(review)["text"], render)
    settings.RELEASE = "next-release"
    rendered_once(CommentForm(review)["text"], render)
    assert len(calls) == 2


def test_a_changed_setting_the_field_reads_is_not_served_stale(review, settings):
    settings.COMMENTS_MAX_LENGTH = 3000
    assert 'maxlength="3000"' in field_group(CommentForm(review)["text"])
    settings.COMMENTS_MAX_LENGTH = 20
    assert 'maxlength="20"' in field_group(CommentForm(review)["text"])


def test_each_language_has_its_own_rendering(review):
    calls = []

    def render(field):
        calls.append(translation.get_language())
        return field.as_field_group()

    with translation.override("en"):
        rendered_once(CommentForm(review)["email"], render)
    with translation.override("fr"):
        rendered_once(CommentForm(review)["email"], render)
    assert calls == ["en", "fr"]


def test_a_field_with_a_readers_text_is_always_rendered(review):
    form = CommentForm(review, initial={"name": "Mika <script>"})
    html = field_group(form["name"])
    assert 'value="Mika &lt;script&gt;"' in html
    assert RENDERED_FIELDS == {}


def test_with_debug_on_fields_are_always_rendered(review, settings):
    settings.DEBUG = True
    field_group(CommentForm(review)["name"])
    assert RENDERED_FIELDS == {}


def test_a_bound_form_is_always_rendered_with_its_errors(review):
    form = CommentForm(review, data={"name": ""})
    assert "This field is required" in field_group(form["name"])
    assert RENDERED_FIELDS == {}


def test_labels_are_escaped():
    class LabelledForm(forms.Form):
        name = forms.CharField(label="<b>Name</b>")

    html = field_group(LabelledForm()["name"])
    assert "&lt;b&gt;Name&lt;/b&gt;" in html
    assert "<b>" not in html


def scale_by_loop(field):
    return Template(
        '{% for radio in field %}<label class="rating-choice">{{ radio.tag }}'
        "<span>{{ radio.choice_label }}</span></label>{% endfor %}"
    ).render(Context({"field": field}))


def rating_scale(field):
    return Template("{% load ratings %}{% rating_scale field %}").render(
        Context({"field": field})
    )


@pytest.mark.parametrize("own", [None, 7])
def test_rating_scale_renders_what_its_loop_did(own):
    field = RatingForm(initial={"score": own, "next": "/"})["score"]
    assert rating_scale(field) == scale_by_loop(field)


def test_rating_scale_checks_the_readers_own_score_once_it_is_known():
    empty = rating_scale(RatingForm(initial={"score": None})["score"])
    seven = rating_scale(RatingForm(initial={"score": 7})["score"])
    assert "checked" not in empty
    assert seven.count("checked") == 1
    checked = seven.split(" checked")[0].rsplit("<input", 1)[1]
    assert 'value="7"' in checked


def test_rating_scale_escapes_its_labels():
    class ScaleForm(forms.Form):
        score = forms.ChoiceField(
            choices=[("1", "<i>one</i>")], widget=forms.RadioSelect
        )

    html = rating_scale(ScaleForm()["score"])
    assert "<span>&lt;i&gt;one&lt;/i&gt;</span>" in html
