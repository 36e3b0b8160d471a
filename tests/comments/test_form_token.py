"""Behind Varnish (deploy/varnish), a stored review page's comment form gets
its dated token through an ESI include, so each reader's token dates their own
fetch, as the page cache's restamp does for Django's own hits."""

import re
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from reviews import stamps
from tests.factories import make_review

pytestmark = pytest.mark.django_db
ESI = {"HTTP_SURROGATE_CAPABILITY": 'varnish="ESI/1.0"'}


@pytest.fixture(autouse=True)
def front_cache(settings):
    settings.FRONT_CACHES = ["http://127.0.0.1:6091"]


@pytest.fixture
def review():
    return make_review()


def test_through_varnish_the_form_includes_its_token_by_esi(client, review):
    page = client.get(review.get_absolute_url(), **ESI).content.decode()
    assert f'<esi:include src="/comments/token/{review.pk}/"/>' in page
    assert 'name="token"' not in page


def test_a_page_through_varnish_says_it_holds_esi(client, review):
    response = client.get(review.get_absolute_url(), **ESI)
    assert response["Surrogate-Control"] == 'content="ESI/1.0"'


def test_without_varnish_the_form_holds_its_token(client, review):
    response = client.get(review.get_absolute_url())
    assert "<esi:include" not in response.content.decode()
    assert 'name="token"' in response.content.decode()
    assert not response.has_header("Surrogate-Control")


def test_the_token_include_is_a_token_dated_now(client, review):
    response = client.get(f"/comments/token/{review.pk}/")
    field = r'<input type="hidden" name="token" value="([^"]+)" id="id_token">'
    value = re.search(field, response.content.decode())[1]
    subject, age = stamps.read(value)
    assert (subject, age < 1) == (str(review.pk), True)


def test_varnish_keeps_a_token_one_second_and_browsers_none(client, review):
    response = client.get(f"/comments/token/{review.pk}/")
    assert set(response["Cache-Control"].split(", ")) == {
        "public",
        "max-age=0",
        "s-maxage=1",
    }


def test_two_fetches_a_second_apart_get_tokens_of_their_own(client, review):
    first = client.get(f"/comments/token/{review.pk}/").content
    time.sleep(0.01)
    assert client.get(f"/comments/token/{review.pk}/").content != first


def test_without_front_caches_the_header_is_not_trusted(client, review, settings):
    settings.FRONT_CACHES = []
    page = client.get(review.get_absolute_url(), **ESI).content.decode()
    assert "<esi:include" not in page and 'name="token"' in page


def test_a_personal_page_through_varnish_says_it_holds_esi(client, review):
    client.cookies["sessionid"] = "x"  # passed by Varnish, still filled in
    response = client.get(review.get_absolute_url(), **ESI)
    assert response["Surrogate-Control"] == 'content="ESI/1.0"'


def test_the_page_cache_keeps_the_esi_page_apart(client, review, settings):
    settings.PAGE_CACHE_SECONDS = 600
    url = review.get_absolute_url()
    assert client.get(url, **ESI)["X-Page-Cache"] == "miss"
    plain = client.get(url)
    assert plain["X-Page-Cache"] == "miss"
    assert "<esi:include" not in plain.content.decode()
    assert client.get(url, **ESI)["X-Page-Cache"] == "hit"


def test_a_stored_page_is_kept_by_varnish_until_the_next_publication(
    client, review, settings
):
    settings.PAGE_CACHE_SECONDS = 600
    make_review(published_at=timezone.now() + timedelta(seconds=90))
    response = client.get(review.get_absolute_url())
    max_age = re.search(r"s-maxage=(\d+)", response["Cache-Control"])[1]
    assert 85 <= int(max_age) <= 91


def test_an_unknown_query_parameter_keeps_the_page_out_of_varnish(
    client, review, settings
):
    settings.PAGE_CACHE_SECONDS = 600
    url = review.get_absolute_url()
    client.get(url)
    response = client.get(url + "?utm_source=x")
    assert response["X-Page-Cache"] == "hit"
    assert "s-maxage" not in response["Cache-Control"]
    assert not response.has_header("xkey")
