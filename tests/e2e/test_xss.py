"""Script in text fields stays text in a real browser: stored as typed, shown escaped on the
pages that show it and in the live feed, never turned into markup that runs.

The Content-Security-Policy would stop an inline handler anyway; these tests look for the
markup itself (an element the payload would create), so escaping is checked on its own.
"""

import datetime as dt

import pytest

from tests.e2e.server import AsgiServer
from tests.e2e.test_live_dashboard import PASSWORD, dashboard, post_note, shot

pytestmark = pytest.mark.e2e

PAYLOAD = '<img src=x id="xss-img" onerror="window.__xss=1"><script>window.__xss=2</script>'


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    server = AsgiServer(tmp_path_factory.mktemp("xss"))
    server.env["CROSSROADS_DEMO_PASSWORD"] = PASSWORD
    server.manage("migrate", "--noinput", "-v", "0")
    server.manage("seed_demo")
    server.start()
    yield server
    server.stop()


def assert_inert(page):
    """The payload is on the page as text, and nothing it would have made exists or ran."""
    assert page.locator("#xss-img").count() == 0
    assert page.evaluate("window.__xss") is None
    assert PAYLOAD in page.text_content("body")


def test_a_note_with_script_is_text_in_the_live_feed_and_on_the_case(server, browser):
    fbi = dashboard(browser, server, "fbi.liaison")
    dialogs = []
    fbi.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    kcpd = dashboard(browser, server, "kcpd.liaison")
    post_note(kcpd, server, PAYLOAD)
    # The note reaches the FBI's open dashboard over the socket, drawn by dashboard.js.
    fbi.wait_for_selector("#live-feed .feed-item.unseen")
    assert_inert(fbi)
    shot(fbi, "xss-live-feed")
    assert_inert(kcpd)  # the case page after adding the note
    shot(kcpd, "xss-case")
    fbi.reload()
    fbi.wait_for_selector("#live-status[data-state=live]")
    assert_inert(fbi)  # the feed as the page renders it, from the event log
    assert dialogs == []


def test_a_meeting_title_with_script_is_text_on_the_meeting_and_the_calendar(server, browser):
    coordinator = dashboard(browser, server, "fbi.coordinator")
    coordinator.goto(f"{server.url}/meetings/new/")
    coordinator.fill("#id_title", PAYLOAD)
    coordinator.select_option("#id_kind", "task_force_meeting")
    day = dt.date.today() + dt.timedelta(days=30)
    coordinator.fill("#id_starts_at", f"{day.isoformat()}T09:00")
    coordinator.fill("#id_ends_at", f"{day.isoformat()}T10:00")
    coordinator.click("button[type=submit]:has-text('Schedule')")
    coordinator.wait_for_selector("text=Meeting scheduled.")
    assert_inert(coordinator)
    coordinator.goto(f"{server.url}/meetings/?month={day:%Y-%m}")
    assert_inert(coordinator)


def test_a_title_with_script_is_text_on_the_people_pages(server, browser):
    admin = dashboard(browser, server, "kcpd.admin")
    admin.goto(f"{server.url}/agency/people/?q=kcpd.liaison")
    admin.locator("table a", has_text="liaison").first.click()
    title = PAYLOAD[:120]
    admin.fill("#id_title", title)
    admin.click("button[type=submit]:has-text('Save')")
    admin.wait_for_selector(".messages")
    assert admin.locator("#xss-img").count() == 0
    assert admin.evaluate("window.__xss") is None
    admin.goto(f"{server.url}/agency/people/")
    assert admin.locator("#xss-img").count() == 0
    assert title in admin.text_content("main")
    shot(admin, "xss-people")
