"""Entering a show fast: many episodes in one step, staff and songs in the
order of their rows."""

from datetime import date

import pytest

from reviews.models import Credit, Episode, Show
from tests.factories import make_episode, make_show
from tests.test_admin import admin_url, form_errors, management_form, show_form_data

pytestmark = pytest.mark.django_db


def add_show(client, **fields):
    return client.post(admin_url("show", "add"), show_form_data(**fields))


def episodes():
    return list(Episode.objects.values_list("number", "title", "air_date"))


def test_a_range_of_episodes_is_added_in_one_step(writer_client):
    response = add_show(writer_client, new_episodes="1-3, 5")
    assert response.status_code == 302
    assert [number for number, _, _ in episodes()] == [1, 2, 3, 5]


def test_titles_and_weekly_air_dates_go_with_the_numbers(writer_client):
    add_show(
        writer_client,
        new_episodes="1-3",
        new_episode_titles="Departure\nThe Second Bell\n",
        first_air_date="2024-01-10",
    )
    assert episodes() == [
        (1, "Departure", date(2024, 1, 10)),
        (2, "The Second Bell", date(2024, 1, 17)),
        (3, "", date(2024, 1, 24)),
    ]


def test_episodes_the_show_has_are_left_as_they_are(writer_client):
    show = make_show(slug="frieren")
    make_episode(show, number=2, title="Kept")
    data = show_form_data(new_episodes="1-3")
    writer_client.post(admin_url("show", "change", show.pk), data)
    assert episodes() == [(1, "", None), (2, "Kept", None), (3, "", None)]


@pytest.mark.parametrize(
    "numbers, message",
    [("one to twelve", "is not an episode number"), ("12-1", "lower number")],
)
def test_unreadable_numbers_are_refused_with_the_text_kept(
    writer_client, numbers, message
):
    response = add_show(writer_client, new_episodes=numbers, synopsis="Kept.")
    assert message in form_errors(response)["new_episodes"][0]
    assert "Kept." in response.content.decode()
    assert not Show.objects.exists()


def test_more_titles_than_numbers_is_refused(writer_client):
    response = add_show(writer_client, new_episodes="1", new_episode_titles="A\nB")
    assert (
        "2 titles for 1 new episodes" in form_errors(response)["new_episode_titles"][0]
    )


def test_staff_keep_the_order_of_their_rows_and_new_ones_come_last(writer_client):
    show = make_show(slug="frieren")
    first = Credit.objects.create(show=show, role="director", name="First", position=0)
    data = show_form_data(
        **{
            **management_form("credits", total=2),
            "credits-INITIAL_FORMS": 1,
            "credits-0-id": first.pk,
            "credits-0-show": show.pk,
            "credits-0-role": "director",
            "credits-0-name": "First",
            "credits-1-id": "",
            "credits-1-show": show.pk,
            "credits-1-role": "music",
            "credits-1-name": "Second",
        },
    )
    writer_client.post(admin_url("show", "change", show.pk), data)
    assert [c.name for c in Credit.objects.filter(show=show)] == ["First", "Second"]


def test_an_empty_title_line_is_an_episode_without_a_title(writer_client):
    add_show(writer_client, new_episodes="1-3", new_episode_titles="One\n\nThree\n\n")
    assert [title for _, title, _ in episodes()] == ["One", "", "Three"]


def test_a_title_past_the_last_number_is_refused_not_dropped(writer_client):
    response = add_show(
        writer_client, new_episodes="1-3", new_episode_titles="A\n\n\nD"
    )
    assert (
        "4 titles for 3 new episodes" in form_errors(response)["new_episode_titles"][0]
    )
