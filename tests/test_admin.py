import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from reviews.models import Author, Episode, Review, Show
from tests.factories import (
    make_episode,
    make_image_file,
    make_review,
    make_show,
    make_user,
)

RANDOM_COVER_NAME = re.compile(r"covers/[0-9a-f]{32}-\d+x\d+\.(png|jpg)")


def admin_url(model, view, *args):
    return reverse(f"admin:reviews_{model}_{view}", args=args)


def review_form_data(show, **kwargs):
    """Everything the review add/change form posts, for a draft episode review."""
    episode = Episode.objects.get_or_create(show=show, number=1)[0]
    return {
        "title": "A strong start",
        "slug": "a-strong-start",
        "show": show.pk,
        "episode": episode.pk,
        "kind": Review.Kind.EPISODE,
        "summary": "",
        "recap": "",
        "body": "My *thoughts*.",
        "score": "",
        "story_score": "",
        "visuals_score": "",
        "sound_score": "",
        "characters_score": "",
        "verdict": "",
        "episodes_watched": "",
        "spoils_up_to": "",
        "cover_alt": "",
        "status": Review.Status.DRAFT,
        "comments_enabled": "on",
        "published_at_0": "",
        "published_at_1": "",
        **kwargs,
    }


def management_form(prefix, total=0):
    return {
        f"{prefix}-TOTAL_FORMS": total,
        f"{prefix}-INITIAL_FORMS": 0,
        f"{prefix}-MIN_NUM_FORMS": 0,
        f"{prefix}-MAX_NUM_FORMS": 1000,
    }


def show_form_data(**kwargs):
    return {
        "title": "Frieren",
        "title_english": "",
        "title_japanese": "",
        "slug": "frieren",
        "synopsis": "",
        "format": Show.Format.TV,
        "source": Show.Source.MANGA,
        "season": "",
        "year": "",
        "premiere_date": "",
        "episode_count": "",
        "airing_status": Show.Airing.AIRING,
        "cover_alt": "",
        **management_form("episodes"),
        **management_form("credits"),
        **management_form("theme_songs"),
        **kwargs,
    }


def form_errors(response):
    return response.context["adminform"].form.errors


@pytest.fixture
def own_review(writer):
    return make_review(author=writer.author, title="Mine")


@pytest.fixture
def others_review(other_writer):
    return make_review(author=other_writer.author, title="Theirs")


# Groups


def group_permissions(name):
    return set(
        Group.objects.get(name=name).permissions.values_list("codename", flat=True)
    )


def crud(model, actions=("add", "change", "delete", "view")):
    return {f"{action}_{model}" for action in actions}


SHARED_MODELS = ["show", "episode", "studio", "genre", "credit", "themesong"]


def test_writers_group_permissions(db):
    assert group_permissions("Writers") == {
        *crud("review"),
        "change_author",
        "view_author",
        *[p for m in SHARED_MODELS for p in crud(m, ("add", "change", "view"))],
        "view_comment",
        "publish_review",
        # Rows a writer got wrong: reviews still protect their episodes.
        "delete_episode",
        "delete_credit",
        "delete_themesong",
    }


def test_guest_writers_group_permissions(db):
    assert group_permissions("Guest writers") == {
        *crud("review", ("add", "change", "view")),
        "change_author",
        "view_author",
        "view_comment",
        *[f"view_{model}" for model in SHARED_MODELS],
    }


def test_editors_group_permissions(db):
    assert group_permissions("Editors") == {
        *[p for m in ["review", "author", *SHARED_MODELS] for p in crud(m)],
        "change_any_review",
        "change_any_author",
        *crud("comment", ("view", "change", "delete")),
        "publish_review",
        *crud("seasonguide"),  # the premiere guides' introductions
        *READERS_SCORES,
        *[f"view_{m}" for m in ("follower", "follow", "delivery", "announcement")],
    }


# Who may stop counting a reader's rating (or count it again).
READERS_SCORES = {"view_rating", "change_rating", "view_communityscore"}


def test_moderators_group_may_only_moderate_comments_and_readers_scores(db):
    assert group_permissions("Moderators") == {
        "view_comment",
        "change_comment",
        *READERS_SCORES,
    }


# Reviews: who sees what


def test_writer_changelist_shows_only_their_own_reviews(
    writer_client, own_review, others_review
):
    response = writer_client.get(admin_url("review", "changelist"))
    assert list(response.context["cl"].result_list) == [own_review]


def test_editor_changelist_shows_every_review(editor_client, own_review, others_review):
    response = editor_client.get(admin_url("review", "changelist"))
    assert set(response.context["cl"].result_list) == {own_review, others_review}


def test_moderator_cannot_open_the_review_changelist(moderator_client):
    response = moderator_client.get(admin_url("review", "changelist"))
    assert response.status_code == 403


def test_writer_can_open_their_own_review(writer_client, own_review):
    response = writer_client.get(admin_url("review", "change", own_review.pk))
    assert response.status_code == 200


def test_writer_cannot_open_another_writers_review(writer_client, others_review):
    response = writer_client.get(admin_url("review", "change", others_review.pk))
    assert response.status_code in (403, 404)


def test_writer_cannot_edit_another_writers_review(writer_client, others_review):
    data = review_form_data(
        others_review.show, title="Hijacked", slug=others_review.slug
    )
    response = writer_client.post(admin_url("review", "change", others_review.pk), data)
    assert response.status_code in (403, 404)
    others_review.refresh_from_db()
    assert others_review.title == "Theirs"


def test_writer_cannot_see_another_writers_review_history(writer_client, others_review):
    response = writer_client.get(admin_url("review", "history", others_review.pk))
    assert response.status_code in (403, 404)


def test_writer_cannot_delete_another_writers_review(writer_client, others_review):
    url = admin_url("review", "delete", others_review.pk)
    response = writer_client.post(url, {"post": "yes"})
    assert response.status_code in (403, 404)
    assert Review.objects.filter(pk=others_review.pk).exists()


def test_writer_bulk_delete_removes_only_their_own_reviews(
    writer_client, own_review, others_review
):
    writer_client.post(
        admin_url("review", "changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [own_review.pk, others_review.pk],
            "post": "yes",
        },
    )
    assert list(Review.objects.all()) == [others_review]


def test_writer_can_edit_their_own_review(writer_client, own_review):
    data = review_form_data(own_review.show, title="Retitled", slug=own_review.slug)
    response = writer_client.post(admin_url("review", "change", own_review.pk), data)
    assert response.status_code == 302
    own_review.refresh_from_db()
    assert own_review.title == "Retitled"


def test_writer_cannot_hand_their_review_to_another_author(
    writer, writer_client, own_review, other_writer
):
    data = review_form_data(
        own_review.show, slug=own_review.slug, author=other_writer.author.pk
    )
    writer_client.post(admin_url("review", "change", own_review.pk), data)
    own_review.refresh_from_db()
    assert own_review.author == writer.author


def test_editor_can_edit_another_writers_review(editor_client, others_review):
    data = review_form_data(
        others_review.show,
        title="Edited",
        slug=others_review.slug,
        author=others_review.author.pk,
    )
    response = editor_client.post(admin_url("review", "change", others_review.pk), data)
    assert response.status_code == 302
    others_review.refresh_from_db()
    assert (others_review.title, others_review.author) == (
        "Edited",
        others_review.author,
    )


# Reviews: adding


def test_writer_add_form_has_no_author_field(writer_client):
    response = writer_client.get(admin_url("review", "add"))
    assert "author" not in response.context["adminform"].form.fields


def test_editor_add_form_has_an_author_field(editor_client):
    response = editor_client.get(admin_url("review", "add"))
    assert "author" in response.context["adminform"].form.fields


def test_writer_adds_a_review_as_themselves(writer, writer_client):
    response = writer_client.post(
        admin_url("review", "add"), review_form_data(make_show())
    )
    assert response.status_code == 302
    assert Review.objects.get().author == writer.author


def test_writer_adding_a_review_with_a_crafted_author_still_writes_as_themselves(
    writer, writer_client, other_writer
):
    data = review_form_data(make_show(), author=other_writer.author.pk)
    writer_client.post(admin_url("review", "add"), data)
    assert Review.objects.get().author == writer.author


def test_writer_without_author_profile_gets_one_when_adding_a_review(client, db):
    user = make_user("newcomer", groups=["Writers"])
    client.force_login(user)
    client.post(admin_url("review", "add"), review_form_data(make_show()))
    assert Review.objects.get().author == Author.objects.get(user=user)


def test_editor_adds_a_review_for_another_author(editor_client, other_writer):
    data = review_form_data(make_show(), author=other_writer.author.pk)
    response = editor_client.post(admin_url("review", "add"), data)
    assert response.status_code == 302
    assert Review.objects.get().author == other_writer.author


def test_admin_form_refuses_an_episode_of_another_show(writer_client):
    data = review_form_data(make_show(), episode=make_episode(make_show(), 1).pk)
    response = writer_client.post(admin_url("review", "add"), data)
    assert "episode" in form_errors(response)
    assert not Review.objects.exists()


# Covers


def test_review_cover_upload_is_reencoded_under_a_random_name(
    writer_client, media_root
):
    cover = make_image_file("JPEG", name="my-photo.jpg", gps=True)
    data = review_form_data(make_show(), cover=cover, cover_alt="A poster")
    response = writer_client.post(admin_url("review", "add"), data)
    assert response.status_code == 302
    review = Review.objects.get()
    assert RANDOM_COVER_NAME.fullmatch(review.cover.name)
    with Image.open(media_root / review.cover.name) as image:
        assert (image.format, dict(image.getexif())) == ("JPEG", {})


def test_show_cover_upload_is_reencoded_under_a_random_name(writer_client, media_root):
    cover = make_image_file("JPEG", name="poster.jpg", gps=True)
    data = show_form_data(cover=cover, cover_alt="The poster")
    response = writer_client.post(admin_url("show", "add"), data)
    assert response.status_code == 302
    show = Show.objects.get()
    assert RANDOM_COVER_NAME.fullmatch(show.cover.name)
    with Image.open(media_root / show.cover.name) as image:
        assert dict(image.getexif()) == {}


def test_non_image_cover_redisplays_the_form_and_keeps_the_text(
    writer_client, media_root
):
    cover = SimpleUploadedFile("cover.png", b"not an image", content_type="image/png")
    data = review_form_data(make_show(), cover=cover, cover_alt="A poster")
    response = writer_client.post(admin_url("review", "add"), data)
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert "cover" in form.errors
    assert (form["title"].value(), form["body"].value()) == (
        "A strong start",
        "My *thoughts*.",
    )
    assert not Review.objects.exists()


def test_unaccepted_image_format_cover_redisplays_the_form_with_an_error(
    writer_client, media_root
):
    cover = make_image_file("BMP", name="cover.bmp")
    data = review_form_data(make_show(), cover=cover, cover_alt="A poster")
    response = writer_client.post(admin_url("review", "add"), data)
    assert response.status_code == 200
    assert "BMP images are not accepted" in str(form_errors(response)["cover"])
    assert not Review.objects.exists()


def test_cover_over_the_byte_limit_redisplays_the_form_with_an_error(
    writer_client, settings
):
    settings.REVIEWS_UPLOAD_MAX_BYTES = 50
    data = review_form_data(make_show(), cover=make_image_file(), cover_alt="A poster")
    response = writer_client.post(admin_url("review", "add"), data)
    assert response.status_code == 200
    assert "images may be at most" in str(form_errors(response)["cover"])
    assert not Review.objects.exists()


def test_cover_without_alt_text_is_refused_by_the_form(writer_client):
    data = review_form_data(make_show(), cover=make_image_file(), cover_alt="")
    response = writer_client.post(admin_url("review", "add"), data)
    assert "cover_alt" in form_errors(response)
    assert not Review.objects.exists()


# Shows and episodes


def test_writer_can_add_a_show(writer_client):
    response = writer_client.post(admin_url("show", "add"), show_form_data())
    assert response.status_code == 302
    assert Show.objects.get().slug == "frieren"


def test_writer_can_add_a_show_with_an_episode_inline(writer_client):
    data = show_form_data(
        **management_form("episodes", total=1),
        **{"episodes-0-number": 1, "episodes-0-title": "The End", "episodes-0-id": ""},
    )
    writer_client.post(admin_url("show", "add"), data)
    assert str(Episode.objects.get()) == "Frieren episode 1: The End"


def test_writer_can_add_an_episode(writer_client):
    show = make_show()
    response = writer_client.post(
        admin_url("episode", "add"),
        {"show": show.pk, "number": 2, "title": "", "air_date": ""},
    )
    assert response.status_code == 302
    assert Episode.objects.get().show == show


def test_writer_cannot_delete_a_show(writer_client):
    show = make_show()
    response = writer_client.post(admin_url("show", "delete", show.pk), {"post": "yes"})
    assert response.status_code == 403
    assert Show.objects.filter(pk=show.pk).exists()


def test_writer_deletes_an_episode_they_got_wrong(writer_client):
    episode = make_episode(make_show(), 1)
    url = admin_url("episode", "delete", episode.pk)
    writer_client.post(url, {"post": "yes"})
    assert not Episode.objects.filter(pk=episode.pk).exists()


def test_an_episode_with_reviews_cannot_be_deleted(writer_client):
    episode = make_review().episode
    url = admin_url("episode", "delete", episode.pk)
    writer_client.post(url, {"post": "yes"})
    assert Episode.objects.filter(pk=episode.pk).exists()


def test_editor_can_delete_a_show(editor_client):
    show = make_show()
    editor_client.post(admin_url("show", "delete", show.pk), {"post": "yes"})
    assert not Show.objects.filter(pk=show.pk).exists()


# Author profiles


def author_form_data(author, **kwargs):
    return {
        "name": author.name,
        "slug": author.slug,
        "bio": author.bio,
        "website": "",
        "support_url": "",
        "support_label": "",
        "sign_off": "",
        **kwargs,
    }


def test_writer_changelist_shows_only_their_own_author_profile(
    writer, writer_client, other_writer
):
    response = writer_client.get(admin_url("author", "changelist"))
    assert list(response.context["cl"].result_list) == [writer.author]


def test_writer_can_change_their_own_author_profile(writer, writer_client):
    url = admin_url("author", "change", writer.author.pk)
    response = writer_client.post(url, author_form_data(writer.author, bio="*Hi*"))
    assert response.status_code == 302
    writer.author.refresh_from_db()
    assert writer.author.bio_html == "<p><em>Hi</em></p>\n"


def test_writer_cannot_change_another_writers_author_profile(
    writer_client, other_writer
):
    author = other_writer.author
    url = admin_url("author", "change", author.pk)
    response = writer_client.post(url, author_form_data(author, name="Hijacked"))
    assert response.status_code in (403, 404)
    author.refresh_from_db()
    assert author.name == "other_writer"


def test_writer_cannot_reassign_their_author_profile_to_another_user(
    writer, writer_client, other_writer
):
    url = admin_url("author", "change", writer.author.pk)
    writer_client.post(url, author_form_data(writer.author, user=other_writer.pk))
    writer.author.refresh_from_db()
    assert writer.author.user == writer


def test_writer_cannot_add_an_author_profile(writer_client):
    response = writer_client.get(admin_url("author", "add"))
    assert response.status_code == 403


def test_editor_can_change_another_writers_author_profile(editor_client, other_writer):
    author = other_writer.author
    data = author_form_data(author, name="Renamed", user=other_writer.pk)
    response = editor_client.post(admin_url("author", "change", author.pk), data)
    assert response.status_code == 302
    author.refresh_from_db()
    assert author.name == "Renamed"


def test_writer_publishes_without_a_time_and_it_is_published_now(writer_client):
    show = make_show()
    response = writer_client.post(
        admin_url("review", "add"),
        review_form_data(show, status=Review.Status.PUBLISHED),
    )
    assert response.status_code == 302, form_errors(response)
    assert Review.objects.get().is_published()


@pytest.mark.parametrize("score", ["7", "7.5", "10", "0"])
def test_resaving_a_review_keeps_its_score(writer_client, own_review, score):
    Review.objects.filter(pk=own_review.pk).update(score=Decimal(score))
    change_url = admin_url("review", "change", own_review.pk)
    select = str(writer_client.get(change_url).context["adminform"].form["score"])
    selected = re.search(r'<option value="([^"]*)" selected>', select)
    assert selected, "the stored score is not selected in the form"
    data = review_form_data(own_review.show, slug=own_review.slug, score=selected[1])
    response = writer_client.post(change_url, data)
    assert response.status_code == 302, form_errors(response)
    own_review.refresh_from_db()
    assert own_review.score == Decimal(score)


def test_season_review_with_an_episode_is_refused_by_the_form(writer_client):
    response = writer_client.post(
        admin_url("review", "add"),
        review_form_data(
            make_show(), kind=Review.Kind.SEASON, status=Review.Status.SUBMITTED
        ),
    )
    assert response.status_code == 200
    assert "covers the whole show" in str(form_errors(response))
    assert not Review.objects.exists()


def test_admin_form_refuses_invisible_control_characters(writer_client):
    """They break XML feeds; the writer is told, and the text stays."""
    data = review_form_data(make_show(), title="Tab\x0bbed title")
    response = writer_client.post(admin_url("review", "add"), data)
    assert "invisible control characters" in str(form_errors(response)["title"])
    assert not Review.objects.exists()
