from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.factories import make_review

pytestmark = pytest.mark.django_db(transaction=True)


def card_titles(page):
    return page.locator(".review-card .card-title a").all_inner_texts()


def test_reader_follows_links_from_home_to_review_show_episode_author_scores(
    page, live_server, catalogue
):
    review = catalogue.reviews[0]  # the newest, so the home page's lead
    show, author = review.show, review.author
    main_nav = page.get_by_role("navigation", name="Main")
    heading = page.get_by_role("heading", level=1)
    page.goto(live_server.url + reverse("reviews:home"))

    page.get_by_role("link", name=review.title, exact=True).click()
    page.wait_for_url(live_server.url + review.get_absolute_url())
    expect(heading).to_have_text(review.title)

    breadcrumbs = page.get_by_role("navigation", name="Breadcrumb")
    breadcrumbs.get_by_role("link", name=show.title, exact=True).click()
    page.wait_for_url(live_server.url + show.get_absolute_url())
    expect(heading).to_have_text(show.title)

    episodes = page.get_by_role("region", name="Episodes", exact=True)
    episodes.get_by_role("link", name="Episode 1", exact=True).click()
    page.wait_for_url(live_server.url + review.episode.get_absolute_url())
    expect(heading).to_have_text(f"{show.title}, episode 1")

    page.get_by_role("link", name=review.title, exact=True).click()
    page.locator(".byline").get_by_role("link", name=author.name).click()
    page.wait_for_url(live_server.url + author.get_absolute_url())
    expect(heading).to_have_text(author.name)
    expect(page.get_by_role("link", name=review.title, exact=True)).to_be_visible()

    main_nav.get_by_role("link", name="Scores").click()
    page.wait_for_url(live_server.url + reverse("reviews:scores"))
    expect(heading).to_have_text("Scores")
    expect(main_nav.get_by_role("link", name="Scores")).to_have_attribute(
        "aria-current", "page"
    )
    scores = page.get_by_role("table")
    expect(scores.get_by_role("link", name=show.title, exact=True)).to_be_visible()


def test_recap_opens_and_closes_from_the_keyboard(page, live_server):
    review = make_review(recap="## What happens\n\nRouge finds the first Immortal.")
    page.goto(live_server.url + review.get_absolute_url())
    recap = page.locator("details.recap")
    summary = recap.locator("summary")
    for _ in range(40):
        page.keyboard.press("Tab")
        if summary.evaluate("summary => summary === document.activeElement"):
            break
    else:
        raise AssertionError("Tab never reached the recap's summary")
    text = recap.get_by_text("Rouge finds the first Immortal.")
    expect(text).to_be_hidden()

    page.keyboard.press("Space")
    expect(text).to_be_visible()
    assert recap.evaluate("details => details.open")

    page.keyboard.press("Enter")
    expect(text).to_be_hidden()
    assert not recap.evaluate("details => details.open")


def test_filtering_reviews_by_show_lists_only_that_shows_reviews(
    page, live_server, catalogue
):
    catalogue.add_reviews(5)  # two reviews of each show
    show = catalogue.shows[1]
    page.goto(live_server.url + reverse("reviews:review-list"))
    assert len(card_titles(page)) == 10

    page.get_by_label("Show", exact=True).select_option(label=show.title)
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url(f"{live_server.url}{reverse('reviews:review-list')}?*")

    assert parse_qs(urlsplit(page.url).query)["show"] == [show.slug]
    assert card_titles(page) == [
        review.title for review in catalogue.reviews if review.show == show
    ]
    expect(page.locator(".page-header .dek")).to_have_text(
        "2 reviews match your filters."
    )
    expect(page.get_by_label("Show", exact=True)).to_have_value(show.slug)


def test_second_page_of_reviews_lists_the_older_ones_and_links_back(
    page, live_server, catalogue
):
    catalogue.add_reviews(10)  # 15 reviews, 12 to a page
    newest_first = [review.title for review in catalogue.reviews]
    list_url = live_server.url + reverse("reviews:review-list")
    pages = page.get_by_role("navigation", name="Pages")
    page.goto(list_url)
    assert card_titles(page) == newest_first[:12]

    pages.get_by_role("link", name="Older →").click()
    page.wait_for_url(f"{list_url}?page=2")
    assert card_titles(page) == newest_first[12:]
    expect(pages).to_contain_text("Page 2 of 2")

    pages.get_by_role("link", name="← Newer").click()
    page.wait_for_url(f"{list_url}?page=1")
    assert card_titles(page) == newest_first[:12]


def test_spoilers_toggle_without_javascript(page_without_javascript, live_server):
    review = make_review(
        recap="Rouge >!wins!<.", body="::: spoiler The ending\nShe lives.\n:::"
    )
    page = page_without_javascript
    page.goto(f"{live_server.url}{review.get_absolute_url()}")

    page.click("details.recap summary")
    inline = page.locator("details.recap label.spoiler")
    assert not inline.locator(".spoiler-text").is_visible()
    inline.click()
    assert inline.locator(".spoiler-text").is_visible()

    block = page.locator(".review-body details.spoiler")
    assert not block.locator("p").is_visible()
    block.locator("summary").click()
    assert block.locator("p").is_visible()


def test_inline_spoilers_stay_hidden_when_the_stylesheets_fail_to_load(
    browser, live_server, request
):
    review = make_review(body="The twist: >!Rouge is an android!<. Then the credits.")
    # A context of its own: the blocked stylesheets are failed requests here.
    context = browser.new_context(java_script_enabled=False)
    request.addfinalizer(context.close)
    page = context.new_page()
    refused = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text)
            if "Content Security Policy" in message.text
            else None
        ),
    )
    page.route("**/*.css", lambda route: route.abort())
    page.goto(live_server.url + review.get_absolute_url())
    spoiler = page.locator("label.spoiler")
    unstyled = "label => getComputedStyle(label).backgroundColor"
    assert spoiler.evaluate(unstyled) == "rgba(0, 0, 0, 0)"  # content.css is not in

    hidden = spoiler.locator(".spoiler-text")
    expect(page.get_by_text("Then the credits.")).to_be_visible()
    expect(hidden).to_be_hidden()
    spoiler.click()
    expect(hidden).to_be_visible()

    toggle = page.get_by_role("checkbox", name="Reveal spoiler")
    toggle.press("Space")
    expect(hidden).to_be_hidden()
    assert refused == []


def test_an_opened_recap_shows_its_title_once(page, live_server):
    review = make_review(recap="## Episode recap\n\nRouge finds the first Immortal.")
    page.goto(live_server.url + review.get_absolute_url())
    recap = page.locator("details.recap")
    recap.locator("summary").click()
    expect(recap.get_by_text("Rouge finds the first Immortal.")).to_be_visible()
    titles = recap.get_by_text("Episode recap", exact=True)
    assert [title.is_visible() for title in titles.all()] == [True]


LONG_BODY = "\n\n".join(
    f"## {heading}\n\n" + "A paragraph of thoughts. " * 40
    for heading in ["Story", "Music", "Verdict"]
)


def test_a_long_reviews_contents_are_open_on_a_desktop(
    page_without_javascript, live_server
):
    review = make_review(body=LONG_BODY)
    page = page_without_javascript
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + review.get_absolute_url())
    contents = page.get_by_role("navigation", name="Contents")
    expect(contents.get_by_role("link", name="Verdict")).to_be_visible()
    contents.get_by_role("link", name="Verdict").click()
    page.wait_for_url("**#verdict")
    expect(page.get_by_role("heading", name="Verdict")).to_be_in_viewport()


def test_a_long_reviews_contents_wait_behind_one_tap_on_a_phone(make_page, live_server):
    review = make_review(body=LONG_BODY, recap="## What happens\n\nRouge wins.")
    page = make_page(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    page.goto(live_server.url + review.get_absolute_url())
    contents = page.get_by_role("navigation", name="Contents")
    expect(contents.get_by_role("link", name="Music")).to_be_hidden()
    contents.get_by_text("Contents", exact=True).tap()
    contents.get_by_role("link", name="Music").tap()
    page.wait_for_url("**#music")
    expect(page.get_by_role("heading", name="Music")).to_be_in_viewport()
    assert not page.locator("details.recap").evaluate("details => details.open")
