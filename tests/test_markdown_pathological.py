"""Generated pathological Markdown for every rule of our own: each renders, in
one pass (a few hundred KB that took the old rules tens of seconds, or blew
the stack, now render in well under a second; `make bench` territory, so no
time is asserted here, only that the work completes and is right); and the
size limit that bounds what one save or preview renders."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from reviews.admin.desk import WritingEditor
from reviews.markdown import MAX_CHARS, SPOILER_HIDDEN, render_markdown
from tests.factories import make_review
from tests.test_workflow import edit

RAW_SPOILER = '<details class="spoiler"><summary>Ending</summary>She lives.</details>\n'


def test_many_unclosed_inline_spoiler_openers_render_as_text():
    html = render_markdown(">!a " * 50_000)  # 200 KB, no closer anywhere
    assert "spoiler" not in html
    assert html.count("a") == 50_000


@pytest.mark.parametrize("spoiler", [">!twist!< ", "||twist|| "])
def test_many_inline_spoilers_each_become_one(spoiler):
    html = render_markdown(spoiler * 20_000)
    assert html.count('class="spoiler"') == 20_000


def test_thousands_of_spoiler_lines_do_not_exhaust_the_stack():
    html = render_markdown(">!The twist.\n" * 5_000)
    assert "RecursionError" not in html
    assert html.count("The twist.") == 5_000
    assert "<blockquote>" not in html


def test_many_spoiler_containers_render():
    html = render_markdown("::: spoiler\nInside.\n:::\n\n" * 5_000)
    assert html.count("Inside.") == 5_000


def test_thousands_of_unclosed_spoiler_containers_render():
    # Each opens inside the last; the sanitiser keeps the first levels.
    html = render_markdown("::: spoiler\nInside.\n" * 5_000)
    assert html.startswith('<details class="spoiler">')


def test_many_raw_spoilers_are_all_hidden_in_the_spoiler_free_copy():
    html = render_markdown(RAW_SPOILER * 10_000, hide_spoilers=True)
    assert "She lives." not in html
    assert html.count(SPOILER_HIDDEN) == 10_000


def test_an_unclosed_raw_spoiler_hides_everything_after_it():
    text = "Before.\n\n" + '<details class="spoiler"><summary>x</summary>' * 3_000
    html = render_markdown(text, hide_spoilers=True)
    assert html.startswith("<p>Before.</p>")
    assert "<summary>" not in html


def test_thousands_of_same_named_headings_get_unique_anchors():
    html = render_markdown("## Thoughts\n" * 20_000)
    assert 'id="thoughts"' in html
    assert 'id="thoughts-19999"' in html
    assert html.count(' id="') == 20_000


def test_a_typed_numbered_heading_does_not_collide():
    html = render_markdown("## Recap\n## Recap-1\n## Recap\n")
    assert [part.split('"')[0] for part in html.split(' id="')[1:]] == [
        "recap",
        "recap-1",
        "recap-2",
    ]


# The size limit: a save and a preview each render at most MAX_CHARS.


@pytest.mark.django_db
def test_a_body_over_the_limit_is_refused_with_the_text_kept(writer_client, writer):
    review = make_review(author=writer.author, body="Short.")
    too_long = "word " * (MAX_CHARS // 5) + "over"
    response = edit(writer_client, review, body=too_long)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["body"]
    assert f"At most {MAX_CHARS} characters fit here" in errors[0]
    assert too_long in response.content.decode()
    review.refresh_from_db()
    assert review.body == "Short."


@pytest.mark.django_db
def test_an_author_bio_over_the_limit_is_invalid(writer):
    writer.author.bio = "x" * (MAX_CHARS + 1)
    with pytest.raises(ValidationError) as refused:
        writer.author.full_clean()
    assert "bio" in refused.value.message_dict


@pytest.mark.django_db
def test_a_preview_over_the_limit_says_so_instead_of_rendering(writer_client):
    response = writer_client.post(
        reverse("reviews:markdown-preview"), {"content": ">!a " * MAX_CHARS}
    )
    assert response.status_code == 413
    assert "At most" in response.content.decode()


def test_the_editor_knows_the_limit():
    html = WritingEditor().render("body", "", attrs={"id": "id_body"})
    assert f'data-max-chars="{MAX_CHARS}"' in html
