"""
axe-core (shipped by axe-playwright-python) finds no critical or serious
accessibility violation on any public page type, over the demo content, in the
light and the dark colour scheme: their contrast differs. Pages with spoilers or
<details> are checked again with all of them open, so the hidden text is too.
"""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse

from tests.factories import demo_pages, make_demo_content

pytestmark = pytest.mark.django_db(transaction=True)

BLOCKING = {"critical", "serious"}
CLOSED = "details:not([open]), label.spoiler > input:not(:checked)"
OPEN_EVERYTHING = """() => {
  document.querySelectorAll("details").forEach((details) => { details.open = true; });
  document.querySelectorAll("label.spoiler > input").forEach((box) => {
    box.checked = true;
  });
}"""


def blocking_violations(page):
    violations = Axe().run(page).response["violations"]
    return [violation for violation in violations if violation["impact"] in BLOCKING]


def report(found):
    lines = []
    for name, violations in found.items():
        for violation in violations:
            lines.append(
                f"{name}: {violation['id']} ({violation['impact']}): "
                f"{violation['help']}"
            )
            for node in violation["nodes"]:
                summary = " ".join(node.get("failureSummary", "").split())
                lines.append(f"    {' >>> '.join(node['target'])}  {summary}")
    return "\n".join(lines)


@pytest.mark.parametrize("color_scheme", ["light", "dark"])
def test_public_pages_have_no_serious_accessibility_violations(
    browser, page, live_server, request, settings, color_scheme
):
    # A browser types faster than a person; the rules are tested elsewhere.
    settings.COMMENTS_MIN_SECONDS = 0
    make_demo_content()
    page.emulate_media(color_scheme=color_scheme)
    pages = demo_pages()
    # A 404 is the expected answer, which the page fixture would report.
    not_found = pages.pop("not-found")
    found = {}
    for name, url in pages.items():
        page.goto(f"{live_server.url}{url}")
        found[name] = blocking_violations(page)
        if page.locator(CLOSED).count():
            page.evaluate(OPEN_EVERYTHING)
            found[f"{name} (all open)"] = blocking_violations(page)

    # A refused comment: the review page again, with the form's errors.
    page.goto(f"{live_server.url}{pages['review-with-comments']}")
    page.eval_on_selector("form.comment-form", "form => { form.noValidate = true; }")
    page.fill("form.comment-form [name=email]", "not an address")
    page.click("form.comment-form button[type=submit]")
    assert page.url.endswith(
        reverse("comments:post", kwargs={"slug": "metallic-rouge-episode-1-review"})
    )
    found["comment-refused"] = blocking_violations(page)
    # A first comment: the page again, with a message and the comment, pending.
    page.fill("form.comment-form [name=name]", "Aki")
    page.fill("form.comment-form [name=email]", "aki@example.com")
    page.fill("form.comment-form [name=text]", "Loved it.")
    page.click("form.comment-form button[type=submit]")
    assert "awaiting moderation" in page.get_by_role("status").inner_text()
    found["comment-pending"] = blocking_violations(page)

    context = browser.new_context(color_scheme=color_scheme)
    request.addfinalizer(context.close)
    missing = context.new_page()
    assert missing.goto(f"{live_server.url}{not_found}").status == 404
    found["not-found"] = blocking_violations(missing)

    found = {name: violations for name, violations in found.items() if violations}
    if found:
        pytest.fail(f"axe, {color_scheme} colour scheme:\n{report(found)}")
