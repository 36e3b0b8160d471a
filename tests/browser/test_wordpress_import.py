"""What manage.py import_wordpress brings runs no script in Chromium: the
export's <script>, onerror, onclick and javascript: links
(tests/fixtures/wordpress/blog.xml) are gone from the pages it makes."""

import pytest

from reviews.wordpress.importer import Importer, Options
from tests.factories import make_episode, make_show
from tests.test_wordpress_import import BLOG, review

pytestmark = pytest.mark.django_db(transaction=True)

RECORD_SCRIPTS = "window.alert = (text) => { window.alerted = String(text); };"


@pytest.fixture
def imported(live_server):
    make_episode(make_show(title="Dungeon Meshi", slug="dungeon-meshi"), 2)
    Importer(str(BLOG), Options()).run()


def test_imported_review_runs_no_script(imported, page, live_server):
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.add_init_script(RECORD_SCRIPTS)
    page.goto(live_server.url + review(102).get_absolute_url())
    for link in page.get_by_text("click").all():
        link.click()
    assert page.get_by_text("Laios cooks").is_visible()
    assert page.evaluate("window.alerted") is None
    assert dialogs == []
