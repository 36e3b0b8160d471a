"""The review form's rules that depend on each other: the kind's verdicts, one
show's episodes."""

import pytest
from django.urls import reverse

from reviews.models import Review
from tests.factories import make_episode, make_review, make_show

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


# Rough drafts: a title is enough until the review goes out


def rough_draft(**fields):
    return {
        "title": "Notes on the premiere",
        "slug": "",
        "kind": Kind.EPISODE,
        "status": Review.Status.DRAFT,
        "comments_enabled": "on",
        "published_at_0": "",
        "published_at_1": "",
        **fields,
    }


def test_a_draft_with_only_a_title_saves(writer_client, writer):
    response = writer_client.post(reverse("admin:reviews_review_add"), rough_draft())
    assert response.status_code == 302
    draft = Review.objects.get()
    assert (draft.show, draft.episode, draft.author) == (None, None, writer.author)
    assert draft.slug == "notes-on-the-premiere"


def test_a_drafts_slug_is_made_unique_from_its_title(writer_client):
    for _ in range(3):
        writer_client.post(reverse("admin:reviews_review_add"), rough_draft())
    assert sorted(Review.objects.values_list("slug", flat=True)) == [
        "notes-on-the-premiere",
        "notes-on-the-premiere-2",
        "notes-on-the-premiere-3",
    ]


@pytest.mark.parametrize("status", [Review.Status.SUBMITTED, Review.Status.PUBLISHED])
def test_going_out_without_a_show_is_refused_and_keeps_the_text(writer_client, status):
    data = rough_draft(status=status, body="Every word kept.")
    response = writer_client.post(reverse("admin:reviews_review_add"), data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "Choose the show" in errors["show"][0]
    assert "Every word kept." in response.content.decode()
    assert not Review.objects.exists()


def test_an_episode_review_needs_its_episode_to_go_out(writer_client):
    data = rough_draft(status=Review.Status.SUBMITTED, show=make_show().pk)
    response = writer_client.post(reverse("admin:reviews_review_add"), data)
    errors = response.context["adminform"].form.errors
    assert "needs its episode" in errors["episode"][0]


def test_publishing_a_rough_draft_in_bulk_says_what_it_lacks(writer_client, writer):
    draft = Review.objects.create(author=writer.author, title="Rough")
    response = writer_client.post(
        reverse("admin:reviews_review_changelist"),
        {"action": "make_published", "_selected_action": [draft.pk]},
        follow=True,
    )
    draft.refresh_from_db()
    assert draft.status == Review.Status.DRAFT
    assert "Not yet published: Rough (Choose the show" in response.content.decode()


def test_the_database_refuses_a_published_review_without_a_show(writer):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Review.objects.create(
            author=writer.author, title="No show", status=Review.Status.PUBLISHED
        )


def test_staff_can_preview_a_rough_draft(writer_client, writer):
    draft = Review.objects.create(author=writer.author, title="Rough")
    response = writer_client.get(draft.get_absolute_url())
    assert response.status_code == 200
    assert "<h1" in response.content.decode()
    assert writer_client.get(draft.get_preview_url()).status_code == 200


# What a review says under it


def test_a_new_review_starts_with_the_writers_sign_off(writer_client, writer):
    writer.author.sign_off = "See you next week."
    writer.author.save()
    response = writer_client.get(reverse("admin:reviews_review_add"))
    assert response.context["adminform"].form.initial["sign_off"] == (
        "See you next week."
    )


def test_a_changed_profile_leaves_old_reviews_as_they_were(client, writer):
    writer.author.sign_off = "See you next week."
    writer.author.save()
    review = make_review(author=writer.author)
    writer.author.sign_off = "New line."
    writer.author.save()
    content = client.get(review.get_absolute_url()).content.decode()
    assert '<p class="sign-off">See you next week.</p>' in content
    assert "New line." not in content


def test_an_editor_writing_under_another_byline_signs_with_theirs(
    editor_client, writer
):
    writer.author.sign_off = "Mina, signing off."
    writer.author.save()
    data = rough_draft(author=writer.author.pk, sign_off="", support_url="")
    data["sign_off"] = (
        editor_client.get(reverse("admin:reviews_review_add"))
        .context["adminform"]
        .form.initial.get("sign_off", "")
    )
    editor_client.post(reverse("admin:reviews_review_add"), data)
    assert Review.objects.get().sign_off == "Mina, signing off."


# Fewer steps to publish


def test_the_publish_button_publishes_the_form_as_it_is(writer_client):
    show = make_show()
    data = rough_draft(show=show.pk, episode=make_episode(show, 1).pk, _publish="1")
    response = writer_client.post(reverse("admin:reviews_review_add"), data)
    assert response.status_code == 302
    assert Review.objects.get().is_published()


def test_a_guest_writers_publish_button_publishes_nothing(db):
    from tests.conftest import logged_in, staff_author

    guest = logged_in(staff_author("guest", "Guest writers"))
    show = make_show()
    data = rough_draft(show=show.pk, episode=make_episode(show, 1).pk, _publish="1")
    guest.post(reverse("admin:reviews_review_add"), data)
    assert Review.objects.get().status == Review.Status.DRAFT
    add_form = guest.get(reverse("admin:reviews_review_add")).content.decode()
    assert 'name="_publish"' not in add_form


def test_picking_the_episode_first_gives_the_review_its_show(writer_client):
    episode = make_episode(make_show(title="Relay"), 3)
    data = rough_draft(episode=episode.pk, status=Review.Status.SUBMITTED)
    assert writer_client.post(
        reverse("admin:reviews_review_add"), data
    ).status_code == (302)
    assert Review.objects.get().show == episode.show
