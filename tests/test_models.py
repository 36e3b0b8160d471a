from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError
from django.utils import timezone

from reviews.models import Author, Episode, Review, Show
from tests.factories import (
    image_bytes,
    make_author,
    make_episode,
    make_review,
    make_show,
    make_user,
)

pytestmark = pytest.mark.django_db

ASPECTS = ["story_score", "visuals_score", "sound_score", "characters_score"]


# Constraints


@pytest.mark.parametrize("score", ["0", "0.5", "7.5", "10"])
def test_half_point_scores_from_0_to_10_are_stored(score):
    review = make_review()
    Review.objects.filter(pk=review.pk).update(score=Decimal(score))
    review.refresh_from_db()
    assert review.score == Decimal(score)


@pytest.mark.parametrize("score", ["7.3", "10.5", "-0.5", "11"])
def test_database_refuses_a_score_off_the_half_point_scale(score):
    review = make_review()
    with pytest.raises(IntegrityError):
        Review.objects.filter(pk=review.pk).update(score=Decimal(score))


@pytest.mark.parametrize("field", ASPECTS)
@pytest.mark.parametrize("score", ["7.3", "10.5", "-0.5"])
def test_database_refuses_an_aspect_score_off_the_half_point_scale(field, score):
    review = make_review()
    with pytest.raises(IntegrityError):
        Review.objects.filter(pk=review.pk).update(**{field: Decimal(score)})


@pytest.mark.parametrize("field", ASPECTS)
def test_aspect_scores_are_optional(field):
    review = make_review(**{field: None})
    assert getattr(review, field) is None


def test_episode_number_is_unique_per_show():
    show = make_show()
    make_episode(show, 1)
    with pytest.raises(IntegrityError):
        make_episode(show, 1)


def test_two_shows_can_each_have_an_episode_1():
    make_episode(make_show(), 1)
    make_episode(make_show(), 1)
    assert Episode.objects.filter(number=1).count() == 2


def test_database_refuses_a_published_review_without_publication_time():
    review = make_review()
    with pytest.raises(IntegrityError):
        Review.objects.filter(pk=review.pk).update(published_at=None)


def test_draft_may_have_no_publication_time():
    review = make_review(status=Review.Status.DRAFT)
    assert review.published_at is None


def test_saving_a_published_review_without_time_publishes_it_now():
    before = timezone.now().replace(microsecond=0)  # times are kept to the second
    review = make_review(published_at=None)
    assert before <= review.published_at <= timezone.now()


def test_database_refuses_a_review_cover_without_alt_text():
    review = make_review()
    with pytest.raises(IntegrityError):
        Review.objects.filter(pk=review.pk).update(
            cover="covers/x.png", cover_width=40, cover_height=30
        )


def test_database_refuses_a_show_cover_without_alt_text():
    show = make_show()
    with pytest.raises(IntegrityError):
        Show.objects.filter(pk=show.pk).update(
            cover="covers/x.png", cover_width=40, cover_height=30
        )


def test_cover_with_alt_text_is_accepted():
    show = make_show()
    name = default_storage.save("covers/x.png", ContentFile(image_bytes()))
    Show.objects.filter(pk=show.pk).update(cover=name, cover_alt="A poster")
    show.refresh_from_db()
    assert show.cover.name == name


# Review.clean()


def test_clean_refuses_an_episode_of_another_show():
    review = make_review()
    review.episode = make_episode(make_show(), 1)
    with pytest.raises(ValidationError) as error:
        review.clean()
    assert "episode" in error.value.message_dict


def test_clean_refuses_an_episode_review_without_episode():
    review = make_review()
    review.episode = None
    with pytest.raises(ValidationError) as error:
        review.clean()
    assert "episode" in error.value.message_dict


def test_clean_accepts_a_season_review_without_episode():
    review = make_review(kind=Review.Kind.SEASON, verdict=Review.Verdict.RECOMMENDED)
    review.clean()


@pytest.mark.parametrize(
    "verdict",
    [Review.Verdict.KEEP_WATCHING, Review.Verdict.WAIT_AND_SEE, Review.Verdict.DROP],
)
def test_clean_accepts_first_impressions_verdicts_on_first_impressions(verdict):
    review = make_review(kind=Review.Kind.FIRST_IMPRESSIONS, verdict=verdict)
    review.clean()


@pytest.mark.parametrize(
    "verdict",
    [Review.Verdict.RECOMMENDED, Review.Verdict.MIXED, Review.Verdict.NOT_RECOMMENDED],
)
def test_clean_refuses_other_verdicts_on_first_impressions(verdict):
    review = make_review(kind=Review.Kind.FIRST_IMPRESSIONS, verdict=verdict)
    with pytest.raises(ValidationError) as error:
        review.clean()
    assert "verdict" in error.value.message_dict


@pytest.mark.parametrize("kind", [Review.Kind.EPISODE, Review.Kind.SEASON])
def test_clean_refuses_first_impressions_verdicts_on_other_reviews(kind):
    review = make_review(kind=kind, verdict=Review.Verdict.KEEP_WATCHING)
    with pytest.raises(ValidationError) as error:
        review.clean()
    assert "verdict" in error.value.message_dict


def test_clean_refuses_a_cover_without_alt_text():
    review = make_review()
    review.cover = default_storage.save("covers/x.png", ContentFile(image_bytes()))
    with pytest.raises(ValidationError) as error:
        review.clean()
    assert "cover_alt" in error.value.message_dict


# Publishing


def published_state(review):
    return (
        Review.objects.published().filter(pk=review.pk).exists(),
        review.is_published(),
    )


def test_published_review_in_the_past_is_published():
    review = make_review(published_at=timezone.now() - timedelta(minutes=1))
    assert published_state(review) == (True, True)


def test_draft_is_not_published():
    review = make_review(
        status=Review.Status.DRAFT,
        published_at=timezone.now() - timedelta(days=1),
    )
    assert published_state(review) == (False, False)


def test_submitted_review_is_not_published():
    review = make_review(
        status=Review.Status.SUBMITTED,
        published_at=timezone.now() - timedelta(days=1),
    )
    assert published_state(review) == (False, False)


def test_review_scheduled_a_minute_ahead_is_not_published():
    review = make_review(published_at=timezone.now() + timedelta(minutes=1))
    assert published_state(review) == (False, False)


# Derived columns


def test_saving_stores_sanitized_body_html():
    review = make_review(body="**Great** <script>alert(1)</script>")
    assert review.body_html == "<p><strong>Great</strong> </p>\n"


def test_saving_stores_sanitized_recap_html_with_recap_ids():
    review = make_review(recap="# Part A\n\n<iframe src=x></iframe>")
    assert review.recap_html == '<h2 id="recap-part-a">Part A</h2>\n'


def test_short_review_takes_a_minute_to_read():
    assert make_review(body="Short and sweet.").reading_time == 1


def test_reading_time_counts_recap_and_body_words():
    review = make_review(recap="word " * 550, body="word " * 550)
    assert review.reading_time == 5


def test_saving_refreshes_body_html_after_an_edit():
    review = make_review(body="old")
    review.body = "new"
    review.save()
    review.refresh_from_db()
    assert review.body_html == "<p>new</p>\n"


def test_author_bio_is_rendered_on_save():
    author = make_author(bio="*hi*")
    assert author.bio_html == "<p><em>hi</em></p>\n"


# Author.for_user


def test_for_user_creates_an_author_from_the_account():
    user = make_user("mika", first_name="Mika", last_name="Saito")
    author = Author.for_user(user)
    assert (author.user, author.name, author.slug) == (user, "Mika Saito", "mika-saito")


def test_for_user_returns_the_same_author_afterwards():
    user = make_user("mika")
    first = Author.for_user(user)
    user.refresh_from_db()
    assert Author.for_user(user) == first
    assert Author.objects.filter(user=user).count() == 1


def test_for_user_avoids_a_taken_slug():
    make_author(slug="mika")
    user = make_user("mika")
    assert Author.for_user(user).slug == f"mika-{user.pk}"


# with_scores()


def test_with_scores_counts_and_averages_only_published_reviews():
    show = make_show()
    make_review(show=show, kind="season", score=Decimal("8"))
    make_review(show=show, kind="season", score=Decimal("6"))
    make_review(show=show, kind="season", score=Decimal("1"), status="draft")
    make_review(
        show=show,
        episode=None,
        kind="season",
        score=Decimal("2"),
        published_at=timezone.now() + timedelta(days=1),
    )
    show = Show.objects.with_scores().get(pk=show.pk)
    assert (show.review_count, show.mean_score) == (2, Decimal("7"))


def test_with_scores_of_a_show_without_published_reviews_is_empty():
    show = make_show()
    make_review(show=show, score=Decimal("9"), status=Review.Status.DRAFT)
    show = Show.objects.with_scores().get(pk=show.pk)
    assert (show.review_count, show.mean_score) == (0, None)


def test_with_scores_of_a_show_with_no_review_at_all_counts_none():
    show = Show.objects.with_scores().with_score_bands().get(pk=make_show().pk)
    assert (show.review_count, show.mean_score) == (0, None)
    assert (show.high_scores, show.mid_scores, show.low_scores) == (0, 0, 0)


def test_with_scores_works_for_authors_and_episodes():
    review = make_review(score=Decimal("9"))
    make_review(author=review.author, score=Decimal("3"), status="submitted")
    author = Author.objects.with_scores().get(pk=review.author.pk)
    episode = Episode.objects.with_scores().get(pk=review.episode.pk)
    assert (author.review_count, author.mean_score) == (1, Decimal("9"))
    assert (episode.review_count, episode.mean_score) == (1, Decimal("9"))


# __str__ and get_absolute_url


def test_author_str_and_url():
    author = make_author(name="Mika", slug="mika")
    assert (str(author), author.get_absolute_url()) == ("Mika", "/authors/mika/")


def test_show_str_and_url():
    show = make_show(title="Frieren", slug="frieren")
    assert (str(show), show.get_absolute_url()) == ("Frieren", "/shows/frieren/")


def test_episode_str_and_url():
    episode = make_episode(make_show(title="Frieren", slug="frieren"), 3)
    assert (str(episode), episode.get_absolute_url()) == (
        "Frieren episode 3",
        "/shows/frieren/3/",
    )


def test_episode_str_includes_its_title():
    episode = make_episode(make_show(title="Frieren"), 1, title="The End")
    assert str(episode) == "Frieren episode 1: The End"


def test_review_str_and_url():
    review = make_review(title="A quiet start", slug="a-quiet-start")
    assert (str(review), review.get_absolute_url()) == (
        "A quiet start",
        "/reviews/a-quiet-start/",
    )


# What a card shows


@pytest.mark.parametrize(
    "title, headline",
    [
        (
            "Metallic Rouge episode 1: a hunter who keeps her cards close",
            "A hunter who keeps her cards close",
        ),
        ("Metallic Rouge review: a season worth your time", "A season worth your time"),
        ("METALLIC ROUGE ep. 12 – The end", "The end"),
        ("Metallic Rouge - Bones at its best", "Bones at its best"),
        ("Metallic Rouge has style to spare", "Metallic Rouge has style to spare"),
        ("Why Metallic Rouge works", "Why Metallic Rouge works"),
        ("Metallic Rouge-like: a genre", "Metallic Rouge-like: a genre"),
    ],
)
def test_headline_drops_the_show_name_leading_the_title(title, headline):
    review = make_review(show=make_show(title="Metallic Rouge"), title=title)
    assert review.headline == headline


def test_season_of_a_day():
    seasons = [Show.Season.of(date(2026, month, 1)) for month in (1, 4, 7, 10, 12)]
    assert seasons == ["winter", "spring", "summer", "fall", "fall"]
