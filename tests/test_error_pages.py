"""The site's own error pages, with debug off: its layout, search and a way
home, and nothing read from the database."""

from unittest import mock

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.factories import make_user

pytestmark = pytest.mark.django_db


def assert_site_page(response, status, heading):
    assert response.status_code == status
    content = response.content.decode()
    assert heading in content
    assert 'class="site-search"' in content
    assert 'href="/"' in content
    assert '<meta name="viewport"' in content


def test_a_dead_link_is_our_404_naming_the_address(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/reviews/no-such-review-<b>/")
    assert_site_page(response, 404, "Page not found")
    assert "/reviews/no-such-review-&lt;b&gt;/" in response.content.decode()
    assert len(queries) <= 1  # the lookup that found nothing; the page reads none


def test_a_page_past_the_last_is_our_404(client):
    assert_site_page(client.get("/reviews/?page=99"), 404, "Page not found")


def test_a_server_error_is_our_500():
    client = Client(raise_request_exception=False)
    with mock.patch("reviews.views.HomeView.get", side_effect=RuntimeError("boom")):
        response = client.get("/")
    assert_site_page(response, 500, "Something went wrong on our side")


def test_a_forbidden_page_is_our_403(client):
    from django.core.exceptions import PermissionDenied

    with mock.patch("reviews.views.HomeView.get", side_effect=PermissionDenied):
        response = client.get("/")
    assert_site_page(response, 403, "You may not open this page")


def test_a_form_too_big_to_send_says_the_limit(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    writer = make_user("big-writer")
    client = Client()
    client.force_login(writer)
    response = client.post("/admin/reviews/review/add/", {"body": "x" * 20_000})
    assert_site_page(response, 400, "Too much to send at once")
    assert "larger than the 9.8\xa0KB the site accepts" in response.content.decode()


def test_an_error_page_has_a_description_and_leaves_indexing_to_its_status(client):
    content = client.get("/no-such-page/").content.decode()
    assert '<meta name="description" content="' in content
    assert 'name="robots"' not in content
