from datetime import timedelta
from io import StringIO
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection
from django.urls import reverse
from django.utils import timezone

from reviews import search
from reviews.markdown import render_markdown
from reviews.models import Review
from reviews.search.text import body_text
from tests.factories import make_author, make_comment, make_review, make_show
from tests.test_workflow import edit

pytestmark = pytest.mark.django_db

# The search page's queries, whatever the number of results: the count, the
# page's ids, the cards (with show, author, episode and comment count), the shows.
SEARCH_QUERIES = 4


def search_page(client, query, **params):
    response = client.get(reverse("reviews:search"), {"q": query, **params})
    assert response.status_code == 200
    return response


def found(client, query, **params):
    """The titles of the reviews found, best first."""
    response = search_page(client, query, **params)
    return [review.title for review in response.context["reviews"]]


def snippets(response):
    return [review.search_snippet for review in response.context["reviews"]]


def indexed(table):
    key = search.engine().key(table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {key} FROM {table}")
        return {row[0] for row in cursor.fetchall()}


# The page


def test_search_page_without_a_query_shows_only_the_search_box(client):
    make_review(title="Zephyr rising")
    response = search_page(client, "")
    content = response.content.decode()
    assert '<input type="search" id="page:search-q" name="q" value=""' in content
    assert '<label for="page:search-q">' in content
    assert list(response.context["reviews"]) == []
    assert "noindex" not in content
    assert "<title>Search · Three Episode Rule</title>" in content


def test_search_page_with_only_spaces_is_an_empty_search(client):
    make_review(title="Zephyr rising")
    response = search_page(client, "   \t ")
    assert response.context["query"] == ""
    assert list(response.context["reviews"]) == []
    assert "noindex" not in response.content.decode()


def test_result_page_is_titled_with_the_query_and_not_indexed(client):
    make_review(title="Zephyr rising")
    content = search_page(client, "zephyr <b>").content.decode()
    assert "<title>Search: zephyr &lt;b&gt; · Three Episode Rule</title>" in content
    assert '<meta name="robots" content="noindex">' in content
    assert 'value="zephyr &lt;b&gt;"' in content


def test_result_page_says_how_many_reviews_match(client):
    make_review(title="Zephyr rising")
    make_review(title="Zephyr falling")
    assert "2 reviews match “zephyr”" in search_page(client, "zephyr").content.decode()


def test_no_result_page_suggests_what_to_try(client):
    make_review(title="Zephyr rising")
    content = search_page(client, "nothingmatchesthis").content.decode()
    assert "No review matches “nothingmatchesthis”" in content
    assert "Try fewer or shorter words" in content


def test_results_are_a_list_of_review_cards(client):
    review = make_review(title="Zephyr rising")
    content = search_page(client, "zephyr").content.decode()
    assert '<ol class="card-grid search-results" role="list">' in content
    assert f'<a href="{review.get_absolute_url()}">Zephyr rising</a>' in content


def test_every_page_has_a_search_box(client):
    content = client.get(reverse("reviews:home")).content.decode()
    assert 'role="search"' in content
    assert f'action="{reverse("reviews:search")}"' in content
    assert '<label class="visually-hidden" for="page:site-search">' in content


# What is found, and in which order


def test_title_match_ranks_above_a_body_only_match(client):
    make_review(
        title="A quiet week",
        body="Zephyr. " * 20,
        published_at=timezone.now() - timedelta(hours=1),
    )
    make_review(
        title="Zephyr rising",
        body="Nothing much.",
        published_at=timezone.now() - timedelta(days=3),
    )
    assert found(client, "zephyr") == ["Zephyr rising", "A quiet week"]


def test_every_word_of_the_query_must_match(client):
    make_review(title="Zephyr rising")
    make_review(title="Zephyr and the nebula")
    assert found(client, "zephyr nebula") == ["Zephyr and the nebula"]


@pytest.mark.parametrize("query", ["metallic rouge", "Métallic", "MÉTALLIC ROUGE"])
def test_search_forgives_case_and_accents(client, query):
    make_review(title="Episode one", show=make_show(title="Metallic Rouge"))
    response = search_page(client, query)
    assert [review.title for review in response.context["reviews"]] == ["Episode one"]
    assert [show.title for show in response.context["shows"]] == ["Metallic Rouge"]


def test_accented_words_are_found_without_their_accents(client):
    make_review(title="Kyūsu Biyori is a cosy café of a show")
    assert found(client, "kyusu cafe") == ["Kyūsu Biyori is a cosy café of a show"]


def test_words_are_found_by_their_stem(client):
    make_review(title="Three good episodes")
    assert found(client, "episode") == ["Three good episodes"]


@pytest.mark.parametrize(
    "query", ["metallic rouge", "metarikku ruju", "メタリックルージュ"]
)
def test_review_is_found_by_any_of_its_shows_titles(client, query):
    show = make_show(
        title="Metarikku Rūju",
        title_english="Metallic Rouge",
        title_japanese="メタリックルージュ",
    )
    make_review(title="Episode one", show=show)
    make_review(title="Episode two")
    assert found(client, query) == ["Episode one"]


def test_review_is_found_by_its_authors_name(client):
    make_review(title="Episode one", author=make_author(name="Hoshino Aoi"))
    make_review(title="Episode two")
    assert found(client, "hoshino") == ["Episode one"]


def test_review_is_found_by_its_summary(client):
    make_review(title="Episode one", summary="A zephyr of an episode.")
    assert found(client, "zephyr") == ["Episode one"]


def test_matching_shows_are_listed_with_links(client):
    show = make_show(
        title="Metallic Rouge", title_japanese="メタリックルージュ", year=2024
    )
    make_show(title="Teapot Weather")
    response = search_page(client, "rouge")
    assert [item.title for item in response.context["shows"]] == ["Metallic Rouge"]
    content = response.content.decode()
    assert f'<a href="{show.get_absolute_url()}">Metallic Rouge</a>' in content
    assert "メタリックルージュ" in content


def test_shows_are_found_by_their_synopsis_after_title_matches(client):
    make_show(title="Teapot Weather", synopsis="A rouge teapot brews trouble.")
    make_show(title="Metallic Rouge")
    shows = search_page(client, "rouge").context["shows"]
    assert [show.title for show in shows] == ["Metallic Rouge", "Teapot Weather"]


def test_shows_without_reviews_are_found(client):
    make_show(title="Metallic Rouge")
    response = search_page(client, "rouge")
    assert [show.title for show in response.context["shows"]] == ["Metallic Rouge"]
    assert list(response.context["reviews"]) == []


# Snippets


def test_snippet_highlights_the_matching_words(client):
    make_review(body="The mecha fights are fine, but the zephyr engine steals it.")
    [snippet] = snippets(search_page(client, "zephyr"))
    assert snippet == (
        "The mecha fights are fine, but the <mark>zephyr</mark> engine steals it."
    )


def test_snippet_highlights_the_original_text_with_its_accents(client):
    make_review(body="Every scene in the Café Kyūsu glows.")
    [snippet] = snippets(search_page(client, "cafe kyusu"))
    assert "<mark>Café</mark> <mark>Kyūsu</mark>" in snippet


def test_snippet_is_an_excerpt_around_the_match(client):
    make_review(body=" ".join(["filler"] * 100 + ["zephyr"] + ["padding"] * 100))
    [snippet] = snippets(search_page(client, "zephyr"))
    assert snippet.startswith("…")
    assert snippet.endswith("…")
    assert "<mark>zephyr</mark>" in snippet
    assert len(snippet) < search.SNIPPET_LENGTH + 40


def test_snippet_escapes_the_reviews_text(client):
    make_review(body='The hacker types `<script>alert("zephyr")</script>` on screen.')
    response = search_page(client, "zephyr")
    [snippet] = snippets(response)
    assert "&lt;script&gt;alert(&quot;<mark>zephyr</mark>&quot;)&lt;/script&gt;" in (
        snippet
    )
    assert "<script>alert" not in response.content.decode()


def test_snippet_shows_no_trace_of_a_cut_spoiler(client):
    make_review(body="The zephyr engine, >!it explodes!<, steals the show: ||boom||.")
    [snippet] = snippets(search_page(client, "zephyr"))
    assert snippet == "The <mark>zephyr</mark> engine, steals the show."


def test_snippet_keeps_a_heading_apart_from_the_text_after_it(client):
    make_review(body="## Zephyr engines\n\nThey steal the show.\n\n## Verdict?\n\nYes.")
    [snippet] = snippets(search_page(client, "zephyr"))
    assert snippet == "<mark>Zephyr</mark> engines. They steal the show. Verdict? Yes."


@pytest.mark.parametrize(
    "body, text",
    [
        ("The twist: >!Rouge is an android!<.", "The twist."),
        ("Her fate, >!she dies!<, shocked me.", "Her fate, shocked me."),
        ("I loved it (>!the reveal!<).", "I loved it."),
        ("She said “>!yes!<”, and left.", "She said, and left."),
        ("The ending — ||a wedding|| — floored me.", "The ending — floored me."),
        (">!Rouge wins!<, and then the credits roll.", "and then the credits roll."),
        ("Great. ||Someone dies.|| Really great.", "Great. Really great."),
        ("Then >!Naomi!< hesitates.", "Then hesitates."),
        ("The ending:\n\n::: spoiler\nShe lives.\n:::\n\nFine.", "The ending. Fine."),
        ("## Why >!Rouge!< matters\n\nBecause.", "Why matters. Because."),
        (
            "- Studio: Bones\n- Director: Hori\n\nAfter.",
            "Studio: Bones. Director: Hori. After.",
        ),
        ("Says “hello.”\n\nAnd 5 &lt; 6.", "Says “hello.” And 5 < 6."),
    ],
)
def test_body_text_is_the_spoiler_free_text_in_sentences(body, text):
    html = render_markdown(body, hide_spoilers=True)
    assert body_text(html) == text


def test_no_snippet_when_only_the_title_matches(client):
    make_review(title="Zephyr rising", body="Nothing much.")
    assert snippets(search_page(client, "zephyr")) == [""]


@pytest.mark.parametrize(
    "body",
    [
        "Great episode. ||Quetzalword dies.|| Really great.",
        "Great episode. >!Quetzalword dies.!< Really great.",
        "Great episode.\n\n::: spoiler\nQuetzalword dies.\n:::\n\nReally great.",
    ],
)
def test_spoilers_are_never_found_nor_shown(client, body):
    make_review(title="Episode one", body=body)
    assert found(client, "quetzalword") == []
    response = search_page(client, "great")
    assert [review.title for review in response.context["reviews"]] == ["Episode one"]
    assert "<mark>Great</mark>" in snippets(response)[0]
    assert "quetzalword" not in response.content.decode().lower()


def test_recap_is_never_found_nor_shown(client):
    make_review(
        title="Episode one", recap="Quetzalword dies at the end.", body="Great episode."
    )
    assert found(client, "quetzalword") == []
    response = search_page(client, "great")
    assert "quetzalword" not in response.content.decode().lower()


def test_spoiler_notes_are_not_searchable(client):
    make_review(title="Episode one", body="Great. ||Someone dies.||")
    assert found(client, "spoiler hidden") == []


# Publishing


def test_drafts_and_submitted_reviews_are_not_found(client):
    make_review(title="Zephyr draft", status=Review.Status.DRAFT)
    make_review(title="Zephyr submitted", status=Review.Status.SUBMITTED)
    make_review(title="Zephyr published")
    assert found(client, "zephyr") == ["Zephyr published"]


def test_scheduled_review_is_found_once_its_time_comes(client):
    make_review(title="Zephyr rising", published_at=timezone.now() + timedelta(days=1))
    assert found(client, "zephyr") == []
    later = timezone.now() + timedelta(days=2)
    with mock.patch("django.utils.timezone.now", return_value=later):
        assert found(client, "zephyr") == ["Zephyr rising"]


def test_publishing_without_a_save_is_seen_at_once(client):
    """The index holds every review; publication is filtered at query time, so
    a status changed by an UPDATE needs no reindexing."""
    review = make_review(title="Zephyr rising", status=Review.Status.DRAFT)
    Review.objects.filter(pk=review.pk).update(
        status=Review.Status.PUBLISHED, published_at=timezone.now()
    )
    assert found(client, "zephyr") == ["Zephyr rising"]


# Keeping the index in sync


def test_edited_review_is_found_by_its_new_words_only(client):
    review = make_review(title="Zephyr rising")
    review.title = "Nebula falling"
    review.save()
    assert found(client, "zephyr") == []
    assert found(client, "nebula") == ["Nebula falling"]


def test_deleted_review_leaves_the_index(client):
    review = make_review(title="Zephyr rising")
    pk = review.pk
    assert pk in indexed(search.REVIEW_TABLE)
    review.delete()
    assert pk not in indexed(search.REVIEW_TABLE)


def test_renamed_show_renames_its_reviews_documents(client):
    show = make_show(title="Working title")
    make_review(title="Episode one", show=show)
    make_review(title="Episode two", show=show)
    show.title = "Quasar Drift"
    show.save()
    assert sorted(found(client, "quasar")) == ["Episode one", "Episode two"]
    assert found(client, "working") == []
    assert [item.title for item in search_page(client, "quasar").context["shows"]] == [
        "Quasar Drift"
    ]


def test_saving_a_shows_cover_only_leaves_the_index_alone(client):
    show = make_show(title="Quasar Drift")
    make_review(title="Episode one", show=show)
    show.cover_alt = "A ship."
    show.save(update_fields=["cover_alt"])
    assert found(client, "quasar") == ["Episode one"]


def test_deleted_show_leaves_the_index(client):
    show = make_show(title="Quasar Drift")
    pk = show.pk
    show.delete()
    assert pk not in indexed(search.SHOW_TABLE)
    assert search_page(client, "quasar").context["shows"] == []


def test_renamed_author_renames_their_reviews_documents(client):
    author = make_author(name="Pen Name")
    make_review(title="Episode one", author=author)
    author.name = "Hoshino Aoi"
    author.save()
    assert found(client, "hoshino") == ["Episode one"]
    assert found(client, "pen name") == []


def test_rebuild_search_index_restores_a_lost_index(client):
    make_review(title="Zephyr rising")
    make_show(title="Quasar Drift")
    with connection.cursor() as cursor:
        for table in search.TABLES:
            cursor.execute(f"DELETE FROM {table}")
    assert found(client, "zephyr") == []
    output = StringIO()
    call_command("rebuild_search_index", stdout=output)
    assert "1 reviews, 2 shows" in output.getvalue()
    assert found(client, "zephyr") == ["Zephyr rising"]
    assert [show.title for show in search_page(client, "quasar").context["shows"]] == [
        "Quasar Drift"
    ]


def test_demo_content_is_searchable(client, settings, tmp_path):
    settings.DEMO_ACCOUNTS_FILE = tmp_path / ".demo-accounts"
    call_command("demo", "--no-accounts", stdout=StringIO())
    response = search_page(client, "metallic rouge")
    assert response.context["paginator"].count >= 3
    assert [show.title for show in response.context["shows"]] == ["Metallic Rouge"]


# Hostile queries


@pytest.mark.parametrize(
    "query",
    [
        '"',
        '"metallic',
        "metallic\"'rouge",
        "AND",
        "metallic OR NOT rouge",
        "NEAR(metallic rouge, 2)",
        "metal*",
        "^metallic",
        "title:metallic",
        "{title show_titles}: metallic",
        "(metallic",
        "metallic)",
        "-metallic +rouge",
        "!!!",
        "*",
        ":",
        "x" * 10_000,
        "metallic " * 2_000,
        "metallic\x00rouge",
        "\x00",
        "🙂",
        "metallic 🙂 rouge",
        "%s %(x)s %%",
        "\\",
        "'; DROP TABLE reviews_review; --",
        "<script>alert(1)</script>",
        "\u0301",
        "\ue000metallic\ue001",
        "_",
        "the",
        "a b c d e f g h i j k l m n o p q r s t u v w x y z",
    ],
)
def test_hostile_queries_never_fail(client, query):
    make_review(title="Metallic Rouge review", show=make_show(title="Metallic Rouge"))
    response = search_page(client, query)
    assert len(response.context["query"]) <= search.MAX_QUERY_LENGTH
    assert "\x00" not in response.content.decode()


@pytest.mark.parametrize(
    "query", ['"metallic rouge', "metallic 🙂 rouge", "metallic\x00rouge"]
)
def test_hostile_queries_still_find_their_words(client, query):
    make_review(title="Metallic Rouge review")
    assert found(client, query) == ["Metallic Rouge review"]


def test_long_query_is_cut(client):
    response = search_page(client, "x" * 10_000)
    assert response.context["query"] == "x" * search.MAX_QUERY_LENGTH
    assert f'value="{"x" * search.MAX_QUERY_LENGTH}"' in response.content.decode()


def test_search_page_number_out_of_range_is_not_found(client):
    make_review(title="Zephyr rising")
    response = client.get(reverse("reviews:search"), {"q": "zephyr", "page": "9"})
    assert response.status_code == 404


# Pagination and queries


def zephyr_reviews(count):
    show, author = make_show(title="Show"), make_author()
    for number in range(count):
        review = make_review(
            title=f"Zephyr {number:02}",
            show=show,
            author=author,
            kind=Review.Kind.SEASON,
            body=f"The zephyr, part {number}.",
            published_at=timezone.now() - timedelta(hours=number + 1),
        )
        make_comment(review)


def test_results_come_twelve_to_a_page(client):
    zephyr_reviews(15)
    first = search_page(client, "zephyr")
    assert len(first.context["reviews"]) == 12
    assert first.context["paginator"].count == 15
    assert 'href="?q=zephyr&amp;page=2"' in first.content.decode()
    second = search_page(client, "zephyr", page=2)
    assert len(second.context["reviews"]) == 3
    assert "page 2" in second.content.decode()
    first_titles = {review.title for review in first.context["reviews"]}
    second_titles = {review.title for review in second.context["reviews"]}
    assert not first_titles & second_titles


@pytest.mark.parametrize("count", [5, 50])
def test_search_query_count_does_not_grow_with_results(
    client, django_assert_num_queries, count
):
    """Guards against N+1 queries on the search page: the cards' show, author,
    episode and comment count, and the snippets, come with the page's reviews."""
    zephyr_reviews(count)
    with django_assert_num_queries(SEARCH_QUERIES):
        response = search_page(client, "zephyr")
    assert len(response.context["reviews"]) == min(count, 12)
    assert all(review.search_snippet for review in response.context["reviews"])


# Folding and snippets


def test_fold_keeps_one_character_for_one():
    text = "Métallic ＲＯＵＧＥ ﬁn İstanbul Straße がガ\x00\ue000"
    assert len(search.fold(text)) == len(text)
    assert search.fold("Métallic ＲＯＵＧＥ") == "metallic rouge"
    assert search.fold("がガ") == "がガ"


def test_highlight_is_empty_when_the_index_is_out_of_date():
    marked = f"an old {search.MARK_START}zephyr{search.MARK_STOP} text"
    assert search.highlight("a new zephyr text", marked) == ""
    assert search.highlight("an old zephyr text", marked) == (
        "an old <mark>zephyr</mark> text"
    )


# The index never fails a save


def test_folding_breaks_runs_no_word_is_as_long_as_one_for_one():
    folded = search.fold("_A" * 100 + " short")
    assert len(folded) == 206
    assert max(len(run) for run in folded.split()) == 63
    assert folded.endswith(" short")


def test_a_body_of_long_punctuated_runs_saves_and_is_indexed(writer_client, writer):
    # 50 KB that PostgreSQL's text parser took past the statement timeout.
    review = make_review(author=writer.author, title="Underscores", body="Short.")
    response = edit(writer_client, review, body="_a" * 25_000 + " zanzibarword")
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.body.endswith("zanzibarword")
    assert search.ReviewResults("zanzibarword").count() == 1


def test_a_failing_index_write_leaves_the_save_standing(writer_client, writer, caplog):
    review = make_review(author=writer.author, body="Before.")
    with mock.patch(
        "reviews.search.receivers.index_reviews",
        side_effect=DatabaseError("canceling statement due to statement timeout"),
    ):
        response = edit(writer_client, review, body="After, saved anyway.")
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.body == "After, saved anyway."
    assert f"Search index not updated for Review {review.pk}" in caplog.text
