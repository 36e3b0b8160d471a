"""The Content Security Policy (settings.SECURE_CSP): sent with the public pages and
the admin, allowing no inline or eval'd script, and enforced by the browser while
the admin's markdown editor still previews and uploads.
(test_writer.py publishes a review through the same editor.)"""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from reviews.models import Author
from tests.browser.test_workflow import PASSWORD, log_in
from tests.browser.test_writer import drop_image, wait_for
from tests.factories import make_review, make_user

pytestmark = pytest.mark.django_db(transaction=True)

# Run before the page's own scripts, outside the policy (Playwright injects it).
RECORD_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(`${event.effectiveDirective}: ${event.blockedURI}`);
});
"""


@pytest.fixture
def writer(live_server):
    Author.for_user(make_user("writer", groups=["Writers"], password=PASSWORD))


def script_sources(response):
    policy = response.headers.get("content-security-policy")
    assert policy, f"no Content-Security-Policy header on {response.url}"
    directives = dict(
        directive.strip().split(None, 1)
        for directive in policy.split(";")
        if directive.strip()
    )
    return directives.get("script-src", directives.get("default-src", "")).split()


def test_public_pages_and_the_admin_allow_no_inline_scripts(page, live_server, writer):
    review = make_review()
    public = [
        reverse("reviews:home"),
        review.get_absolute_url(),
        f"{reverse('reviews:search')}?q=rouge",
        reverse("admin:login"),
    ]
    admin = [reverse("admin:index"), reverse("admin:reviews_review_add")]
    sources = {}
    for url in public:
        sources[url] = script_sources(page.goto(live_server.url + url))
    log_in(page, live_server, "writer")
    for url in admin:
        sources[url] = script_sources(page.goto(live_server.url + url))

    for url, allowed in sources.items():
        assert allowed, f"{url}: no script-src or default-src"
        assert not {"'unsafe-inline'", "'unsafe-eval'", "*"} & set(allowed), (
            url,
            allowed,
        )


def test_markdown_editor_previews_and_uploads_without_a_csp_violation(
    page, live_server, writer
):
    warnings = []
    page.on(
        "console",
        lambda message: (
            warnings.append(message.text)
            if "Content Security Policy" in message.text
            else None
        ),
    )
    page.add_init_script(RECORD_VIOLATIONS)
    log_in(page, live_server, "writer")
    page.goto(live_server.url + reverse("admin:reviews_review_add"))

    body = page.locator("#id_body")
    body.press_sequentially("## Typed live\n\nA **bold** word.")
    preview = page.locator(".field-body .markdownx-preview")
    expect(preview.locator("h2")).to_contain_text("Typed live")
    expect(preview.locator("strong")).to_have_text("bold")

    drop_image(page, "#id_body")
    wait_for(
        page,
        lambda: "](/media/uploads/" in body.input_value(),
        lambda: f"the upload; the editor holds {body.input_value()!r}",
    )
    assert "![Describe this image](/media/uploads/" in body.input_value()
    image = preview.locator("img")
    wait_for(page, lambda: image.evaluate("img => img.naturalWidth") > 0, "the image")

    assert page.evaluate("window.cspViolations") == []
    assert warnings == []


def test_an_inline_script_in_the_admin_editor_is_blocked_and_reported(
    browser, live_server, writer, request
):
    # A context of its own: the blocked script's console error is expected here.
    context = browser.new_context()
    request.addfinalizer(context.close)
    page = context.new_page()
    page.add_init_script(RECORD_VIOLATIONS)
    log_in(page, live_server, "writer")
    page.goto(live_server.url + reverse("admin:reviews_review_add"))

    page.evaluate(
        """() => {
            const script = document.createElement("script");
            script.textContent = "window.inlineScriptRan = true;";
            document.body.append(script);
        }"""
    )
    wait_for(page, lambda: page.evaluate("window.cspViolations.length"), "a report")
    assert page.evaluate("window.cspViolations") == ["script-src-elem: inline"]
    assert page.evaluate("window.inlineScriptRan") is None
