import stat
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from reviews.models import Author, Credit, Episode, Review, Show, ThemeSong

pytestmark = pytest.mark.django_db


@pytest.fixture
def accounts_file(settings, tmp_path):
    settings.DEMO_ACCOUNTS_FILE = tmp_path / ".demo-accounts"
    return settings.DEMO_ACCOUNTS_FILE


def run_demo(*args):
    output = StringIO()
    call_command("demo", *args, stdout=output)
    return output.getvalue()


def counts():
    models = [User, Author, Show, Episode, Credit, ThemeSong, Review]
    return {model.__name__: model.objects.count() for model in models}


def test_demo_twice_creates_nothing_twice(accounts_file):
    run_demo()
    first = counts()
    run_demo()
    assert counts() == first


def test_demo_prints_new_passwords_once_and_keeps_them(accounts_file):
    first = run_demo()
    saved = dict(line.split(" ") for line in accounts_file.read_text().splitlines())
    assert set(saved) == {"writer", "editor", "moderator", "guest-author"}
    assert all(password in first for password in saved.values())
    second = run_demo()
    assert not any(password in second for password in saved.values())
    assert ".demo-accounts" in second
    assert User.objects.get(username="writer").check_password(saved["writer"])


def test_demo_accounts_file_is_private(accounts_file):
    run_demo()
    assert stat.S_IMODE(accounts_file.stat().st_mode) == 0o600


def test_demo_accounts_have_their_roles(accounts_file):
    run_demo()
    roles = {
        user.username: list(user.groups.values_list("name", flat=True))
        for user in User.objects.filter(is_staff=True)
    }
    assert roles == {
        "writer": ["Writers"],
        "editor": ["Editors"],
        "moderator": ["Moderators"],
        "guest-author": ["Guest writers"],
    }


def test_demo_without_accounts_creates_no_login(accounts_file):
    run_demo("--no-accounts")
    assert not accounts_file.exists()
    assert not User.objects.filter(is_staff=True).exists()


def test_demo_has_metallic_rouge_with_its_facts(accounts_file):
    run_demo("--no-accounts")
    show = Show.objects.get(slug="metallic-rouge")
    assert show.source == Show.Source.ORIGINAL
    assert str(show.premiere_date) == "2024-01-11"
    assert show.season_label == "Winter 2024"
    assert list(show.studios.values_list("name", flat=True)) == ["Bones"]
    credits = set(show.credits.values_list("name", flat=True))
    assert {"Motonobu Hori", "Yutaka Izubuchi", "Toshizo Nemoto"} <= credits
    songs = set(show.theme_songs.values_list("title", "artist"))
    assert {("Rouge", "Yu-ka"), ("Crimson Lightning", "Taisei Iwasaki")} <= songs


def test_demo_reviews_metallic_rouge_episode_one_three_ways(accounts_file):
    run_demo("--no-accounts")
    reviews = Review.objects.published().filter(
        show__slug="metallic-rouge", episode__number=1
    )
    assert reviews.count() == 3
    assert reviews.values("author").distinct().count() == 3
    assert any(review.recap and review.score == 7 for review in reviews)
    assert any("worth watching" in review.body.lower() for review in reviews)


def test_demo_fills_more_than_one_page_of_reviews(accounts_file):
    run_demo("--no-accounts")
    assert Review.objects.published().count() > 24
    assert Review.objects.exclude(pk__in=Review.objects.published()).exists()
