"""Readers rate episodes 1-10 without an account: one rating per browser, a
rate limit per client, a cap per network, the community score kept on write."""

import json
import re

import pytest
from django.test import Client
from django.urls import reverse

from ratings.models import CommunityScore, Rating
from tests.factories import make_episode, make_review, make_show, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def episode():
    return make_episode(make_show(title="Metallic Rouge", slug="metallic-rouge"), 1)


def rate(client, episode, score, address="198.51.100.7", headers=None, **data):
    return client.post(
        reverse("ratings:rate", args=[episode.show.slug, episode.number]),
        {"score": score, **data},
        REMOTE_ADDR=address,
        headers=headers,
    )


def community(episode):
    return CommunityScore.objects.get(episode=episode)


def test_reader_rates_an_episode_without_an_account(client, episode):
    response = rate(client, episode, 7)
    assert response.status_code == 302
    assert response["Location"] == f"{episode.get_absolute_url()}#rating"
    assert (community(episode).count, community(episode).mean) == (1, 7)


def test_rating_again_changes_the_score_not_the_count(client, episode):
    rate(client, episode, 7)
    rate(client, episode, 9)
    assert Rating.objects.get().score == 9
    assert (community(episode).count, community(episode).mean) == (1, 9)


def test_each_browser_has_its_own_rating(episode):
    for score in (6, 8, 10):
        rate(Client(), episode, score)
    assert (community(episode).count, community(episode).mean) == (3, 8)
    assert community(episode).distribution == [0, 0, 0, 0, 0, 1, 0, 1, 0, 1]


def test_rater_cookie_is_set_only_when_rating(client, episode):
    assert "rater" not in client.get(episode.get_absolute_url()).cookies
    cookie = rate(client, episode, 7).cookies["rater"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"


def test_a_forged_rater_cookie_is_a_new_rater(episode):
    rate(Client(), episode, 7)
    forger = Client()
    forger.cookies["rater"] = Rating.objects.get().rater
    rate(forger, episode, 1)
    assert community(episode).count == 2


def test_ratings_over_the_network_cap_are_kept_but_not_counted(episode, settings):
    settings.RATINGS_PER_NETWORK = 2
    for last in (1, 2, 3):
        rate(Client(), episode, 10, address=f"203.0.113.{last}")
    rate(Client(), episode, 2, address="198.51.100.1")  # another network
    assert Rating.objects.count() == 4
    assert Rating.objects.filter(counted=False).count() == 1
    assert (community(episode).count, community(episode).mean) == (3, 22 / 3)


def test_rate_limit_per_client_address(episode, settings):
    settings.RATINGS_PER_HOUR = 2
    other = make_episode(episode.show, 2)
    third = make_episode(episode.show, 3)
    reader = Client()
    rate(reader, episode, 7)
    rate(reader, other, 7)
    response = rate(reader, third, 7)
    assert not CommunityScore.objects.filter(episode=third).exists()
    page = reader.get(response["Location"]).content.decode()
    assert "too many ratings were sent from your network" in page


def test_score_outside_one_to_ten_is_refused_with_a_message(client, episode):
    response = rate(client, episode, 11)
    assert not Rating.objects.exists()
    page = client.get(response["Location"]).content.decode()
    assert "choose a score from 1 to 10" in page


def test_a_form_from_another_site_is_refused(client, episode):
    response = rate(client, episode, 7, headers={"Origin": "https://evil.example"})
    assert response.status_code == 403
    assert not Rating.objects.exists()


def test_rating_returns_to_the_review_it_was_sent_from(client, episode):
    review = make_review(show=episode.show, episode=episode)
    response = rate(client, episode, 7, next=review.get_absolute_url())
    assert response["Location"] == f"{review.get_absolute_url()}#rating"


def test_rating_never_returns_to_another_site(client, episode):
    response = rate(client, episode, 7, next="https://evil.example/")
    assert response["Location"] == f"{episode.get_absolute_url()}#rating"


def test_episode_page_shows_the_readers_score(client, episode):
    for score in (7, 8):
        rate(Client(), episode, score)
    page = client.get(episode.get_absolute_url()).content.decode()
    assert "Readers: <strong>7.5</strong> from 2 ratings" in page


def test_review_page_shows_the_readers_score_beside_the_writers(client, episode):
    review = make_review(show=episode.show, episode=episode, score=6)
    rate(Client(), episode, 9)
    page = client.get(review.get_absolute_url()).content.decode()
    scorecard = page[page.index('class="scorecard"') :]
    assert "Readers: <strong>9</strong> from 1 rating" in scorecard
    assert 'id="rating"' in page


def test_reader_sees_their_own_score_after_rating(client, episode):
    page = client.get(rate(client, episode, 8)["Location"]).content.decode()
    assert "Thank you: you rated Metallic Rouge episode 1 8/10." in page
    assert "You gave it 8/10." in page
    assert re.search(r'value="8"[^>]*checked', page)


def test_a_page_the_cache_may_keep_never_holds_a_readers_own_score(
    client, episode, settings
):
    settings.PAGE_CACHE_SECONDS = 600
    rate(client, episode, 8)
    for name in ("messages", "sessionid"):  # the thanks shown, nothing personal
        client.cookies.pop(name, None)
    again = client.get(episode.get_absolute_url())
    assert "rater" in client.cookies
    assert "private" not in again.get("Cache-Control", "")
    assert "You gave it" not in again.content.decode()


def test_a_page_from_the_cache_still_rates(client, episode, settings):
    settings.PAGE_CACHE_SECONDS = 600
    Client().get(episode.get_absolute_url())  # cached now
    page = client.get(episode.get_absolute_url())
    assert page["X-Page-Cache"] == "hit"
    assert 'action="/shows/metallic-rouge/1/rating/"' in page.content.decode()
    assert rate(client, episode, 6).status_code == 302
    assert community(episode).count == 1


def test_rating_message_is_not_repeated_above_the_comments(client, episode):
    review = make_review(show=episode.show, episode=episode)
    response = rate(client, episode, 8, next=review.get_absolute_url())
    page = client.get(response["Location"]).content.decode()
    assert page.count("you rated Metallic Rouge episode 1") == 1


def test_episode_json_ld_has_the_readers_aggregate_rating(client, episode):
    for score in (7, 8):
        rate(Client(), episode, score)
    page = client.get(episode.get_absolute_url()).content.decode()
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page)
    (data,) = [json.loads(block) for block in blocks if '"TVEpisode"' in block[:80]]
    assert data["aggregateRating"] == {
        "@type": "AggregateRating",
        "ratingValue": 7.5,
        "ratingCount": 2,
        "bestRating": 10,
        "worstRating": 1,
    }


def test_unrated_episode_has_no_aggregate_rating(client, episode):
    page = client.get(episode.get_absolute_url()).content.decode()
    assert "AggregateRating" not in page


def test_episode_page_queries_do_not_grow_with_ratings(
    client, episode, django_assert_max_num_queries, settings
):
    settings.PAGE_CACHE_SECONDS = 0
    settings.FRAGMENT_CACHE_SECONDS = 0
    make_review(show=episode.show, episode=episode)
    rate(Client(), episode, 7)
    with django_assert_max_num_queries(8) as few:
        Client().get(episode.get_absolute_url())
    queries = len(few)
    for last in range(30):
        rate(Client(), episode, 5, address=f"192.0.2.{last}")
    with django_assert_max_num_queries(queries):
        Client().get(episode.get_absolute_url())


def test_show_page_lists_each_episodes_readers_score(client, episode):
    make_review(show=episode.show, episode=episode)
    for score in (6, 9):
        rate(Client(), episode, score)
    page = client.get(episode.show.get_absolute_url()).content.decode()
    counted = '<span class="readers-count">(2<span class="visually-hidden"> ratings'
    assert f"7.5 {counted}" in page


def test_show_page_queries_do_not_grow_with_rated_episodes(
    client, episode, django_assert_max_num_queries, settings
):
    settings.FRAGMENT_CACHE_SECONDS = 0
    make_review(show=episode.show, episode=episode)
    rate(Client(), episode, 7)
    with django_assert_max_num_queries(20) as few:
        Client().get(episode.show.get_absolute_url())
    queries = len(few)
    for number in range(2, 12):
        rate(
            Client(), make_episode(episode.show, number), 5, address=f"192.0.2.{number}"
        )
    with django_assert_max_num_queries(queries):
        Client().get(episode.show.get_absolute_url())


# Moderators look after the ratings in the admin


@pytest.fixture
def moderator_client(client):
    client.force_login(make_user(groups=["Moderators"]))
    return client


def test_moderator_sees_the_ratings_list(moderator_client, episode):
    rate(Client(), episode, 7)
    response = moderator_client.get(reverse("admin:ratings_rating_changelist"))
    assert response.status_code == 200
    assert response.context["cl"].result_count == 1
    assert f"/admin/ratings/rating/{Rating.objects.get().pk}/change/" in response.text


def test_moderator_stops_counting_a_rating_and_the_score_is_recounted(
    moderator_client, episode
):
    rate(Client(), episode, 2)
    rate(Client(), episode, 8)
    stuffed = Rating.objects.get(score=2)
    response = moderator_client.post(
        reverse("admin:ratings_rating_changelist"),
        {"action": "stop_counting", "_selected_action": [stuffed.pk]},
        follow=True,
    )
    assert "1 rating no longer counted." in response.text
    assert (community(episode).count, community(episode).mean) == (1, 8)


def test_moderator_counting_a_rating_again_in_its_form_recounts(
    moderator_client, episode
):
    rate(Client(), episode, 4)
    Rating.objects.update(counted=False)
    rating = Rating.objects.get()
    moderator_client.post(
        reverse("admin:ratings_rating_change", args=[rating.pk]), {"counted": "on"}
    )
    assert (community(episode).count, community(episode).mean) == (1, 4)
