"""Live dashboards in real browsers against a real ASGI server.

Liaisons of two agencies in two browser contexts: one posts a note to a shared case, the
other's dashboard shows it without reload; a third agency's dashboard shows nothing. Then
the server restarts while a note is written: the dashboard reconnects and catches up.
"""

import pytest

from tests.e2e.conftest import ARTIFACTS
from tests.e2e.server import AsgiServer

pytestmark = pytest.mark.e2e

PASSWORD = "crossroads-demo"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    server = AsgiServer(tmp_path_factory.mktemp("asgi"))
    server.env["CROSSROADS_DEMO_PASSWORD"] = PASSWORD
    server.manage("migrate", "--noinput", "-v", "0")
    server.manage("seed_demo")
    server.start()
    yield server
    server.stop()


def dashboard(browser, server, username):
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{server.url}/")
    page.wait_for_selector("#live-status[data-state=live]")
    return page


def shot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def post_note(page, server, text):
    page.goto(f"{server.url}/cases/?q=motel")
    page.locator("table a").first.click()
    page.fill("#id_body", text)
    page.click("button:has-text('Add note')")
    page.wait_for_selector("text=Note added.")


def test_a_note_appears_live_only_where_it_was_given(server, browser):
    fbi = dashboard(browser, server, "fbi.liaison")
    bcso = dashboard(browser, server, "bcso.liaison")
    kcpd = dashboard(browser, server, "kcpd.liaison")

    post_note(kcpd, server, "Live: suspect vehicle moved to the north lot")

    item = fbi.wait_for_selector("#live-feed li:has-text('suspect vehicle moved')")
    assert "unseen" in item.get_attribute("class")
    assert fbi.text_content("#unseen-count") == "1"
    assert fbi.url == f"{server.url}/"  # no reload, no navigation
    shot(fbi, "dashboard-fbi-liaison")

    bcso.wait_for_timeout(2000)
    assert "suspect vehicle" not in bcso.text_content("#live-feed")
    assert "Motel" not in bcso.text_content("main")
    shot(bcso, "dashboard-bcso-liaison")

    kcpd.goto(f"{server.url}/")
    kcpd.wait_for_selector("#live-status[data-state=live]")
    shot(kcpd, "dashboard-kcpd-liaison")


def test_nothing_is_lost_across_a_server_restart(server, browser):
    fbi = dashboard(browser, server, "fbi.liaison")
    server.stop()
    fbi.wait_for_selector("#live-status[data-state=reconnecting]")
    # Written while the server is down: it exists only in the event log.
    server.manage(
        "shell",
        "-c",
        "from django.contrib.auth.models import User; from cases import services; "
        "from cases.models import Case; "
        "case = Case.objects.get(title__startswith='I-70'); "
        "services.note_add(actor=User.objects.get(username='kcpd.liaison'), case=case, "
        "body='Written during the restart')",
    )
    server.start()
    fbi.wait_for_selector("#live-feed li:has-text('Written during the restart')", timeout=40_000)
    fbi.wait_for_selector("#live-status[data-state=live]")
