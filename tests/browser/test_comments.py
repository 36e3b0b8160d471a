"""A reader comments, a moderator moderates, in two real browsers."""

import pytest

from comments.models import Comment
from tests.factories import make_review, make_user

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a-long-test-password"


@pytest.fixture(autouse=True)
def quick_commenting(settings):
    # A browser types faster than a person; the rules are tested elsewhere.
    settings.COMMENTS_MIN_SECONDS = 0
    settings.COMMENTS_RATE_SECONDS = 0


@pytest.fixture
def review():
    return make_review(title="Metallic Rouge, episode 1", body="Stylish.")


@pytest.fixture
def moderator_page(another_page, live_server):
    make_user("moderator", groups=["Moderators"], password=PASSWORD)
    another_page.goto(f"{live_server.url}/admin/login/")
    another_page.fill("#id_username", "moderator")
    another_page.fill("#id_password", PASSWORD)
    another_page.click("input[type=submit]")
    another_page.wait_for_url(f"{live_server.url}/admin/")
    return another_page


def write_comment(page, url, text, honeypot=None, remember=False):
    page.goto(url)
    page.fill("#id_name", "Aki")
    page.fill("#id_email", "aki@example.com")
    page.fill("#id_text", text)
    if honeypot:
        page.locator("#id_homepage").fill(honeypot, force=True)
    if remember:
        page.get_by_label("Remember my name, e-mail and website").check()
    page.get_by_role("button", name="Post comment").click()
    page.wait_for_load_state()


def test_reader_comments_and_moderator_approves(
    page, moderator_page, live_server, review
):
    review_url = live_server.url + review.get_absolute_url()

    # A first comment waits for a moderator; its author sees it, marked.
    write_comment(page, review_url, "My first comment here.")
    status = page.get_by_role("status")
    assert "awaiting moderation" in status.inner_text()
    own = page.locator(".comment-pending")
    assert "My first comment here." in own.inner_text()
    assert "Only you can see it" in own.inner_text()

    # The moderator sees the count on the admin index and approves it.
    moderator_page.goto(f"{live_server.url}/admin/")
    moderator_page.get_by_role("link", name="1 comment awaiting moderation").click()
    moderator_page.locator("input[name=_selected_action]").first.check()
    moderator_page.select_option("select[name=action]", "approve")
    moderator_page.get_by_role("button", name="Run").click()
    messages = moderator_page.locator(".messagelist").inner_text()
    assert "1 comment now approved" in messages

    # The reader sees it published, and their next comment goes straight through.
    page.goto(review_url)
    assert page.locator(".comment-pending").count() == 0
    assert "My first comment here." in page.locator(".comment-list").inner_text()
    write_comment(page, review_url, "And a second one.")
    assert "your comment is published" in page.get_by_role("status").inner_text()
    assert "And a second one." in page.locator(".comment-list").inner_text()
    assert page.locator("h2#page\\:comments-heading").inner_text() == "2 comments"

    # A comment with two links is held, even from a known reader.
    write_comment(page, review_url, "See https://a.example and https://b.example")
    assert page.locator(".comment-pending").count() == 1

    # A robot that fills the honeypot is never shown, even to itself.
    write_comment(page, review_url, "Buy now", honeypot="http://robot.example")
    assert "Buy now" not in page.content()
    assert Comment.objects.get(text="Buy now").status == Comment.Status.SPAM
    moderator_page.goto(f"{live_server.url}/admin/")
    assert moderator_page.get_by_role("link", name="1 comment awaiting moderation")


def test_refused_comment_keeps_the_readers_text(page, live_server, review):
    page.goto(live_server.url + review.get_absolute_url())
    page.fill("#id_name", "Aki")
    page.fill("#id_email", "aki@example.com")
    page.fill("#id_website", "javascript:alert(1)")
    page.fill("#id_text", "Words I do not want to type twice.")
    # The browser's own check would stop this URL; send it to the server anyway.
    page.locator("#comment-form").evaluate("form => form.noValidate = true")
    page.get_by_role("button", name="Post comment").click()
    page.wait_for_load_state()
    assert page.locator("#id_text").input_value() == (
        "Words I do not want to type twice."
    )
    assert "Enter a valid URL." in page.locator("#comment-form").inner_text()
    assert not Comment.objects.exists()


def test_reply_without_javascript(page_without_javascript, live_server, review):
    page = page_without_javascript
    parent = Comment.objects.create(
        review=review,
        name="Kei",
        email="kei@example.com",
        text="Who else loved the soundtrack?",
        status=Comment.Status.APPROVED,
        fingerprint="parent",
    )
    page.goto(live_server.url + review.get_absolute_url())
    page.get_by_role("link", name="Reply to Kei").click()
    assert page.locator("#page\\:comment-form-heading").inner_text() == "Your reply"
    page.fill("#id_name", "Aki")
    page.fill("#id_email", "aki@example.com")
    page.fill("#id_text", "Me! The ending theme especially.")
    page.get_by_role("button", name="Post comment").click()
    page.wait_for_load_state()
    reply = Comment.objects.get(text="Me! The ending theme especially.")
    assert reply.parent == parent
    assert "Me! The ending theme" in page.locator(".comment-replies").inner_text()


def test_hostile_comments_stay_text_on_a_phone(browser, live_server, review, request):
    for number, text in enumerate(
        [
            "<script>document.title='owned'</script>",
            "&lt;b&gt;not bold&lt;/b&gt;",
            "A" * 400,
            "abc\u202edcba https://example.com/" + "x" * 300,
        ]
    ):
        Comment.objects.create(
            review=review,
            name="<img src=x onerror=alert(1)>",
            email=f"h{number}@example.com",
            website="javascript:alert(1)",
            text=text,
            status=Comment.Status.APPROVED,
            fingerprint=f"hostile-{number}",
        )
    context = browser.new_context(viewport={"width": 360, "height": 740})
    request.addfinalizer(context.close)
    page = context.new_page()
    dialogs = []
    page.on("dialog", lambda dialog: dialogs.append(dialog.message))
    page.goto(live_server.url + review.get_absolute_url())
    comments = page.locator(".comment-list")
    assert "<script>document.title='owned'</script>" in comments.inner_text()
    assert "&lt;b&gt;not bold&lt;/b&gt;" in comments.inner_text()
    assert page.title() != "owned"
    assert dialogs == []
    assert comments.locator("a[href^='javascript']").count() == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


@pytest.mark.parametrize("width", [1280, 1600])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_moderation_queue_fits_without_sideways_scrolling(
    make_page, live_server, review, width, scheme
):
    from tests.factories import make_comment

    make_user("moderator", groups=["Moderators"], password=PASSWORD)
    for number in range(3):
        make_comment(
            review,
            status=Comment.Status.PENDING,
            text=f"A long first comment, number {number}, " * 4,
        )
    page = make_page(viewport={"width": width, "height": 800}, color_scheme=scheme)
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "moderator")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.goto(f"{live_server.url}/admin/comments/comment/")
    scroll, room = page.locator(".results").evaluate(
        "box => [box.scrollWidth, box.clientWidth]"
    )
    assert scroll <= room
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert page.get_by_role("link", name="View on the page").first.is_visible()
    assert not page.get_by_text("Seen at").is_visible()


@pytest.mark.parametrize("width", [1280, 390])
def test_comment_form_lines_up_with_the_article(page, live_server, review, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(live_server.url + review.get_absolute_url())
    article = page.locator("article.review").bounding_box()
    comments = page.locator("#comments").bounding_box()
    assert (comments["x"], comments["width"]) == (article["x"], article["width"])
    if width == 1280:  # one row: the e-mail's hint sits under its box
        tops = {
            page.locator(f"#id_{name}").bounding_box()["y"]
            for name in ("name", "email", "website")
        }
        assert len(tops) == 1


def test_remembered_commenter_finds_the_form_filled_in(page, live_server, review):
    url = live_server.url + review.get_absolute_url()
    write_comment(page, url, "Remember me, please.", remember=True)
    page.context.clear_cookies(name="sessionid")
    page.goto(url)
    assert page.locator("#id_name").input_value() == "Aki"
    assert page.locator("#id_email").input_value() == "aki@example.com"
