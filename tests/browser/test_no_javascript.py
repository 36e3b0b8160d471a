"""Reading needs no JavaScript: every public page type of the demo content, in a
browser with JavaScript turned off. (Spoilers without JavaScript: test_reader.py.)"""

import pytest
from playwright.sync_api import expect

from tests.factories import demo_pages, make_demo_content

pytestmark = pytest.mark.django_db(transaction=True)

# What each page is for, which must be on it.
MAIN_CONTENT = {
    "home": ".review-card",
    "review-list": ".review-card",
    "review-list-by-show": ".review-card",
    "review-list-page-2": ".review-card",
    "review-with-recap": "details.recap",
    "review-with-comments": ".review-body",
    "review-replying": "#comment-form",
    "episode": ".review-card",
    "show-list": ".show-row",
    "show-list-by-title": ".show-row",
    "show": ".factbox",
    "author-list": ".author-tile",
    "author": ".review-card",
    "scores": ".scores-table tbody tr",
    "season": ".review-card",
    "studio": ".review-card",
    "genre": ".review-card",
    "season-list": ".collection-tile",
    "studio-list": ".collection-tile",
    "genre-list": ".collection-tile",
    "season-premieres": "article.premiere",
    "search": ".search-result",
    "search-without-results": ".search-empty",
    "search-form": "form.search-form",
}


def test_every_reading_page_works_without_javascript(
    page_without_javascript, live_server
):
    make_demo_content()
    pages = demo_pages()
    del pages["not-found"]
    assert pages.keys() == MAIN_CONTENT.keys(), "say what each page must show"
    page = page_without_javascript
    for name, url in pages.items():
        response = page.goto(live_server.url + url)
        assert response.status == 200, name
        expect(page.locator("main h1")).not_to_be_empty()
        assert page.locator(f"main {MAIN_CONTENT[name]}").first.is_visible(), name
