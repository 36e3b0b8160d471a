import base64
import hashlib
import html
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django import forms
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from reviews.forms import ReviewFilterForm
from reviews.models import Review
from reviews.views import ScoresView
from tests.factories import (
    make_author,
    make_episode,
    make_review,
    make_show,
)

pytestmark = pytest.mark.django_db


def page_urls(catalogue):
    review = catalogue.reviews[0]
    show = catalogue.shows[0]
    return {
        "home": reverse("reviews:home"),
        "review list": reverse("reviews:review-list"),
        "review list filtered": reverse("reviews:review-list")
        + f"?show={show.slug}&kind=episode&min_score=0&sort=score"
        + "&genre=science-fiction&season=2024-winter",
        "review": review.get_absolute_url(),
        "shows": reverse("reviews:show-list"),
        "shows a-z": reverse("reviews:show-list") + "?order=title",
        "show": show.get_absolute_url(),
        "episode": review.episode.get_absolute_url(),
        "authors": reverse("reviews:author-list"),
        "author": catalogue.authors[0].get_absolute_url(),
        "scores": reverse("reviews:scores"),
        "season": show.get_season_url(),
        "season premieres": reverse(
            "reviews:season-premieres", kwargs={"year": 2024, "season": "winter"}
        ),
        "studio": reverse("reviews:studio-detail", kwargs={"slug": "bones"}),
        "genre": reverse("reviews:genre-detail", kwargs={"slug": "science-fiction"}),
        "seasons": reverse("reviews:season-list"),
        "studios": reverse("reviews:studio-list"),
        "genres": reverse("reviews:genre-list"),
    }


PAGES = [
    "home",
    "review list",
    "review list filtered",
    "review",
    "shows",
    "shows a-z",
    "show",
    "episode",
    "authors",
    "author",
    "scores",
    "season",
    "season premieres",
    "studio",
    "genre",
    "seasons",
    "studios",
    "genres",
]
# The most queries each page may run, whatever the amount of data.
QUERY_BUDGET = {
    # Each section's keys (this season's after its season), their cards, airing.
    "home": 7,
    "review list": 5,
    "review list filtered": 5,
    # + the show's songs, for the facts under the score; readers' score; the
    # keys of the reviews around it, then their cards.
    "review": 9,
    "shows": 2,  # the page's count, its shows
    "shows a-z": 2,
    "show": 9,  # + the page's count, the chart's scores
    "episode": 3,  # + the readers' score
    "authors": 1,
    "author": 4,
    "scores": 2,  # the page's count, its shows
    "season": 4,  # + the seasons around it
    "season premieres": 4,  # shows, their takes, their episode 1s, the guide
    "studio": 4,
    "genre": 4,
    "seasons": 1,
    "studios": 1,
    "genres": 1,
}


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("page", PAGES)
def test_public_page_renders(client, catalogue, page):
    response = client.get(page_urls(catalogue)[page])
    assert response.status_code == 200
    assert b"<title>" in response.content


@pytest.mark.parametrize("page", PAGES)
def test_public_page_query_count_does_not_grow_with_data(client, catalogue, page):
    """Guards against N+1 queries: 5 and 50 of everything (shows with their
    genres, studios, staff and songs, authors, reviews, comments with replies)
    cost the same queries."""
    url = page_urls(catalogue)[page]
    with_five = count_queries(client, url)
    catalogue.grow(45)
    with_fifty = count_queries(client, url)
    assert with_five == with_fifty
    assert with_fifty <= QUERY_BUDGET[page]


@pytest.mark.parametrize(
    "url_name",
    [
        "home",
        "review-list",
        "show-list",
        "author-list",
        "scores",
        "season-list",
        "studio-list",
        "genre-list",
    ],
)
def test_empty_site_pages_say_so_kindly(client, url_name):
    response = client.get(reverse(f"reviews:{url_name}"))
    assert response.status_code == 200
    assert b'class="empty"' in response.content


def test_review_page_shows_everything_a_reader_needs(client, catalogue):
    review = catalogue.reviews[0]
    content = client.get(review.get_absolute_url()).content.decode()
    assert review.title in content
    assert review.show.title in content
    assert f"Episode {review.episode.number}" in content
    assert review.author.name in content
    assert f"{review.reading_time} min read" in content
    assert "Recommended" in content
    assert "Story" in content
    assert '<details class="recap">' in content
    assert "https://ko-fi.com/x" in content


def test_recap_is_collapsed_by_default(client, catalogue):
    content = client.get(catalogue.reviews[0].get_absolute_url()).content.decode()
    assert '<details class="recap">' in content
    assert '<details class="recap" open' not in content


def test_review_page_links_previous_and_next_episode_reviews(client, catalogue):
    catalogue.add_reviews(10)
    show = catalogue.shows[0]
    first, second, third = Review.objects.filter(show=show).order_by("episode__number")[
        :3
    ]
    content = client.get(second.get_absolute_url()).content.decode()
    assert f'rel="prev" href="{first.get_absolute_url()}"' in content
    assert f'rel="next" href="{third.get_absolute_url()}"' in content


def test_previous_and_next_are_the_nearest_episodes_not_the_newest_reviews(client):
    show = make_show()
    reviews = {
        number: make_review(
            show=show,
            episode=make_episode(show, number=number),
            # Episode 10 newest, episode 1 oldest.
            published_at=timezone.now() - timedelta(hours=20 - number),
        )
        for number in range(1, 11)
    }
    response = client.get(reviews[3].get_absolute_url())
    assert response.context["previous_review"] == reviews[2]
    assert response.context["next_review"] == reviews[4]
    assert response.context["more_reviews"] == [reviews[n] for n in (10, 9, 8, 7)]


def test_of_two_reviews_of_the_nearest_episode_the_newest_is_linked(client):
    show = make_show()
    second = make_episode(show, number=2)
    current = make_review(show=show, episode=make_episode(show, number=3))
    older, newer = (
        make_review(
            show=show,
            episode=second,
            published_at=timezone.now() - timedelta(hours=hours),
        )
        for hours in (2, 1)
    )
    response = client.get(current.get_absolute_url())
    assert response.context["previous_review"] == newer


def test_review_page_runs_the_same_queries_however_many_reviews_its_show_has(client):
    show = make_show()
    reviews = [
        make_review(show=show, episode=make_episode(show, number=number))
        for number in range(1, 4)
    ]
    url = reviews[1].get_absolute_url()
    with_three = count_queries(client, url)
    for number in range(4, 31):
        make_review(show=show, episode=make_episode(show, number=number))
    assert count_queries(client, url) == with_three <= QUERY_BUDGET["review"]


def test_first_episode_has_no_previous_review(client):
    show = make_show()
    first = make_review(show=show, episode=make_episode(show, number=1))
    make_review(show=show, episode=make_episode(show, number=2))
    response = client.get(first.get_absolute_url())
    assert not response.context["previous_review"]
    assert 'rel="prev"' not in response.content.decode()
    assert response.context["next_review"].episode.number == 2


def test_a_prologue_episode_0_links_the_next_episode(client):
    show = make_show()
    prologue = make_review(show=show, episode=make_episode(show, number=0))
    first = make_review(show=show, episode=make_episode(show, number=1))
    response = client.get(prologue.get_absolute_url())
    assert response.context["next_review"] == first


def test_draft_is_404_for_the_public(client):
    draft = make_review(status=Review.Status.DRAFT)
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_scheduled_review_is_404_for_the_public(client):
    scheduled = make_review(published_at=timezone.now() + timedelta(minutes=1))
    assert client.get(scheduled.get_absolute_url()).status_code == 404


def test_writer_sees_own_draft_marked_and_never_cached(writer_client, writer):
    draft = make_review(status=Review.Status.DRAFT, author=writer.author)
    response = writer_client.get(draft.get_absolute_url())
    assert response.status_code == 200
    assert b"Readers cannot see this review" in response.content
    assert b'<meta name="robots" content="noindex, nofollow">' in response.content
    assert "no-store" in response["Cache-Control"]


def test_writer_cannot_preview_another_writers_draft(writer_client):
    draft = make_review(status=Review.Status.DRAFT)
    assert writer_client.get(draft.get_absolute_url()).status_code == 404


def test_editor_previews_any_draft(editor_client):
    draft = make_review(status=Review.Status.DRAFT)
    assert editor_client.get(draft.get_absolute_url()).status_code == 200


def test_published_review_page_is_not_marked_as_preview(writer_client, catalogue):
    response = writer_client.get(catalogue.reviews[0].get_absolute_url())
    assert b"Readers cannot see this review" not in response.content


@pytest.mark.parametrize("status", ["draft", "submitted", "scheduled"])
@pytest.mark.parametrize("page", PAGES)
def test_unpublished_reviews_appear_on_no_public_page(client, catalogue, page, status):
    show, author = catalogue.shows[0], catalogue.authors[0]
    hidden = make_review(
        show=show,
        episode=catalogue.reviews[0].episode,
        author=author,
        title="Hidden review title",
        status="published" if status == "scheduled" else status,
        published_at=timezone.now() + timedelta(days=1)
        if status == "scheduled"
        else None,
        score=Decimal("0.5"),
    )
    content = client.get(page_urls(catalogue)[page]).content.decode()
    assert hidden.title not in content
    assert hidden.get_absolute_url() not in content


def test_show_page_counts_and_averages_only_published_reviews(client, catalogue):
    show = catalogue.shows[0]
    make_review(show=show, episode=catalogue.reviews[0].episode, status="draft")
    response = client.get(show.get_absolute_url())
    episode = response.context["episodes"][0]
    assert episode.review_count == 1


def test_show_page_shows_the_fact_box(client, catalogue):
    content = client.get(catalogue.shows[0].get_absolute_url()).content.decode()
    for fact in [
        "Bones",
        "Motonobu Hori",
        "Science fiction",
        "Rouge",
        "Yu-ka",
        "Winter 2024",
    ]:
        assert fact in content


def reviews_of_one_show(count):
    """A show with ``count`` scored reviews, one an episode, newest first."""
    show = make_show()
    reviews = [
        make_review(
            show=show,
            episode=make_episode(show, number),
            score=Decimal("5"),
            published_at=timezone.now() - timedelta(days=number),
        )
        for number in range(1, count + 1)
    ]
    return show, reviews


def show_page_reviews(client, show, query=""):
    response = client.get(show.get_absolute_url() + query)
    assert response.status_code == 200
    return [review.pk for review in response.context["reviews"]]


def test_show_page_lists_twelve_reviews_a_page_newest_first(client):
    show, reviews = reviews_of_one_show(14)
    assert show_page_reviews(client, show) == [review.pk for review in reviews[:12]]


def test_show_page_second_page_lists_the_older_reviews(client):
    show, reviews = reviews_of_one_show(14)
    assert show_page_reviews(client, show, "?page=2") == [
        review.pk for review in reviews[12:]
    ]


def test_show_page_links_the_next_page_of_reviews(client):
    show, _ = reviews_of_one_show(14)
    content = client.get(show.get_absolute_url()).content.decode()
    assert '<a rel="next" href="?page=2">Older →</a>' in content


def test_show_page_past_the_last_page_of_reviews_is_404(client):
    show, _ = reviews_of_one_show(14)
    assert client.get(show.get_absolute_url() + "?page=3").status_code == 404


def test_show_page_chart_and_episodes_have_every_review_on_every_page(client):
    show, _ = reviews_of_one_show(14)
    response = client.get(show.get_absolute_url() + "?page=2")
    assert [point.number for point in response.context["chart"].points] == list(
        range(1, 15)
    )
    assert [episode.review_count for episode in response.context["episodes"]] == (
        [1] * 14
    )


def test_show_page_second_page_is_not_the_first_from_the_fragment_cache(
    client, settings
):
    settings.FRAGMENT_CACHE_SECONDS = 600
    show, reviews = reviews_of_one_show(14)
    client.get(show.get_absolute_url())  # stores the fragments
    content = client.get(show.get_absolute_url() + "?page=2").content.decode()
    assert reviews[13].get_absolute_url() in content
    assert reviews[0].get_absolute_url() not in content.split("page:reviews-heading")[1]


def test_show_page_query_count_does_not_grow_with_its_reviews(client):
    """Guards the show page's reviews, chart and episodes against N+1 queries:
    a show with 3 reviews and one with 40 (four pages) cost the same."""
    few, _ = reviews_of_one_show(3)
    many, _ = reviews_of_one_show(40)
    assert count_queries(client, few.get_absolute_url()) == count_queries(
        client, many.get_absolute_url()
    )
    assert (
        count_queries(client, many.get_absolute_url() + "?page=4")
        <= (QUERY_BUDGET["show"])
    )


def test_review_list_filters_by_kind(client):
    make_review(kind=Review.Kind.SEASON, title="Season verdict")
    make_review(title="Episode verdict")
    response = client.get(reverse("reviews:review-list") + "?kind=season")
    titles = [review.title for review in response.context["reviews"]]
    assert titles == ["Season verdict"]


def test_review_list_filters_by_score_range(client):
    for score in ["3", "6.5", "9"]:
        make_review(score=Decimal(score), title=f"Scored {score}")
    response = client.get(reverse("reviews:review-list") + "?min_score=6&max_score=8")
    titles = [review.title for review in response.context["reviews"]]
    assert titles == ["Scored 6.5"]


def test_review_list_filters_by_author_and_verdict(client):
    author = make_author()
    make_review(author=author, verdict="mixed", title="Mine and mixed")
    make_review(author=author, verdict="recommended", title="Mine, recommended")
    make_review(verdict="mixed", title="Someone else's")
    url = reverse("reviews:review-list") + f"?author={author.slug}&verdict=mixed"
    titles = [review.title for review in client.get(url).context["reviews"]]
    assert titles == ["Mine and mixed"]


def test_review_list_sorts_by_highest_score(client):
    for score in ["3", "9", "6"]:
        make_review(score=Decimal(score))
    response = client.get(reverse("reviews:review-list") + "?sort=score")
    scores = [review.score for review in response.context["reviews"]]
    assert scores == [Decimal("9"), Decimal("6"), Decimal("3")]


def test_review_list_ignores_nonsense_filters(client, catalogue):
    url = reverse("reviews:review-list") + "?show=nope&kind=%3Cscript%3E&min_score=x"
    response = client.get(url)
    assert response.status_code == 200
    assert len(response.context["reviews"]) == 5


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"kind": "episode", "min_score": "5", "sort": "score", "show": "<nope>"},
        {"min_score": "5.0", "genre": '"><b>', "author": "x"},
    ],
)
def test_filter_menus_are_written_as_djangos_select_writes_them(catalogue, query):
    form = ReviewFilterForm(query or None)
    for field in form:
        written = str(field)
        field.field.widget.__class__ = forms.Select
        assert written == str(field)


def test_review_list_paginates_by_twelve(client, catalogue):
    catalogue.add_reviews(10)
    first = client.get(reverse("reviews:review-list"))
    second = client.get(reverse("reviews:review-list") + "?page=2")
    assert len(first.context["reviews"]) == 12
    assert len(second.context["reviews"]) == 3
    assert b'rel="next"' in first.content


def test_pagination_keeps_the_filters(client, catalogue):
    catalogue.add_reviews(20)
    response = client.get(reverse("reviews:review-list") + "?kind=episode")
    assert b"?kind=episode&amp;page=2" in response.content


@pytest.mark.parametrize(
    "sort, following",
    [
        ("", "Older →"),
        ("newest", "Older →"),
        ("oldest", "Newer →"),
        ("score", "Next →"),
    ],
)
def test_the_next_pages_link_says_what_follows_in_the_lists_order(
    client, catalogue, sort, following
):
    catalogue.add_reviews(10)
    url = reverse("reviews:review-list") + (f"?sort={sort}" if sort else "")
    next_link = re.search(r'rel="next"[^>]*>([^<]+)<', client.get(url).content.decode())
    assert next_link[1] == following


def test_search_results_page_on_by_next_not_by_time(client, catalogue):
    catalogue.add_reviews(15)
    content = client.get(reverse("reviews:search"), {"q": "review"}).content.decode()
    assert "Next →</a>" in content
    assert "Older" not in content


def test_page_past_the_end_is_404(client, catalogue):
    assert client.get(reverse("reviews:review-list") + "?page=9").status_code == 404


def test_scores_page_ranks_shows_by_mean_score(client):
    low, high = make_show(title="Low"), make_show(title="High")
    make_review(show=low, score=Decimal("4"))
    make_review(show=high, score=Decimal("9"))
    make_review(show=high, score=Decimal("8"))
    shows = client.get(reverse("reviews:scores")).context["shows"]
    assert [(show.title, show.review_count) for show in shows] == [
        ("High", 2),
        ("Low", 1),
    ]
    assert shows[0].mean_score == pytest.approx(8.5)


def test_scores_page_sorts_by_title(client):
    make_review(show=make_show(title="Zeta"), score=Decimal("9"))
    make_review(show=make_show(title="Alpha"), score=Decimal("4"))
    shows = client.get(reverse("reviews:scores") + "?sort=title").context["shows"]
    assert [show.title for show in shows] == ["Alpha", "Zeta"]


def scores_headings(content):
    """The scores table's sortable headings: {name: (aria-sort, link)}."""
    return {
        name: (order, html.unescape(href))
        for order, href, name in re.findall(
            r'<th scope="col"[^>]*?(?: aria-sort="(\w+)")?>'
            r'<a href="([^"]+)">([^<]+)</a>',
            content,
        )
    }


@pytest.mark.parametrize(
    "sort, first_link, reversed_titles",
    [
        ("title", "?sort=title&order=descending", ["Zeta", "Mid", "Alpha"]),
        ("score", "?sort=score&order=ascending", ["Alpha", "Mid", "Zeta"]),
        ("reviews", "?sort=reviews&order=ascending", ["Zeta", "Alpha", "Mid"]),
    ],
)
def test_scores_page_column_chosen_again_reverses_the_order(
    client, sort, first_link, reversed_titles
):
    make_review(show=make_show(title="Zeta"), score=Decimal("9"))
    alpha = make_show(title="Alpha")
    make_review(show=alpha, score=Decimal("4"))
    make_review(show=alpha, score=Decimal("4"))
    mid = make_show(title="Mid")
    for _ in range(3):
        make_review(show=mid, score=Decimal("6"))
    url = reverse("reviews:scores")
    headings = scores_headings(client.get(f"{url}?sort={sort}").content.decode())
    link = next(link for _, link in headings.values() if f"sort={sort}" in link)
    assert link == first_link

    response = client.get(url + link)
    assert [show.title for show in response.context["shows"]] == reversed_titles
    headings = scores_headings(response.content.decode())
    (order, back) = next(pair for pair in headings.values() if pair[0])
    assert order == {"title": "descending"}.get(sort, "ascending")
    assert back == f"?sort={sort}"  # the third choice is the first order again


def test_scores_page_marks_only_the_sorted_column(client):
    make_review(score=Decimal("7"))
    content = client.get(reverse("reviews:scores") + "?sort=reviews").content.decode()
    assert scores_headings(content) == {
        "Show": ("", "?sort=title"),
        "Reviews": ("descending", "?sort=reviews&order=ascending"),
        "Mean score": ("", "?sort=score"),
    }


def test_scores_page_ranks_on_from_the_first_page(client, monkeypatch):
    for number in range(1, 4):
        make_review(show=make_show(title=f"Show {number}"), score=Decimal(10 - number))
    monkeypatch.setattr(ScoresView, "paginate_by", 2)
    second = client.get(reverse("reviews:scores") + "?page=2").content.decode()
    lowest = client.get(
        reverse("reviews:scores") + "?sort=score&order=ascending&page=2"
    ).content.decode()
    assert re.search(r"<td>3</td>\s*<td><a [^>]*>Show 3</a>", second)
    assert re.search(r"<td>1</td>\s*<td><a [^>]*>Show 1</a>", lowest)
    assert 'href="?sort=score&amp;order=ascending&amp;page=1"' in lowest


def test_scores_page_ranks_from_the_bottom_when_lowest_first(client):
    for title, score in [("Best", "9"), ("Worst", "2"), ("Middle", "5")]:
        make_review(show=make_show(title=title), score=Decimal(score))
    content = client.get(
        reverse("reviews:scores") + "?sort=score&order=ascending"
    ).content.decode()
    ranks = re.findall(
        r'<tr>\s*<td>(\d+)</td>\s*<td><a href="[^"]+">(\w+)</a>', content
    )
    assert ranks == [("3", "Worst"), ("2", "Middle"), ("1", "Best")]


def test_shows_page_groups_by_season(client):
    make_show(title="Winter show", year=2024, season="winter")
    make_show(title="Spring show", year=2024, season="spring")
    content = client.get(reverse("reviews:show-list")).content.decode()
    assert content.index("Spring 2024") < content.index("Winter 2024")  # newest first


def test_authors_page_lists_only_authors_with_published_reviews(client):
    make_review(author=make_author(name="Published Pen"))
    make_review(author=make_author(name="Drafty Pen"), status="draft")
    content = client.get(reverse("reviews:author-list")).content.decode()
    assert "Published Pen" in content
    assert "Drafty Pen" not in content


def test_episode_page_shows_the_average_score(client):
    episode = make_episode()
    make_review(show=episode.show, episode=episode, score=Decimal("6"))
    make_review(show=episode.show, episode=episode, score=Decimal("7"))
    response = client.get(episode.get_absolute_url())
    assert b"6.5" in response.content


def test_unknown_review_is_404(client, db):
    assert client.get("/reviews/no-such-review/").status_code == 404


def test_spoiler_text_is_hidden_behind_a_toggle_on_the_page(client):
    review = make_review(body="The twist: >!Rouge is an android!<.")
    content = client.get(review.get_absolute_url()).content.decode()
    assert (
        '<label class="spoiler"><input aria-label="Reveal spoiler" type="checkbox">'
        '<span class="spoiler-text">Rouge is an android</span></label>'
    ) in content


def test_inline_spoilers_are_hidden_by_a_style_the_pages_policy_allows(client):
    review = make_review(body="The twist: >!Rouge is an android!<.")
    response = client.get(review.get_absolute_url())
    (style,) = re.findall(r"<style>(.*?)</style>", response.content.decode(), re.S)
    assert "label.spoiler>.spoiler-text{visibility:hidden}" in style
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    policy = response.headers["Content-Security-Policy"]
    (style_src,) = [part for part in policy.split(";") if "style-src" in part]
    assert f"'sha256-{digest}'" in style_src.split()
    assert "'unsafe-inline'" not in style_src


LONG_BODY = "## Story\n\nFine.\n\n## Music\n\nLoud.\n\n## Verdict\n\nWatch it."


def test_long_review_has_a_table_of_contents_at_the_top_of_its_body(client):
    review = make_review(body=LONG_BODY, recap="## What happens\n\nRouge wins.")
    content = client.get(review.get_absolute_url()).content.decode()
    body = content[content.index('<div class="prose review-body">') :]
    assert body.startswith(
        '<div class="prose review-body"><nav class="contents" aria-label="Contents">'
    )
    nav = body[: body.index("</nav>")]
    assert re.findall(r'<a href="#([^"]+)"', nav) == ["story", "music", "verdict"]
    assert "What happens" not in nav  # the recap is not listed, so not opened


def test_short_review_has_no_table_of_contents(client):
    review = make_review(body="## Story\n\nFine.\n\n## Verdict\n\nWatch it.")
    assert b'<nav class="contents"' not in client.get(review.get_absolute_url()).content


def test_recap_titled_by_its_writer_shows_the_title_once(client):
    review = make_review(recap="## Episode recap\n\nRouge wins.")
    content = client.get(review.get_absolute_url()).content.decode()
    recap = content[content.index('<details class="recap">') :]
    recap = recap[: recap.index("</details>")]
    assert recap.count("Episode recap") == 1
    assert "Rouge wins." in recap


def test_show_page_lists_episodes_in_order(client):
    show = make_show()
    for number in [3, 1, 2]:
        make_episode(show, number=number)
    episodes = client.get(show.get_absolute_url()).context["episodes"]
    assert [episode.number for episode in episodes] == [1, 2, 3]


def episode_rows(client, show):
    """The rows of the show page's episodes table, as written."""
    page = client.get(show.get_absolute_url()).content.decode()
    table = page[page.index('<table class="data-table episodes-table">') :]
    table = table[table.index("<tbody>") : table.index("</tbody>")]
    return re.findall(r"<tr>.*?</tr>", table, re.DOTALL)


def test_show_page_episode_row_links_a_reviewed_episode_with_its_scores(client):
    from datetime import date

    show = make_show()
    episode = make_episode(show, number=3, title="Rouge", air_date=date(2024, 1, 7))
    make_review(show=show, episode=episode, score=Decimal("7.5"))
    assert episode_rows(client, show) == [
        "<tr>\n"
        "          <td>3</td>\n"
        f'          <td><a href="{episode.get_absolute_url()}">Rouge</a></td>\n'
        '          <td><time datetime="2024-01-07">7 Jan 2024</time></td>\n'
        '          <td class="episodes-reviews">1</td>\n'
        '          <td><span class="score-badge score-mid"><span class="score-value">'
        '7.5</span><span class="score-max">/10</span></span></td>\n'
        "          <td>—</td>\n"
        "        </tr>"
    ]


def test_show_page_episode_row_without_reviews_or_facts_has_dashes(client):
    show = make_show()
    make_episode(show, number=2)
    assert episode_rows(client, show) == [
        "<tr>\n"
        "          <td>2</td>\n"
        "          <td>—</td>\n"
        "          <td>—</td>\n"
        '          <td class="episodes-reviews">0</td>\n'
        "          <td>—</td>\n"
        "          <td>—</td>\n"
        "        </tr>"
    ]


def test_show_page_names_an_untitled_reviewed_episode_by_its_number(client):
    show = make_show()
    episode = make_episode(show, number=4)
    make_review(show=show, episode=episode, score=None)
    [row] = episode_rows(client, show)
    assert f'<a href="{episode.get_absolute_url()}">Episode 4</a>' in row
    assert "<td>—</td>" in row  # no score


def test_show_page_episode_titles_are_text_not_markup(client):
    show = make_show()
    reviewed = make_episode(show, number=1, title="<script>alert(1)</script>")
    make_episode(show, number=2, title="<b>Bold</b> & co")
    make_review(show=show, episode=reviewed, score=Decimal("6"))
    first, second = episode_rows(client, show)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;</a>" in first
    assert "<td>&lt;b&gt;Bold&lt;/b&gt; &amp; co</td>" in second
    assert "<script>" not in first + second


def test_authors_page_lists_authors_by_name(client):
    for name in ["Zed", "Amy", "Kei"]:
        make_review(author=make_author(name=name))
    authors = client.get(reverse("reviews:author-list")).context["authors"]
    assert [author.name for author in authors] == ["Amy", "Kei", "Zed"]


def test_author_without_published_reviews_has_no_public_page(client):
    author = make_author()
    make_review(author=author, status="draft")
    assert client.get(author.get_absolute_url()).status_code == 404


def test_review_page_names_the_shows_facts(client):
    from reviews.models import Credit, Studio, ThemeSong

    show = make_show(title="Metallic Rouge")
    show.studios.add(Studio.objects.create(name="Bones", slug="bones"))
    Credit.objects.create(show=show, role=Credit.Role.DIRECTOR, name="Motonobu Hori")
    Credit.objects.create(show=show, role=Credit.Role.SCRIPT, name="Yasuko Aoki")
    Credit.objects.create(show=show, role=Credit.Role.OTHER, name="Someone Else")
    ThemeSong.objects.create(
        show=show, kind=ThemeSong.Kind.OPENING, title="Rouge", artist="Nakiri"
    )
    review = make_review(show=show)
    strip = client.get(review.get_absolute_url()).content.decode()
    strip = strip.split('<dl class="fact-strip"')[1].split("</dl>")[0]
    assert '<a href="/studios/bones/">Bones</a>' in strip
    assert "<dt>Director</dt><dd>Motonobu Hori</dd>" in strip
    assert "<dt>Screenplay / scripts</dt><dd>Yasuko Aoki</dd>" in strip
    assert "Someone Else" not in strip
    assert "<dt>Opening</dt><dd>“Rouge” by Nakiri</dd>" in strip


def two_writers_of_the_series_composition():
    from reviews.models import Credit

    show = make_show()
    for name in ["Yutaka Izubuchi", "Toshizo Nemoto"]:
        Credit.objects.create(show=show, role="series_composition", name=name)
    Credit.objects.create(show=show, role="director", name="Motonobu Hori")
    return show


def test_show_page_names_each_staff_role_once(client):
    show = two_writers_of_the_series_composition()
    content = client.get(show.get_absolute_url()).content.decode()
    assert content.count("<dt>Series composition</dt>") == 1
    assert (
        "<dt>Series composition</dt><dd>Yutaka Izubuchi, Toshizo Nemoto</dd>" in content
    )


def test_review_page_names_each_staff_role_once(client):
    review = make_review(show=two_writers_of_the_series_composition())
    strip = client.get(review.get_absolute_url()).content.decode()
    strip = strip.split('<dl class="fact-strip"')[1].split("</dl>")[0]
    assert strip.count("<dt>Series composition</dt>") == 1
    assert "<dd>Yutaka Izubuchi, Toshizo Nemoto</dd>" in strip


@pytest.mark.parametrize(
    "count, says", [(1, "1 review matches"), (2, "2 reviews match")]
)
def test_the_filtered_count_agrees_with_its_number(client, count, says):
    for _ in range(count):
        make_review(kind=Review.Kind.SEASON)
    response = client.get(reverse("reviews:review-list"), {"kind": "season"})
    assert f"{says} your filters." in response.content.decode()


def test_a_films_whole_work_review_is_a_film_review(client):
    film = make_show(title="The Boy and the Heron", format="film")
    review = make_review(show=film, kind=Review.Kind.SEASON)
    content = client.get(review.get_absolute_url()).content.decode()
    assert '<span class="kind kind-season">Film review</span>' in content
    assert "Season review" not in content


def test_each_filter_in_use_is_a_chip_that_removes_it(client, catalogue):
    catalogue.add_reviews(2)
    response = client.get(
        reverse("reviews:review-list"),
        {"kind": "episode", "verdict": "recommended", "sort": "oldest", "page": "1"},
    )
    content = response.content.decode()
    assert 'Filter and sort <span class="filter-count">(2 in use)</span>' in content
    assert (
        'href="/reviews/?verdict=recommended&amp;sort=oldest" '
        'aria-label="Remove the filter Kind: Episode review"'
    ) in content
    assert "Remove the filter Verdict: Recommended" in content
    assert "Remove the filter Sort" not in content  # an order, not a filter
