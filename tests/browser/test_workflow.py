"""A writer's session in the admin: two tabs on one review, a conflict, a
restored revision, and the browser's unsaved copy."""

import pytest

from reviews.models import Author, Review
from tests.browser.test_writer import wait_for
from tests.factories import make_review, make_user

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a-long-test-password"


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")


@pytest.fixture
def draft(live_server):
    user = make_user("writer", groups=["Writers"], password=PASSWORD)
    return make_review(
        author=Author.for_user(user),
        status=Review.Status.DRAFT,
        title="Rouge wakes up",
        body="First draft.",
    )


def test_two_tabs_conflict_and_a_revision_is_restored(
    page, another_page, live_server, draft
):
    change_url = f"{live_server.url}/admin/reviews/review/{draft.pk}/change/"
    log_in(page, live_server, "writer")
    log_in(another_page, live_server, "writer")
    page.goto(change_url)
    another_page.goto(change_url)

    # The first tab saves, with the live preview showing the new text.
    page.fill("#id_body", "## Thoughts\n\nThe **second** draft.")
    preview = page.locator(".field-body .markdownx-preview")
    wait_for(page, lambda: preview.locator("strong").count() == 1, "the preview")
    page.click("input[name=_continue]")
    page.wait_for_url(change_url)
    assert "changed successfully" in page.locator(".messagelist").inner_text()

    # The second tab, opened before that save, is refused with its text kept.
    another_page.fill("#id_body", "A different idea, typed in the other tab.")
    another_page.click("input[name=_continue]")
    another_page.wait_for_load_state()
    conflict = another_page.locator(".errorlist.nonfield").inner_text()
    assert "saved this review at" in conflict
    assert another_page.input_value("#id_body") == (
        "A different idea, typed in the other tab."
    )
    draft.refresh_from_db()
    assert draft.body.replace("\r\n", "\n") == "## Thoughts\n\nThe **second** draft."

    # The writer restores the first draft from the revisions.
    page.click("text=Revisions")
    page.get_by_role("link", name="Restore…").first.click()
    assert "First draft." in page.locator(".revision-diff").inner_text()
    page.click("input[value='Restore this revision']")
    page.wait_for_url(change_url)
    assert page.input_value("#id_body") == "First draft."


def test_unsaved_text_survives_a_closed_tab(page, live_server, draft):
    change_url = f"{live_server.url}/admin/reviews/review/{draft.pk}/change/"
    log_in(page, live_server, "writer")
    page.goto(change_url)
    page.fill("#id_body", "Words typed just before the browser crashed.")
    page.wait_for_timeout(800)  # The copy is kept 0.4 s after the last key.

    page.goto(change_url)  # As if the tab had closed and opened again.
    assert page.input_value("#id_body") == "First draft."
    notice = page.get_by_role("alert")
    assert "unsaved copy" in notice.inner_text()
    page.get_by_role("button", name="Restore the unsaved copy").click()
    assert page.input_value("#id_body") == (
        "Words typed just before the browser crashed."
    )
    page.click("input[name=_continue]")
    page.wait_for_url(change_url)
    draft.refresh_from_db()
    assert draft.body == "Words typed just before the browser crashed."
    # Saved: the copy is gone, and nothing is offered any more.
    page.goto(change_url)
    assert page.get_by_role("alert").count() == 0
