"""The review form's rules that depend on each other: the kind's verdicts, one
show's episodes."""

import pytest
from django.urls import reverse

from reviews.models import Review
from tests.factories import make_episode, make_show

pytestmark = pytest.mark.django_db

Kind, Verdict = Review.Kind, Review.Verdict


def test_first_impressions_take_their_own_verdicts():
    assert Review.verdicts_for(Kind.FIRST_IMPRESSIONS) == [
        Verdict.KEEP_WATCHING,
        Verdict.WAIT_AND_SEE,
        Verdict.DROP,
    ]


@pytest.mark.parametrize("kind", [Kind.EPISODE, Kind.SEASON])
def test_other_reviews_recommend_or_not(kind):
    assert Review.verdicts_for(kind) == [
        Verdict.RECOMMENDED,
        Verdict.MIXED,
        Verdict.NOT_RECOMMENDED,
    ]


def test_the_form_tells_the_page_each_kinds_verdicts(writer_client):
    content = writer_client.get(reverse("admin:reviews_review_add")).content.decode()
    assert "data-verdicts=" in content
    assert "&quot;first_impressions&quot;: [&quot;keep_watching&quot;" in content


def episode_search(client, term, **extra):
    response = client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "reviews",
            "model_name": "review",
            "field_name": "episode",
            "term": term,
            **extra,
        },
    )
    return [result["text"] for result in response.json()["results"]]


def test_the_episode_picker_searches_one_shows_episodes(writer_client):
    rouge, relay = make_show(title="Metallic Rouge"), make_show(title="Relay")
    make_episode(rouge, number=1)
    make_episode(relay, number=1)
    assert episode_search(writer_client, "1", show=relay.pk) == ["Relay episode 1"]


def test_without_a_show_the_picker_searches_every_episode(writer_client):
    make_episode(make_show(title="Metallic Rouge"), number=1)
    make_episode(make_show(title="Relay"), number=1)
    assert len(episode_search(writer_client, "1")) == 2


def test_a_new_episode_from_the_review_form_starts_with_its_show(writer_client):
    show = make_show(title="Relay")
    url = (
        reverse("admin:reviews_episode_add") + f"?_to_field=id&_popup=1&show={show.pk}"
    )
    content = writer_client.get(url).content.decode()
    assert f'<option value="{show.pk}" selected>Relay</option>' in content
