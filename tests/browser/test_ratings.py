"""A reader rates an episode in Chromium, and finds their score again."""

import pytest

from tests.factories import make_episode, make_review, make_show

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def review():
    show = make_show(title="Metallic Rouge", slug="metallic-rouge")
    return make_review(show=show, episode=make_episode(show, 1), score=7)


def test_reader_rates_from_a_review_and_the_score_moves(page, live_server, review):
    page.goto(live_server.url + review.get_absolute_url())
    assert "Rate this episode" in page.locator(".scorecard").inner_text()
    page.locator(".rating-choice", has_text="9").first.click()
    page.get_by_role("button", name="Send my score").click()
    status = page.locator("#rating [role=status]")
    assert "you rated Metallic Rouge episode 1 9/10" in status.inner_text()
    assert "Readers: 9 from 1 rating" in page.locator(".scorecard").inner_text()
    assert page.get_by_label("9", exact=True).is_checked()


def test_the_browser_remembers_the_score_on_a_page_from_the_cache(
    page, live_server, review, settings
):
    settings.PAGE_CACHE_SECONDS = 600
    url = live_server.url + review.episode.get_absolute_url()
    page.goto(url)
    page.get_by_label("6", exact=True).check()
    page.get_by_role("button", name="Send my score").click()
    page.context.clear_cookies(name="messages")
    page.context.clear_cookies(name="sessionid")
    page.goto(url)
    assert page.get_by_label("6", exact=True).is_checked()
    assert "You gave it 6/10" in page.locator("#rating legend").inner_text()
