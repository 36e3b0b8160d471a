"""The editorial workflow: who moves a review where, scheduling, revisions,
stale forms and shared previews."""

import json
from datetime import timedelta

import pytest
from django.contrib import admin
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from reviews.history import versions_of
from reviews.models import Review
from tests.conftest import logged_in, staff_author
from tests.factories import keep_revision, make_review, make_show
from tests.test_admin import review_form_data

pytestmark = pytest.mark.django_db

Status = Review.Status


@pytest.fixture
def guest(db):
    return staff_author("guest", "Guest writers")


@pytest.fixture
def guest_client(guest):
    return logged_in(guest)


def changes(review, older, newer):
    """What the revisions page shows as changed between two versions."""
    return admin.site.get_model_admin(Review).changes(review, older, newer)


def change_url(review):
    return reverse("admin:reviews_review_change", args=[review.pk])


def edit(client, review, **fields):
    """Post the change form with the review's values, changed by ``fields``."""
    current = {
        "title": review.title,
        "slug": review.slug,
        "episode": review.episode_id or "",
        "kind": review.kind,
        "body": review.body,
        "status": review.status,
        "seen_version": review.version,
    }
    data = review_form_data(review.show, **{**current, **fields})
    if review.published_at and "published_at_0" not in fields:
        local = timezone.localtime(review.published_at)
        data["published_at_0"] = f"{local:%Y-%m-%d}"
        data["published_at_1"] = f"{local:%H:%M:%S}"
    return client.post(change_url(review), data)


def add(client, **fields):
    return client.post(
        reverse("admin:reviews_review_add"), review_form_data(make_show(), **fields)
    )


# Who may set which status


def test_guest_writer_saves_a_draft(guest_client, guest):
    response = add(guest_client)
    assert response.status_code == 302
    review = Review.objects.get()
    assert (review.author, review.status) == (guest.author, Status.DRAFT)


def test_guest_writer_submits_for_review(guest_client):
    add(guest_client, status=Status.SUBMITTED)
    assert Review.objects.get().status == Status.SUBMITTED


def test_guest_writer_cannot_publish_with_a_crafted_post(guest_client):
    response = add(guest_client, status=Status.PUBLISHED)
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Review.objects.exists()


def test_guest_writer_cannot_schedule(guest_client, guest):
    review = make_review(author=guest.author, status=Status.DRAFT)
    later = timezone.localtime() + timedelta(days=1)
    edit(
        guest_client,
        review,
        published_at_0=f"{later:%Y-%m-%d}",
        published_at_1="10:00:00",
    )
    review.refresh_from_db()
    assert review.published_at is None


def test_guest_writer_is_offered_draft_and_submitted_only(guest_client, guest):
    review = make_review(author=guest.author, status=Status.DRAFT)
    form = guest_client.get(change_url(review)).context["adminform"].form
    assert [value for value, _ in form.fields["status"].choices] == [
        Status.DRAFT,
        Status.SUBMITTED,
    ]


def test_guest_writer_cannot_change_their_published_review(guest_client, guest):
    review = make_review(author=guest.author, title="As published")
    response = edit(guest_client, review, title="Changed", status=Status.DRAFT)
    assert response.status_code == 403
    review.refresh_from_db()
    assert (review.title, review.status) == ("As published", Status.PUBLISHED)


def test_writer_publishes_their_own_review(writer_client, writer):
    review = make_review(author=writer.author, status=Status.DRAFT)
    edit(writer_client, review, status=Status.PUBLISHED)
    review.refresh_from_db()
    assert review.is_published()


def test_writer_unpublishes_their_own_review(writer_client, writer):
    review = make_review(author=writer.author)
    edit(writer_client, review, status=Status.DRAFT)
    review.refresh_from_db()
    assert review.status == Status.DRAFT


def test_editor_publishes_a_guest_writers_submitted_review(editor_client, guest):
    review = make_review(author=guest.author, status=Status.SUBMITTED)
    edit(editor_client, review, status=Status.PUBLISHED, author=guest.author.pk)
    review.refresh_from_db()
    assert review.is_published()


def bulk(client, action, *reviews):
    return client.post(
        reverse("admin:reviews_review_changelist"),
        {"action": action, "_selected_action": [r.pk for r in reviews]},
        follow=True,
    )


def test_guest_writer_cannot_publish_with_the_bulk_action(guest_client, guest):
    review = make_review(author=guest.author, status=Status.SUBMITTED)
    bulk(guest_client, "make_published", review)
    review.refresh_from_db()
    assert review.status == Status.SUBMITTED


def test_guest_writer_is_not_offered_the_publish_action(guest_client, guest):
    make_review(author=guest.author, status=Status.SUBMITTED)
    content = guest_client.get(reverse("admin:reviews_review_changelist")).content
    assert b'value="make_submitted"' in content
    assert b'value="make_published"' not in content


def test_writer_is_refused_publishing_another_writers_review_in_bulk(
    writer_client, other_writer
):
    review = make_review(author=other_writer.author, status=Status.SUBMITTED)
    bulk(writer_client, "make_published", review)
    review.refresh_from_db()
    assert review.status == Status.SUBMITTED


def test_writer_publishes_with_the_bulk_action(writer_client, writer):
    review = make_review(author=writer.author, status=Status.DRAFT)
    bulk(writer_client, "make_published", review)
    review.refresh_from_db()
    assert review.is_published()
    assert versions_of(review).first().revision.comment == "Publish now"


def test_guest_writer_submits_with_the_bulk_action(guest_client, guest):
    review = make_review(author=guest.author, status=Status.DRAFT)
    bulk(guest_client, "make_submitted", review)
    review.refresh_from_db()
    assert review.status == Status.SUBMITTED


def test_editor_unpublishes_any_review_with_the_bulk_action(editor_client, writer):
    review = make_review(author=writer.author)
    bulk(editor_client, "make_draft", review)
    review.refresh_from_db()
    assert review.status == Status.DRAFT


def test_editors_see_submitted_reviews_on_the_admin_index(editor_client, guest):
    make_review(author=guest.author, status=Status.SUBMITTED, title="Please read")
    content = editor_client.get(reverse("admin:index")).content.decode()
    assert "Submitted for review" in content
    assert "Please read" in content


def test_writers_do_not_see_the_submitted_list(writer_client):
    content = writer_client.get(reverse("admin:index")).content.decode()
    assert "Submitted for review" not in content


# Scheduling


def test_publication_time_shows_the_site_time_zone(writer_client, settings):
    settings.TIME_ZONE = "Asia/Tokyo"
    response = writer_client.get(reverse("admin:reviews_review_add"))
    assert "In the site's time zone, Asia/Tokyo." in response.content.decode()


@pytest.mark.parametrize(
    ("minutes", "listed"), [(-1, True), (1, False)], ids=["minute ago", "in a minute"]
)
def test_scheduled_review_appears_at_its_time(client, minutes, listed):
    review = make_review(
        title="Scheduled", published_at=timezone.now() + timedelta(minutes=minutes)
    )
    in_list = "Scheduled" in client.get(reverse("reviews:review-list")).content.decode()
    page = client.get(review.get_absolute_url()).status_code
    assert (in_list, page) == (listed, 200 if listed else 404)


def test_writer_schedules_a_review(writer_client, writer, client):
    review = make_review(author=writer.author, status=Status.DRAFT)
    later = timezone.localtime() + timedelta(minutes=5)
    edit(
        writer_client,
        review,
        status=Status.PUBLISHED,
        published_at_0=f"{later:%Y-%m-%d}",
        published_at_1=f"{later:%H:%M:%S}",
    )
    review.refresh_from_db()
    assert review.status == Status.PUBLISHED
    assert not review.is_published()
    assert client.get(review.get_absolute_url()).status_code == 404


# Revisions


def test_every_admin_save_keeps_a_revision(writer_client, writer):
    add(writer_client, body="First words.")
    review = Review.objects.get()
    edit(writer_client, review, body="Second words.")
    versions = versions_of(review)
    assert [version.field_dict["body"] for version in versions] == [
        "Second words.",
        "First words.",
    ]
    assert all(version.revision.user == writer for version in versions)


def test_revisions_page_lists_who_and_when(writer_client, writer):
    add(writer_client)
    review = Review.objects.get()
    url = reverse("admin:reviews_review_history", args=[review.pk])
    content = writer_client.get(url).content.decode()
    assert "writer" in content
    assert "Restore…" not in content  # The only revision is the current one.


def test_diff_between_two_revisions_escapes_the_text(writer_client):
    add(writer_client, body="Line one.\nLine two.")
    review = Review.objects.get()
    edit(writer_client, review, body="Line one.\n<script>alert(1)</script>")
    newer, older = versions_of(review)
    url = reverse("admin:reviews_review_history", args=[review.pk])
    content = writer_client.get(
        url, {"version_id1": older.pk, "version_id2": newer.pk}
    ).content.decode()
    assert "<del>Line two.</del>" in content
    assert "<ins>&lt;script&gt;alert(1)&lt;/script&gt;</ins>" in content
    assert "<script>alert(1)</script>" not in content


def test_restore_brings_back_the_text_as_a_new_revision(writer_client):
    add(writer_client, body="The good version.")
    review = Review.objects.get()
    edit(writer_client, review, body="An accident.")
    first = versions_of(review).last()
    url = reverse("admin:reviews_review_revision", args=[review.pk, first.pk])
    assert "The good version." in writer_client.get(url).content.decode()
    writer_client.post(url)
    review.refresh_from_db()
    assert review.body == "The good version."
    assert review.body_html == "<p>The good version.</p>\n"
    assert versions_of(review).count() == 3
    newest = versions_of(review).first().revision
    assert newest.comment.startswith("Restored the revision of")


def test_writer_cannot_see_another_writers_revisions(writer_client, other_writer):
    review = make_review(author=other_writer.author)
    keep_revision(review, other_writer)
    url = reverse("admin:reviews_review_history", args=[review.pk])
    assert writer_client.get(url).status_code == 404


def test_guest_writer_cannot_restore_a_published_revision(guest_client, guest):
    review = make_review(author=guest.author, status=Status.PUBLISHED)
    published = keep_revision(review, guest)
    review.status = Status.DRAFT
    review.save()
    url = reverse("admin:reviews_review_revision", args=[review.pk, published.pk])
    assert guest_client.post(url).status_code == 403
    review.refresh_from_db()
    assert review.status == Status.DRAFT


def test_first_change_of_a_review_written_elsewhere_keeps_the_original(
    writer_client, writer
):
    review = make_review(author=writer.author, body="From the demo.")
    edit(writer_client, review, body="Edited.")
    edited, original = versions_of(review)
    assert original.revision.user is None
    assert original.revision.comment == "As it was before its first change here"
    assert original.field_dict["body"] == "From the demo."
    assert edited.field_dict["body"] == "Edited."


# Two people editing one review


def test_stale_form_is_refused_and_the_earlier_save_kept(
    writer_client, editor_client, writer
):
    review = make_review(author=writer.author, body="Original.")
    opened = review.version
    # The editor saves first...
    edit(editor_client, review, body="Editor's fix.", author=writer.author.pk)
    # ...then the writer saves the form they opened before.
    review.version = opened
    response = edit(writer_client, review, body="Writer's long new paragraph.")
    assert response.status_code == 200
    content = response.content.decode()
    assert "editor saved this review at" in content
    assert "Writer&#x27;s long new paragraph." in content
    review.refresh_from_db()
    assert review.body == "Editor's fix."


def test_saving_again_after_the_conflict_replaces_the_other_version(
    writer_client, editor_client, writer
):
    review = make_review(author=writer.author, body="Original.")
    opened = review.version
    edit(editor_client, review, body="Editor's fix.", author=writer.author.pk)
    review.version = opened
    response = edit(writer_client, review, body="Mine.")
    form = response.context["adminform"].form
    review.version = int(form.data["seen_version"])
    edit(writer_client, review, body="Mine.")
    review.refresh_from_db()
    assert review.body == "Mine."
    assert [version.field_dict["body"] for version in versions_of(review)] == [
        "Mine.",
        "Editor's fix.",
        "Original.",
    ]


# Sharing a draft


def test_preview_link_shows_the_draft_marked_and_uncached(client):
    draft = make_review(status=Status.DRAFT, title="Secret draft")
    response = client.get(draft.get_preview_url())
    assert response.status_code == 200
    content = response.content.decode()
    assert "Secret draft" in content
    assert "shared with you before publication and may still change" in content
    assert '<meta name="robots" content="noindex, nofollow">' in content
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-store" in response["Cache-Control"]
    assert "/admin/" not in content.split("Preview.")[1].split("</p>")[0]


def test_tampered_preview_link_is_not_found(client):
    draft = make_review(status=Status.DRAFT)
    other = make_review(status=Status.DRAFT)
    url = draft.get_preview_url()
    assert client.get(url.replace(f"/{draft.pk}:", f"/{other.pk}:")).status_code == 404
    assert client.get(url[:-2] + "xx/").status_code == 404


def test_expired_preview_link_is_not_found(client, monkeypatch, settings):
    draft = make_review(status=Status.DRAFT)
    eight_days_ago = timezone.now().timestamp() - 8 * 24 * 3600
    monkeypatch.setattr(signing.time, "time", lambda: eight_days_ago)
    url = draft.get_preview_url()
    monkeypatch.undo()
    assert client.get(url).status_code == 404


def test_preview_link_of_a_published_review_leads_to_the_page(client):
    review = make_review()
    response = client.get(review.get_preview_url())
    assert response.status_code == 302
    assert response["Location"] == review.get_absolute_url()


def test_change_form_offers_the_preview_link(writer_client, writer):
    draft = make_review(author=writer.author, status=Status.DRAFT)
    content = writer_client.get(change_url(draft)).content.decode()
    assert f'value="http://testserver{draft.get_preview_url()}"' in content
    assert "for 7 days" in content


def test_revisions_name_the_writer_not_the_login(writer_client, writer):
    writer.author.name = "Mina Kawase"
    writer.author.save()
    add(writer_client)
    review = Review.objects.get()
    url = reverse("admin:reviews_review_history", args=[review.pk])
    assert "<td>Mina Kawase</td>" in writer_client.get(url).content.decode()


def test_saving_a_published_review_unchanged_changes_no_publication_time(
    writer_client, writer
):
    add(writer_client, status=Status.PUBLISHED)
    review = Review.objects.get()
    edit(writer_client, review)
    newer, older = versions_of(review)[:2]
    assert changes(review, older, newer) == []


def test_a_publication_time_with_a_fraction_of_a_second_survives_the_form(
    writer_client, writer
):
    review = make_review(
        author=writer.author,
        published_at=timezone.now().replace(microsecond=123456) - timedelta(days=1),
    )
    stored = review.published_at
    edit(writer_client, review)
    review.refresh_from_db()
    assert review.published_at == stored


def test_a_changed_show_reads_as_its_title(writer_client, writer):
    add(writer_client)
    review = Review.objects.get()
    review.show = make_show(title="Full Court Relay")  # what the form now says
    edit(writer_client, review, episode="", kind=Review.Kind.SEASON)
    newer, older = versions_of(review)[:2]
    ((before, after),) = dict(changes(review, older, newer))["Show"]
    assert "Full Court Relay" in after
    assert "<del>" in before


def test_a_browsers_line_endings_are_no_change(writer):
    review = make_review(author=writer.author, body="One.\nTwo.")
    older = keep_revision(review, writer)
    review.body = "One.\r\nTwo."
    review.save()
    assert changes(review, older, keep_revision(review, writer)) == []


def test_the_revisions_page_reads_each_writers_name_in_one_query(
    writer_client, writer, other_writer
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    review = make_review(author=writer.author)
    url = reverse("admin:reviews_review_history", args=[review.pk])

    def queries():
        with CaptureQueriesContext(connection) as captured:
            writer_client.get(url)
        return len(captured)

    keep_revision(review, writer)
    few = queries()
    for user in [writer, other_writer] * 10:
        keep_revision(review, user)
    assert queries() == few


def test_a_revision_naming_a_lost_cover_file_is_said_so_not_an_error(
    writer_client, writer
):
    review = make_review(author=writer.author, body="Now.")
    lost = keep_revision(review, writer)
    data = json.loads(lost.serialized_data)
    data[0]["fields"].update(cover="covers/gone.png", cover_width=None)
    type(lost).objects.filter(pk=lost.pk).update(serialized_data=json.dumps(data))
    newest = keep_revision(review, writer)
    url = reverse("admin:reviews_review_history", args=[review.pk])
    response = writer_client.get(
        url, {"version_id1": lost.pk, "version_id2": newest.pk}
    )
    assert response.status_code == 200
    assert "could not be read back" in response.content.decode()
    restore = reverse("admin:reviews_review_revision", args=[review.pk, lost.pk])
    response = writer_client.post(restore, follow=True)
    assert "Could not load" in response.content.decode()
    review.refresh_from_db()
    assert review.body == "Now."


def test_reversion_compares_and_recovers_nothing_of_another_writers(
    writer_client, other_writer
):
    review = make_review(author=other_writer.author)
    version = keep_revision(review, other_writer)
    for url in [
        reverse("admin:reviews_review_compare", args=[review.pk]),
        reverse("admin:reviews_review_revision", args=[review.pk, version.pk]),
        reverse("admin:reviews_review_recoverlist"),
    ]:
        assert writer_client.get(url).status_code == 404, url


def test_reversions_compare_address_leads_to_the_revisions_page(writer_client, writer):
    review = make_review(author=writer.author)
    older, newer = keep_revision(review, writer), keep_revision(review, writer)
    query = f"version_id1={older.pk}&version_id2={newer.pk}"
    compare = reverse("admin:reviews_review_compare", args=[review.pk])
    response = writer_client.get(f"{compare}?{query}")
    history_url = reverse("admin:reviews_review_history", args=[review.pk])
    assert response["Location"] == f"{history_url}?{query}"
