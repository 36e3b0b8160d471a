"""The writer's desk in Chromium: the review form and the author bio at 1280, 1600
and 390 px, light and dark; the editor, its preview and the save buttons where a
writer can see them; dropped files the server refuses."""

import pytest

from reviews.models import Author, Review
from tests.browser.conftest import _new_page
from tests.browser.test_writer import PASSWORD, wait_for
from tests.factories import (
    keep_revision,
    make_episode,
    make_review,
    make_show,
    make_user,
)

pytestmark = pytest.mark.django_db(transaction=True)

# review-form.js has set the picker to ask for the chosen show's episodes.
EPISODE_PICKER_READY = "#id_episode[data-episodes-of-show=ready]"

WIDTHS = [1280, 1600, 390]
UPLOAD_PATH = "/markdownx/upload/"


@pytest.fixture
def desk(browser, live_server, request):
    """``desk(width, scheme="light")``: the demo writer, logged in, in a window
    of that width. A refused upload (HTTP 400 from the upload URL) is what some
    tests ask for; any other problem fails the test."""
    user = make_user("writer", groups=["Writers"])
    user.set_password(PASSWORD)
    user.save()
    Author.for_user(user)
    watched = []

    def open_desk(width, scheme="light"):
        page, problems = _new_page(
            browser,
            live_server,
            request,
            viewport={"width": width, "height": 900},
            color_scheme=scheme,
        )
        watched.append(problems)
        page.goto(f"{live_server.url}/admin/login/")
        page.fill("#id_username", "writer")
        page.fill("#id_password", PASSWORD)
        page.click("input[type=submit]")
        page.wait_for_url(f"{live_server.url}/admin/")
        return page

    yield open_desk
    refused = "the server responded with a status of 400"
    for problems in watched:
        uploads_refused = any(
            f"HTTP 400: {live_server.url}{UPLOAD_PATH}" == p for p in problems
        )
        unexpected = [
            p
            for p in problems
            if not (uploads_refused and (UPLOAD_PATH in p or refused in p))
        ]
        assert unexpected == [], f"the page reported problems: {unexpected}"


def box(page, selector):
    return page.locator(selector).first.bounding_box()


def assert_inside_the_window(page, selector):
    """The element is wholly inside the window's width and the content box."""
    width = page.viewport_size["width"]
    found = box(page, selector)
    content = box(page, "#content-main")
    assert found is not None, f"{selector} is not shown"
    assert found["x"] >= 0 and found["x"] + found["width"] <= width, (selector, found)
    assert found["x"] >= content["x"] - 1, (selector, found, content)
    right = content["x"] + content["width"]
    assert found["x"] + found["width"] <= right + 1, (selector, found, content)


def assert_no_sideways_scroll(page):
    scroll = page.locator("html").evaluate("html => html.scrollWidth")
    assert scroll <= page.viewport_size["width"]


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", WIDTHS)
def test_review_editor_and_preview_fit_the_window(desk, live_server, width, scheme):
    page = desk(width, scheme)
    page.goto(f"{live_server.url}/admin/reviews/review/add/")
    page.fill("#id_body", "## Thoughts\n\nA long line " * 40)
    assert_no_sideways_scroll(page)
    for field in ("recap", "body"):
        assert_inside_the_window(page, f".field-{field} textarea")
        assert box(page, f".field-{field} textarea")["height"] >= 300
        if width < 1100:
            page.click(f".field-{field} [data-tab=preview]")
            assert not page.locator(f".field-{field} textarea").is_visible()
        assert_inside_the_window(page, f".field-{field} .markdownx-preview")
    assert_no_sideways_scroll(page)


@pytest.mark.parametrize("width", WIDTHS)
def test_author_bio_editor_fits_the_window(desk, live_server, width):
    page = desk(width)
    author = Author.objects.get()
    page.goto(f"{live_server.url}/admin/reviews/author/{author.pk}/change/")
    assert_no_sideways_scroll(page)
    assert_inside_the_window(page, ".field-bio textarea")
    if width < 1100:
        page.click(".field-bio [data-tab=preview]")
    assert_inside_the_window(page, ".field-bio .markdownx-preview")


def assert_in_view(element):
    found = element.bounding_box()
    assert found["y"] >= 0 and found["y"] + found["height"] <= 900, found


@pytest.mark.parametrize("width", WIDTHS)
def test_save_is_in_view_without_scrolling(desk, live_server, width):
    page = desk(width)
    review = make_review(author=Author.objects.get(), status="draft")
    for path in ("add/", f"{review.pk}/change/"):
        page.goto(f"{live_server.url}/admin/reviews/review/{path}")
        assert_in_view(page.locator("input[name=_continue]:visible").first)
        page.mouse.wheel(0, 2500)
        page.wait_for_timeout(100)
        assert_in_view(page.locator("input[name=_continue]:visible").first)


def drop_file(page, selector, name, content, content_type):
    page.locator(selector).evaluate(
        """(editor, [name, content, type]) => {
            const transfer = new DataTransfer();
            transfer.items.add(new File([content], name, {type}));
            editor.dispatchEvent(new DragEvent(
                "drop", {dataTransfer: transfer, bubbles: true, cancelable: true}
            ));
        }""",
        [name, content, content_type],
    )


@pytest.mark.parametrize(
    "name, content, content_type",
    [
        ("notes.png", "Just some text, renamed.", "image/png"),
        (
            "drawing.svg",
            '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "image/svg+xml",
        ),
    ],
)
def test_a_refused_file_says_why_and_leaves_the_text_alone(
    desk, live_server, name, content, content_type
):
    page = desk(1280)
    page.goto(f"{live_server.url}/admin/reviews/review/add/")
    text = "## Thoughts\n\nEvery byte of this stays.\n"
    page.fill("#id_body", text)
    drop_file(page, "#id_body", name, content, content_type)
    error = page.locator(".field-body [data-upload-error]")
    wait_for(page, error.is_visible, "the upload's error message")
    assert name in error.inner_text()
    assert "not an image we can read" in error.inner_text()
    assert page.input_value("#id_body") == text


def test_a_text_over_the_limit_is_counted_and_not_sent(desk, live_server):
    from reviews.markdown import MAX_CHARS

    page = desk(1280)
    page.goto(f"{live_server.url}/admin/reviews/review/add/")
    page.fill("#id_title", "A very long one")
    text = "é" * MAX_CHARS + "🙂" * 3  # characters as Python counts them
    page.fill("#id_body", text)
    counter = page.locator(".field-body [data-word-count]")
    assert "3 characters over the 100,000 limit" in counter.inner_text()
    page.click("input[name=_continue]")
    error = page.locator(".field-body [data-upload-error]")
    wait_for(page, error.is_visible, "the size message")
    assert "Not saved: this text is 3 characters over" in error.inner_text()
    assert page.url.endswith("/admin/reviews/review/add/")
    assert page.input_value("#id_body") == text
    assert not Review.objects.exists()


def test_a_dropped_image_is_its_own_paragraph_with_its_alt_text_selected(
    desk, live_server
):
    from tests.browser.test_writer import drop_image

    page = desk(1280)
    page.goto(f"{live_server.url}/admin/reviews/review/add/")
    page.fill("#id_body", "Before the image.")
    drop_image(page, "#id_body")
    wait_for(
        page,
        lambda: "/media/uploads/" in page.input_value("#id_body"),
        "the upload",
    )
    body = page.input_value("#id_body")
    assert body.startswith("Before the image.\n\n![Describe this image](/media/")
    assert body.endswith(")\n\n")
    page.keyboard.type("Rouge on the rooftop")
    assert "![Rouge on the rooftop](/media/uploads/" in page.input_value("#id_body")


def test_toolbar_wraps_the_selection_in_a_spoiler(desk, live_server):
    page = desk(1280)
    page.goto(f"{live_server.url}/admin/reviews/review/add/")
    page.fill("#id_body", "Naomi knew all along.")
    page.locator("#id_body").evaluate("t => t.setSelectionRange(0, 5)")
    page.click(".field-body [data-tool=spoiler]")
    assert page.input_value("#id_body") == "||Naomi|| knew all along."
    preview = page.locator(".field-body .markdownx-preview")
    wait_for(page, lambda: preview.locator("label.spoiler").count() == 1, "preview")


def test_word_count_follows_the_text(desk, live_server):
    page = desk(1280)
    page.goto(f"{live_server.url}/admin/reviews/review/add/")
    page.fill("#id_body", "one two three")
    assert page.inner_text(".field-body [data-word-count]") == ("3 words · 1 min read")


@pytest.mark.parametrize("width", [1280, 1600])
def test_the_list_shows_every_column_at_desktop_widths(desk, live_server, width):
    page = desk(width)
    make_review(author=Author.objects.get(), status="draft")
    page.goto(f"{live_server.url}/admin/reviews/review/")
    assert_no_sideways_scroll(page)
    for column in ("title", "reviewed", "kind", "score_display", "state"):
        assert_inside_the_window(page, f"#result_list th.column-{column}")
    assert page.locator("#result_list th.column-author").count() == 0
    assert page.inner_text(".state-tabs [aria-current=page]") == "All (1)"


def test_only_the_kinds_verdicts_are_offered(desk, live_server):
    page = desk(1280)
    page.goto(f"{live_server.url}/admin/reviews/review/add/")

    def offered():
        return page.locator("#id_verdict option:not([disabled])").evaluate_all(
            "options => options.map(o => o.value).filter(Boolean)"
        )

    assert offered() == ["recommended", "mixed", "not_recommended"]
    page.select_option("#id_verdict", "mixed")
    page.select_option("#id_kind", "first_impressions")
    assert offered() == ["keep_watching", "wait_and_see", "drop"]
    assert page.input_value("#id_verdict") == ""


def test_the_episode_picker_offers_the_chosen_shows_episodes(desk, live_server):
    rouge = make_show(title="Metallic Rouge")
    relay = make_show(title="Full Court Relay")
    for show in (rouge, relay):
        make_episode(show, number=1)
    page = desk(1280)
    page.goto(f"{live_server.url}/admin/reviews/review/add/")
    page.wait_for_selector(EPISODE_PICKER_READY, state="attached")
    page.click(".field-show .select2-selection")
    page.fill(".select2-search__field", "Relay")
    page.click(".select2-results__option >> text=Full Court Relay")
    page.click(".field-episode .select2-selection")
    page.fill(".select2-search__field", "1")
    options = page.locator(".select2-results__option:not(.loading-results)")
    wait_for(
        page,
        lambda: "Full Court Relay" in options.first.inner_text(),
        lambda: f"the search, which offered {options.all_inner_texts()}",
    )
    assert options.all_inner_texts() == ["Full Court Relay episode 1"]
    page.keyboard.press("Escape")
    assert page.get_attribute("#add_id_episode", "href").endswith(f"&show={relay.pk}")


def test_the_chosen_cover_survives_a_refused_form(desk, live_server, tmp_path):
    from PIL import Image

    from reviews.models import Review

    poster = tmp_path / "poster.png"
    Image.new("RGB", (900, 500), "teal").save(poster)
    page = desk(1280)
    page.goto(f"{live_server.url}/admin/reviews/review/add/")
    page.fill("#id_title", "Notes on the premiere")
    page.set_input_files("#id_cover", str(poster))
    page.fill("#id_cover_alt", "Rouge on a rooftop")
    page.select_option("#id_status", "submitted")  # without a show: refused
    page.locator("input[name=_continue]:visible").first.click()
    page.wait_for_load_state()
    assert "Choose the show" in page.inner_text(".field-show .errorlist")
    assert "poster.png" in page.inner_text(".field-cover .kept-image")
    page.select_option("#id_status", "draft")
    page.locator("input[name=_continue]:visible").first.click()
    page.wait_for_load_state()
    review = Review.objects.get()
    assert review.cover and review.cover_alt == "Rouge on a rooftop"


def paste_html(page, selector, html):
    page.locator(selector).evaluate(
        """(editor, html) => {
            const data = new DataTransfer();
            data.setData("text/html", html);
            data.setData("text/plain", "plain");
            editor.dispatchEvent(new ClipboardEvent(
                "paste", {clipboardData: data, bubbles: true, cancelable: true}
            ));
        }""",
        html,
    )


PASTED_FROM_A_WORD_PROCESSOR = """
<meta charset="utf-8"><b style="font-weight:normal;" id="docs-internal-guid-1a2b">
<h2 style="color:#c00">Thoughts</h2>
<p><span style="font-weight:700">Bones</span> builds a world and
<span style="font-style:italic">lets it breathe</span>, with a
<a href="https://example.com/staff" style="color:red">strong staff</a>.</p>
<ul><li>the layouts</li><li>the music</li></ul>
<script>alert("pasted")</script><style>p { color: red }</style>
<p><img src="https://example.com/still.png" alt="A still"></p>
</b>
"""


def test_pasted_html_becomes_clean_markdown(desk, live_server):
    page = desk(1280)
    page.goto(f"{live_server.url}/admin/reviews/review/add/")
    page.click("#id_body")
    paste_html(page, "#id_body", PASTED_FROM_A_WORD_PROCESSOR)
    assert page.input_value("#id_body") == (
        "## Thoughts\n\n"
        "**Bones** builds a world and *lets it breathe*, with a "
        "[strong staff](https://example.com/staff).\n\n"
        "-   the layouts\n-   the music"
    )
    note = page.inner_text(".field-body [data-upload-error]")
    assert "1 image from elsewhere" in note


def test_a_new_review_can_start_from_its_kinds_outline(desk, live_server):
    page = desk(1280)
    page.goto(f"{live_server.url}/admin/reviews/review/add/")
    page.select_option("#id_kind", "first_impressions")
    page.click("text=Start from the first impressions outline")
    body = page.input_value("#id_body")
    assert body.startswith("## Thoughts\n\n")
    assert "## Is it worth watching?" in body
    assert not page.locator(".outline-offer").is_visible()
    page.keyboard.type("A confident opener.")
    assert page.input_value("#id_body").startswith("## Thoughts\n\nA confident opener.")


@pytest.mark.parametrize("width", [1280, 390])
def test_publishing_an_episode_review_takes_nine_actions(desk, live_server, width):
    from reviews.models import Review

    episode = make_episode(make_show(title="Metallic Rouge"), number=2)
    page = desk(width)
    page.goto(f"{live_server.url}/admin/reviews/review/")
    steps = [
        # One action: the form opens (and its episode picker is ready).
        lambda: (
            page.click("text=Add review")
            or page.wait_for_selector(EPISODE_PICKER_READY, state="attached")
        ),
        lambda: page.fill("#id_title", "Rouge takes the stage"),
        lambda: page.click(".field-episode .select2-selection"),
        lambda: page.fill(".select2-search__field", "Rouge"),
        lambda: page.click(".select2-results__option >> text=Metallic Rouge episode 2"),
        lambda: page.fill("#id_body", "## Thoughts\n\nThe best episode yet."),
        lambda: page.select_option("#id_score", label="8"),
        lambda: page.select_option("#id_verdict", "recommended"),
        lambda: page.locator("input[name=_publish]:visible").first.click(),
    ]
    for step in steps:
        step()
    page.wait_for_url(f"{live_server.url}/admin/reviews/review/")
    review = Review.objects.get()
    assert (review.show, review.episode) == (episode.show, episode)
    assert review.is_published()
    assert len(steps) == 9


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", WIDTHS)
def test_revisions_and_their_diff_fit_the_window(desk, live_server, width, scheme):
    review = make_review(author=Author.objects.get(), body="The first words.")
    writer = Author.objects.get().user
    keep_revision(review, writer)
    review.body = "The second words, and more of them."
    review.save()
    keep_revision(review, writer)
    page = desk(width, scheme)
    page.goto(f"{live_server.url}/admin/reviews/review/{review.pk}/history/")
    page.click("input[type=submit][value=Compare]")
    page.wait_for_load_state()
    assert_no_sideways_scroll(page)
    assert_inside_the_window(page, ".diff-table")
    assert "second words" in page.locator(".diff-table ins").first.inner_text()
