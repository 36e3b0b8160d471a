"""manage.py import_wordpress: a WordPress export (tests/fixtures/wordpress/,
written for these tests) becomes authors, reviews, comments, images and old
links, safely, once, and all or nothing."""

import io
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.db import connection

from comments.models import Comment
from comments.moderation import moderate
from reviews.models import Author, Episode, OldLink, Review, WordPressItem
from reviews.wordpress.importer import Importer, Options
from reviews.wordpress.threads import CommentImporter
from tests.factories import image_bytes, make_episode, make_show, make_user

FIXTURES = Path(__file__).parent / "fixtures" / "wordpress"
BLOG = FIXTURES / "blog.xml"

pytestmark = pytest.mark.django_db


@pytest.fixture
def shows():
    frieren = make_show(
        title="Sousou no Frieren",
        title_english="Frieren: Beyond Journey's End",
        slug="frieren",
    )
    make_episode(frieren, 3)
    dungeon = make_show(
        title="Delicious in Dungeon",
        title_japanese="Dungeon Meshi",
        slug="delicious-in-dungeon",
    )
    make_episode(dungeon, 2)
    return frieren, dungeon


@pytest.fixture
def uploads(tmp_path):
    """A copy of wp-content/uploads, without dungeon-missing.jpg."""
    folder = tmp_path / "uploads" / "2024" / "01"
    folder.mkdir(parents=True)
    (folder / "frieren-lake.png").write_bytes(image_bytes("PNG", size=(640, 400)))
    (folder / "mushroom.jpg").write_bytes(image_bytes("JPEG", size=(300, 200)))
    return tmp_path / "uploads"


def run(path=BLOG, **options):
    """The import's Report."""
    return Importer(str(path), Options(**options)).run()


def command(*args):
    out = io.StringIO()
    call_command("import_wordpress", *map(str, args), stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.fixture
def report(shows, uploads):
    return run(uploads=uploads)


def review(post_id, site="seasonal.example"):
    row = WordPressItem.objects.get(site=site, kind="post", wp_id=str(post_id))
    return Review.objects.get(pk=row.object_id)


def comment(comment_id, site="seasonal.example"):
    row = WordPressItem.objects.get(site=site, kind="comment", wp_id=str(comment_id))
    return Comment.objects.get(pk=row.object_id)


def notes(report, start):
    return [
        line
        for heading, lines in report.notes.items()
        for line in lines
        if heading.startswith(start)
    ]


# The report


def test_report_counts_reviews_created_and_posts_skipped(report):
    assert report.counts["reviews"]["created"] == 9
    assert report.counts["reviews"]["skipped"] == 1
    assert report.skipped["posts in the trash"] == 1


def test_report_counts_comments_created_and_skipped(report):
    assert report.counts["comments"]["created"] == 6
    assert report.counts["comments"]["skipped"] == 2


def test_pingbacks_and_trackbacks_are_skipped_and_counted(report):
    assert report.skipped["pingbacks (not readers' comments)"] == 1
    assert report.skipped["trackbacks (not readers' comments)"] == 1
    assert not Comment.objects.filter(name__in=["Another Blog", "Old Aggregator"])


def test_pages_and_menu_items_are_skipped_and_counted(report):
    assert report.skipped['items of type "page" (only posts)'] == 1
    assert report.skipped['items of type "nav_menu_item" (only posts)'] == 1


def test_command_prints_the_report(shows, uploads):
    output = command(BLOG, "--uploads", uploads)
    assert "WordPress import of Seasonal Takes (seasonal.example), WXR 1.2" in output
    assert "Imported as drafts: no show matched (2):" in output


# Idempotency


def test_second_run_creates_nothing(report, uploads):
    counts = Review.objects.count(), Comment.objects.count(), OldLink.objects.count()
    again = run(uploads=uploads)
    assert again.created() == 0
    assert again.counts["reviews"]["unchanged"] == 9
    assert (
        Review.objects.count(),
        Comment.objects.count(),
        OldLink.objects.count(),
    ) == counts


def test_second_run_updates_a_changed_post(report, uploads, tmp_path):
    changed = tmp_path / "changed.xml"
    changed.write_text(
        BLOG.read_text().replace("Killing Magic", "Killing Magic, revisited")
    )
    again = run(changed, uploads=uploads)
    assert again.counts["reviews"]["updated"] == 1
    assert review(101).title == "Frieren Episode 3: Killing Magic, revisited"


def test_second_run_keeps_a_writers_edit_to_an_unchanged_post(report, uploads):
    edited = review(107)
    edited.title = "Winter 2024, as edited here"
    edited.save()
    run(uploads=uploads)
    assert review(107).title == "Winter 2024, as edited here"


def test_images_are_stored_once_across_runs(report, uploads, media_root):
    stored = sorted(p for p in media_root.rglob("*") if p.is_file())
    run(uploads=uploads)
    assert sorted(p for p in media_root.rglob("*") if p.is_file()) == stored


def test_two_blogs_with_the_same_ids_do_not_collide(report):
    run(FIXTURES / "other-blog.xml")
    assert review(101).title == "Frieren Episode 3: Killing Magic"
    other = review(101, site="mecha.example/blog")
    assert other.title == "Frieren Ep. 3, a second opinion"
    assert comment(1001, site="mecha.example/blog").name == "Kei"
    assert comment(1001).name == "Mio 🌸"


def planner_row_estimate(model):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltuples FROM pg_class WHERE relname = %s", [model._meta.db_table]
        )
        return cursor.fetchone()[0]


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's planner statistics"
)
def test_import_leaves_the_planner_statistics_of_what_it_wrote(report):
    assert planner_row_estimate(Review) == Review.objects.count()


# Safety: malformed files, bombs, all or nothing


def test_truncated_file_stops_with_its_line(shows):
    with pytest.raises(CommandError, match=r"line 5\d, column \d+"):
        command(FIXTURES / "truncated.xml")


def test_truncated_file_changes_nothing(shows):
    with pytest.raises(CommandError):
        command(FIXTURES / "truncated.xml")
    assert not Review.objects.exists()
    assert not Author.objects.exists()
    assert not OldLink.objects.exists()


def test_entity_expansion_bomb_is_refused_without_expanding(db):
    with pytest.raises(CommandError, match="declares a DTD or entities at line 2"):
        command(FIXTURES / "billion-laughs.xml")
    assert not Review.objects.exists()


def test_external_entity_is_never_fetched(db):
    with pytest.raises(CommandError, match="refused for safety"):
        command(FIXTURES / "external-entity.xml")
    assert not Review.objects.filter(title__contains="root:").exists()


def test_a_failure_midway_leaves_nothing_behind(
    shows, uploads, media_root, monkeypatch
):
    def fail(*args):
        raise RuntimeError("disk full")

    monkeypatch.setattr(CommentImporter, "import_comments", fail)
    with pytest.raises(RuntimeError):
        run(uploads=uploads)
    assert not Review.objects.exists()
    assert not [p for p in media_root.rglob("*") if p.is_file()]


def test_dry_run_saves_nothing(shows, uploads, media_root):
    report = run(uploads=uploads, dry_run=True)
    assert report.counts["reviews"]["created"] == 9
    assert not Review.objects.exists()
    assert not User.objects.exists()
    assert not OldLink.objects.exists()
    assert not [p for p in media_root.rglob("*") if p.is_file()]


def test_dry_run_says_so_in_the_report(shows):
    assert "Dry run: nothing was saved." in command(BLOG, "--dry-run")


# Authors


def test_authors_become_profiles_on_inactive_accounts_that_cannot_log_in(report):
    user = Author.objects.get(slug="sam").user
    assert (user.username, user.is_active, user.is_staff) == ("wp-sam", False, False)
    assert not user.has_usable_password()


def test_two_authors_with_the_same_display_name_get_their_own_profiles(report):
    assert sorted(Author.objects.values_list("name", "slug")) == [
        ("Sam", "sam"),
        ("Sam", "sam-2"),
    ]


def test_author_map_gives_an_authors_posts_to_an_existing_account(shows, tmp_path):
    writer = make_user("rin-writes", groups=["Writers"])
    author_map = tmp_path / "authors.csv"
    author_map.write_text("wordpress-login,username\nsamantha,rin-writes\n")
    run(author_map=author_map)
    assert review(102).author.user == writer


# Posts


def test_publication_time_is_the_posts_gmt_time(report):
    assert review(101).published_at == datetime(2024, 1, 12, 9, 30, tzinfo=UTC)


def test_future_post_stays_scheduled(report):
    assert review(103).is_scheduled()


def test_draft_pending_and_private_posts_are_not_published(report):
    assert [review(n).status for n in (104, 105, 106)] == [
        "draft",
        "submitted",
        "draft",
    ]


def test_password_protected_post_is_not_published(shows, tmp_path):
    protected = tmp_path / "protected.xml"
    protected.write_text(
        BLOG.read_text().replace(
            "<wp:post_password><![CDATA[]]></wp:post_password>",
            "<wp:post_password><![CDATA[hunter2]]></wp:post_password>",
        )
    )
    run(protected)
    assert review(101).status == "draft"


def test_as_drafts_imports_every_post_as_a_draft(shows):
    run(as_drafts=True)
    assert not Review.objects.exclude(status="draft").exists()


def test_excerpt_becomes_the_summary_without_its_markup(report):
    assert review(101).summary == "Frieren meets an old foe, and modern magic wins."


def test_classic_paragraphs_and_line_breaks_are_kept(report):
    html = review(101).body_html
    assert "<p>Frieren finally faces Qual. The animation is <strong>gorgeous" in html
    assert "<br>" in html


def test_caption_becomes_the_image_and_its_caption(report):
    body = review(101).body
    assert "![Frieren standing by a lake at dusk](/media/uploads/2024/01/" in body
    assert "*The lake where it all happens*" in body


def test_spoiler_shortcodes_become_our_spoilers(report):
    body = review(101).body
    assert "||Qual's spell is now everyday magic||" in body
    assert (
        "::: spoiler How it ends\n\nFrieren wins easily.\n\nThen they move on." in body
    )


def test_block_editor_details_and_spoiler_markup_become_our_spoilers(report):
    body = review(102).body
    assert "::: spoiler Spoilers for the ending\n\nMarcille eats it too." in body
    assert "||alive||" in body
    assert "<!-- wp:" not in body


def test_imported_markup_cannot_run_a_script(report):
    html = review(102).body_html
    for dangerous in ("<script", "onerror", "onclick", "javascript:", "style="):
        assert dangerous not in html


def test_text_that_looks_like_a_tag_stays_text(report):
    assert "Writing &lt;script&gt; in a review is just text." in review(102).body_html


def test_unknown_shortcode_is_listed(report):
    assert notes(report, "Shortcodes") == [
        "[audio] in “Frieren Episode 3: Killing Magic”"
    ]


def test_cdata_split_across_sections_is_read_whole(report):
    post = review(109)
    assert post.title == 'Frieren & "CDATA" ]]> tricks 🎉 Episode 6'
    assert "<code>a]]&gt;b</code>" in post.body_html
    assert "葬送のフリーレン is still 🔥" in post.body_html


# Shows and episodes


def test_category_naming_a_show_attaches_the_post_and_its_episode(report, shows):
    post = review(101)
    assert (post.show, post.episode.number, post.kind) == (shows[0], 3, "episode")


def test_show_is_matched_by_its_japanese_title(report, shows):
    assert review(102).show == shows[1]


def test_post_naming_no_show_is_imported_as_a_listed_draft(report):
    assert review(107).status == "draft"
    assert "“Winter 2024: what we're watching”: no category or tag names a show" in (
        notes(report, "Imported as drafts")
    )


def test_post_in_two_show_categories_is_a_listed_draft(report):
    assert review(108).show is None
    assert any("several shows" in line for line in notes(report, "Imported as drafts"))


def test_show_map_attaches_a_category_to_a_show_and_episode(shows, tmp_path):
    show_map = tmp_path / "shows.csv"
    show_map.write_text("term,show-slug,episode\nnews,frieren,3\n")
    run(show_map=show_map)
    post = review(107)
    assert (post.show, post.episode.number) == (shows[0], 3)


def test_show_map_naming_no_show_stops_before_anything_is_imported(db, tmp_path):
    show_map = tmp_path / "shows.csv"
    show_map.write_text("news,no-such-show\n")
    with pytest.raises(CommandError, match='line 1: no show has the slug "no-such'):
        command(BLOG, "--show-map", show_map)
    assert not Review.objects.exists()


def test_missing_episode_is_listed(report):
    assert "“Frieren Episode 4: coming soon”: Sousou no Frieren episode 4" in notes(
        report, "Episodes named"
    )


def test_missing_episode_is_created_on_request(shows):
    run(create_episodes=True)
    assert review(109).episode == Episode.objects.get(show=shows[0], number=6)


# Scores


def test_scores_in_the_text_are_listed_not_filled(report):
    assert review(101).score is None
    assert notes(report, "Scores read from the text (not filled") == [
        "“Frieren Episode 3: Killing Magic”: 8.5/10 from “Score: 8.5/10”",
        "“Dungeon Meshi Ep. 2 – Tart & Roast”: 7/10 from "
        "“I'd say it deserves 7 out of 10”",
    ]


def test_scores_option_fills_in_the_scores(shows):
    run(scores=True)
    assert (review(101).score, review(102).score) == (Decimal("8.5"), Decimal("7.0"))


# Comments


def test_comment_keeps_its_name_email_website_and_date(report):
    first = comment(1001)
    assert (first.name, first.email, first.website) == (
        "Mio 🌸",
        "mio@readers.example",
        "https://mio.example",
    )
    assert first.created == datetime(2024, 1, 12, 11, 0, tzinfo=UTC)


def test_comment_link_and_spoiler_become_our_plain_text(report):
    assert comment(1001).text == (
        "Loved it! Fern (https://example.org/fern) stole the show.\n\n"
        "Also: ||Himmel's statue|| made me cry."
    )


def test_comment_statuses_are_mapped(report):
    statuses = [comment(n).status for n in (1001, 1004, 1005, 1006)]
    assert statuses == [
        Comment.Status.APPROVED,
        Comment.Status.PENDING,
        Comment.Status.SPAM,
        Comment.Status.REMOVED,
    ]


def test_replies_to_replies_fold_into_one_level_in_order(report):
    first, reply, deeper = comment(1001), comment(1002), comment(1003)
    assert (reply.parent, deeper.parent) == (first, first)
    assert reply.pk < deeper.pk


def test_comment_ips_are_stored_under_the_privacy_setting(report):
    assert comment(1001).ip_address == "203.0.113.0/24"
    assert comment(1002).ip_address == "2001:db8::/48"


def test_imported_approved_commenter_counts_as_known(report, settings):
    settings.COMMENTS_MIN_SECONDS = 0
    new = Comment(review=review(101), name="Mio", email="mio@readers.example")
    new.text = "Back for episode 4!"
    status, _ = moderate(new, honeypot="", seconds_to_post=30)
    assert status == Comment.Status.APPROVED


def test_closed_comments_stay_closed(report):
    assert review(102).comments_enabled is False


# Images


def test_featured_image_becomes_the_cover_with_its_alt_text(report):
    post = review(101)
    assert post.cover.name.startswith("uploads/2024/01/")
    assert post.cover_alt == "Frieren standing by a lake at dusk"


def test_cover_without_alt_text_is_listed_not_set(report):
    assert review(102).cover == ""
    assert notes(report, "Covers needing alt text")[0].startswith(
        "“Dungeon Meshi Ep. 2 – Tart & Roast”: /media/uploads/2024/01/"
    )


def test_wordpress_sized_copy_is_stored_once_as_its_original(report):
    assert report.counts["images"]["created"] == 2  # the lake, the mushroom
    assert f"/media/{review(101).cover.name})" in review(101).body


def test_missing_image_is_reported_not_fatal(report):
    assert (
        "https://seasonal.example/wp-content/uploads/2024/01/dungeon-missing.jpg "
        "(not found in the uploads directory)"
    ) in notes(report, "Missing images")
    assert "[Image: The walking mushroom](https://seasonal.example/" in review(102).body


def test_images_are_not_fetched_unless_asked(shows, monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("an image was fetched")

    monkeypatch.setattr("urllib.request.urlopen", no_network)
    report = run()
    assert "(not found (no --uploads given))" in notes(report, "Missing images")[0]


class FakeResponse(io.BytesIO):
    def __init__(self, data, length=None):
        super().__init__(data)
        self.headers = {"Content-Length": str(length or len(data))}


def test_fetch_downloads_missing_images_with_a_timeout(shows, monkeypatch):
    asked = []

    def urlopen(request, timeout):
        asked.append((request.full_url, timeout))
        return FakeResponse(image_bytes("JPEG", size=(300, 200)))

    monkeypatch.setattr("urllib.request.urlopen", urlopen)
    run(fetch=True)
    assert (
        "https://seasonal.example/wp-content/uploads/2024/01/frieren-lake.png",
        10,
    ) in asked
    assert review(101).cover.name.startswith("uploads/2024/01/")


def test_fetch_refuses_an_image_over_the_size_limit(shows, monkeypatch, settings):
    settings.REVIEWS_UPLOAD_MAX_BYTES = 1000
    monkeypatch.setattr(
        "urllib.request.urlopen",
        lambda request, timeout: FakeResponse(b"x" * 2000, length=0),
    )
    report = run(fetch=True)
    assert any(line.endswith("(too large)") for line in notes(report, "Missing"))


# Old links


def test_old_permalink_redirects_to_the_review(report, client):
    response = client.get("/2024/01/12/frieren-episode-3/")
    assert response.status_code == 301
    assert response["Location"] == "/reviews/frieren-episode-3/"


def test_old_permalink_without_its_trailing_slash_redirects(report, client):
    response = client.get("/2024/01/12/frieren-episode-3")
    assert response["Location"] == "/reviews/frieren-episode-3/"


def test_old_query_link_redirects_to_the_review(report, client):
    response = client.get("/?p=101")
    assert (response.status_code, response["Location"]) == (
        301,
        "/reviews/frieren-episode-3/",
    )


def test_old_unicode_permalink_redirects(report, client):
    response = client.get(
        "/2024/02/09/%E8%91%AC%E9%80%81%E3%81%AE%E3%83%95%E3%83%AA"
        "%E3%83%BC%E3%83%AC%E3%83%B3/"
    )
    assert response["Location"] == review(109).get_absolute_url()


def test_old_category_archive_redirects_to_the_show(report, client):
    response = client.get("/category/frieren/")
    assert (response.status_code, response["Location"]) == (301, "/shows/frieren/")


def test_old_author_archive_redirects_to_the_author(report, client):
    assert client.get("/author/samantha/")["Location"] == "/authors/sam-2/"


def test_old_feed_redirects_to_the_new_feed(report, client):
    assert client.get("/feed/")["Location"] == "/feeds/reviews/rss/"
    assert client.get("/?feed=rss2")["Location"] == "/feeds/reviews/rss/"


def test_redirect_follows_a_renamed_review(report, client):
    renamed = review(101)
    renamed.slug = "frieren-3"
    renamed.save()
    assert client.get("/?p=101")["Location"] == "/reviews/frieren-3/"


def test_old_links_of_a_blog_in_a_folder_keep_to_that_blog(report, client):
    run(FIXTURES / "other-blog.xml")
    other = review(101, site="mecha.example/blog").get_absolute_url()
    assert client.get("/blog/?p=101")["Location"] == other
    assert client.get("/?p=101")["Location"] == "/reviews/frieren-episode-3/"


def test_home_page_without_an_old_link_is_the_home_page(report, client):
    assert client.get("/?p=999").status_code == 200


# As readers see it


def test_imported_review_and_its_comments_are_on_its_page(report, client):
    page = client.get(review(101).get_absolute_url())
    assert page.status_code == 200
    assert "Killing Magic" in page.text
    assert "Mio 🌸" in page.text
    assert "Cheap Pills" not in page.text
