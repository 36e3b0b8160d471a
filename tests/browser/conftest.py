"""
Browser tests: Playwright driving Debian's Chromium against pytest-django's live server.

Skipped with one line of reason when /usr/bin/chromium or Playwright is missing;
REQUIRE_BROWSER=1 (set by .ci/run) turns that skip into a failure. Every test fails
on a console error, an uncaught exception or a failed request for our own assets.
"""

import os
import shutil
from urllib.parse import urlsplit

import pytest

from tests.factories import restore_groups

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Playwright's sync API keeps an event loop in this thread; the ORM calls the tests
# make between browser steps are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _unavailable():
    if not shutil.which(CHROMIUM):
        return f"{CHROMIUM} not found (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install playwright)"
    return None


@pytest.fixture(scope="session")
def browser():
    reason = _unavailable()
    if reason:
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"browser tests are required but {reason}")
        pytest.skip(f"browser tests skipped: {reason}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def serve_media(settings):
    settings.ROOT_URLCONF = "tests.browser.urls"


@pytest.fixture(autouse=True)
def groups(transactional_db):
    restore_groups()


class PageProblems(list):
    """What went wrong in the page: asserted empty after each test."""

    def watch(self, page, live_server_url):
        own_host = urlsplit(live_server_url).netloc
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.append(f"uncaught: {error}"))
        page.on("requestfailed", self._request_failed)
        page.on(
            "response",
            lambda response: (
                self.append(f"HTTP {response.status}: {response.url}")
                if response.status >= 400 and urlsplit(response.url).netloc == own_host
                else None
            ),
        )

    def _request_failed(self, request):
        # The page cancelling its own request (a superseded autocomplete search,
        # a navigation) is not a failure.
        if request.failure != "net::ERR_ABORTED":
            self.append(f"request failed: {request.url} ({request.failure})")

    def _console(self, message):
        if message.type == "error":
            self.append(f"console error: {message.text}")


def _new_page(browser, live_server, request, **context_options):
    context = browser.new_context(**context_options)
    page = context.new_page()
    problems = PageProblems()
    problems.watch(page, live_server.url)
    request.addfinalizer(context.close)
    return page, problems


@pytest.fixture
def page(browser, live_server, request):
    page, problems = _new_page(
        browser, live_server, request, viewport={"width": 1280, "height": 900}
    )
    yield page
    assert problems == [], f"the page reported problems: {problems}"


@pytest.fixture
def page_without_javascript(browser, live_server, request):
    page, problems = _new_page(browser, live_server, request, java_script_enabled=False)
    yield page
    assert problems == [], f"the page reported problems: {problems}"


@pytest.fixture
def make_page(browser, live_server, request):
    """Pages in browser contexts of their own (a phone, a dark colour scheme):
    ``make_page(**context_options)``, each checked as ``page`` is."""
    watched = []

    def make_page(**context_options):
        page, problems = _new_page(browser, live_server, request, **context_options)
        watched.append(problems)
        return page

    yield make_page
    for problems in watched:
        assert problems == [], f"the page reported problems: {problems}"


@pytest.fixture
def another_page(browser, live_server, request):
    """A second person's browser (its own cookies), e.g. a moderator's."""
    page, problems = _new_page(
        browser, live_server, request, viewport={"width": 1280, "height": 900}
    )
    yield page
    assert problems == [], f"the page reported problems: {problems}"
