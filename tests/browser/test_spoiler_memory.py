"""Spoiler memory: "I have watched up to episode N", kept in the browser."""

import pytest

from tests.factories import make_comment, make_episode, make_review, make_show

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def two_episodes():
    show = make_show(title="Metallic Rouge", episode_count=13)
    first, second = (
        make_review(
            show=show,
            episode=make_episode(show, number=number),
            recap=f"Episode {number} recap: Rouge ||wins round {number}||.",
            body=f"::: spoiler The ending\nRound {number} ends.\n:::",
        )
        for number in (1, 2)
    )
    return show, first, second


def recap_is_open(page):
    return page.locator("details.recap").evaluate("details => details.open")


def test_watched_up_to_one_opens_episode_ones_recap_not_episode_twos(
    page, live_server, two_episodes
):
    show, first, second = two_episodes
    page.goto(f"{live_server.url}{show.get_absolute_url()}")
    page.get_by_label("I have watched Metallic Rouge up to episode").fill("1")
    page.get_by_role("button", name="Remember").click()
    assert "watched up to episode 1" in page.get_by_role("status").inner_text()

    page.goto(f"{live_server.url}{first.get_absolute_url()}")
    assert recap_is_open(page)
    assert page.locator("details.recap .spoiler-text").is_visible()
    assert page.locator(".review-body details.spoiler").evaluate("d => d.open")

    page.goto(f"{live_server.url}{second.get_absolute_url()}")
    assert not recap_is_open(page)
    assert not page.locator(".review-body details.spoiler").evaluate("d => d.open")

    page.reload()
    assert not recap_is_open(page)
    page.goto(f"{live_server.url}{first.get_absolute_url()}")
    assert recap_is_open(page)


def test_memory_is_per_show(page, live_server, two_episodes):
    show, first, _ = two_episodes
    other = make_review(recap="Another show's recap.")
    page.goto(f"{live_server.url}{show.get_absolute_url()}")
    page.get_by_label("I have watched Metallic Rouge up to episode").fill("13")
    page.get_by_role("button", name="Remember").click()
    page.goto(f"{live_server.url}{other.get_absolute_url()}")
    assert not recap_is_open(page)


def test_forgetting_closes_the_recaps_again(page, live_server, two_episodes):
    _, first, _ = two_episodes
    page.goto(f"{live_server.url}{first.get_absolute_url()}")
    page.get_by_label("I have watched Metallic Rouge up to episode").fill("2")
    page.get_by_role("button", name="Remember").click()
    assert recap_is_open(page)
    page.get_by_role("button", name="Forget").click()
    assert not recap_is_open(page)
    page.reload()
    assert not recap_is_open(page)


def test_without_javascript_the_memory_is_hidden_and_recaps_stay_closed(
    page_without_javascript, live_server, two_episodes
):
    show, first, _ = two_episodes
    page = page_without_javascript
    page.goto(f"{live_server.url}{show.get_absolute_url()}")
    assert not page.locator("form.spoiler-memory").is_visible()
    page.goto(f"{live_server.url}{first.get_absolute_url()}")
    assert not recap_is_open(page)


def test_comment_spoilers_are_hidden_until_clicked_or_remembered(
    page, live_server, two_episodes
):
    show, first, second = two_episodes
    for review in (first, second):
        make_comment(review, text="Wait until ||the twist|| lands.")
    spoiler = page.locator("#comments label.spoiler")

    page.goto(f"{live_server.url}{first.get_absolute_url()}")
    assert not spoiler.locator(".spoiler-text").is_visible()
    spoiler.click()
    assert spoiler.locator(".spoiler-text").is_visible()

    page.goto(f"{live_server.url}{show.get_absolute_url()}")
    page.get_by_label("I have watched Metallic Rouge up to episode").fill("1")
    page.get_by_role("button", name="Remember").click()
    page.goto(f"{live_server.url}{first.get_absolute_url()}")
    assert spoiler.locator(".spoiler-text").is_visible()
    page.goto(f"{live_server.url}{second.get_absolute_url()}")
    assert not spoiler.locator(".spoiler-text").is_visible()
