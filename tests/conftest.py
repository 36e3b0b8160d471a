import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client

from reviews.models import Author
from reviews.pagecache.pages import Held
from tests.factories import Catalogue, make_user


@pytest.fixture(scope="session")
def django_db_modify_db_settings(
    django_db_modify_db_settings_parallel_suffix, tmp_path_factory
):
    """On SQLite, a test database in a file, not in memory: the browser tests'
    live server then has its own connection, instead of sharing the test's,
    which broke when a request (a markdownx preview) ran while the test itself
    read the database."""
    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        name = tmp_path_factory.mktemp("database") / "test.sqlite3"
        database.setdefault("TEST", {})["NAME"] = str(name)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def test_settings(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Production's manifest storage needs collectstatic first.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }
    # WhiteNoise warns about a missing STATIC_ROOT on every request otherwise.
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STATIC_ROOT.mkdir()
    settings.SECURE_SSL_REDIRECT = False
    # Views are tested as they render; tests/test_pagecache.py and
    # tests/test_fragments.py turn the caches on.
    settings.PAGE_CACHE_SECONDS = 0
    settings.FRAGMENT_CACHE_SECONDS = 0
    # A test's process is every worker at once: each of its requests asks
    # Redis (tests/test_pagecache.py tests the moment a worker trusts).
    settings.PAGE_CACHE_RECHECK_SECONDS = 0


@pytest.fixture(autouse=True)
def empty_cache():
    """Rate limits and cached pages never leak from one test into another."""
    cache.clear()
    Held.clear()
    yield
    cache.clear()
    Held.clear()


@pytest.fixture
def writes(django_capture_on_commit_callbacks):
    """Runs the on-commit work (cache invalidation, mail) of the writes made
    inside it, as the end of a request's transaction would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def staff_author(username, group):
    user = make_user(username, groups=[group])
    Author.for_user(user)
    return user


@pytest.fixture
def writer(db):
    return staff_author("writer", "Writers")


@pytest.fixture
def other_writer(db):
    return staff_author("other_writer", "Writers")


@pytest.fixture
def editor(db):
    return staff_author("editor", "Editors")


@pytest.fixture
def moderator(db):
    return make_user("moderator", groups=["Moderators"])


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def writer_client(writer):
    return logged_in(writer)


@pytest.fixture
def editor_client(editor):
    return logged_in(editor)


@pytest.fixture
def moderator_client(moderator):
    return logged_in(moderator)


@pytest.fixture
def catalogue():
    """Demo-like data: 5 shows, 3 authors, 5 reviews and comments (tests.factories)."""
    catalogue = Catalogue()
    catalogue.add_reviews(5)
    catalogue.add_comments(5)
    return catalogue
