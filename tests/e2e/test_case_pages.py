"""The case pages in a real browser, at a phone's width (375 px) and a desk's (1280 px):
nothing scrolls sideways, not even with a 200-character title without spaces and notes of
thousands of characters. And a revoke clears the other agency's open dashboard live.

Screenshots go to test-artifacts/cases-*.png.
"""

import json

import pytest

from tests.e2e.conftest import ARTIFACTS
from tests.e2e.server import AsgiServer

pytestmark = pytest.mark.e2e

PASSWORD = "crossroads-demo"
WIDTHS = [375, 1280]

# Made on the demo database by the server's own manage.py: a case led by KCPD with the
# longest title allowed, one word; shared with OPPD; long notes, one a single long word.
SETUP = """
import json
from django.contrib.auth import get_user_model
from agencies.models import Agency, TaskForce
from cases import services
from cases.models import Case
kcpd = get_user_model().objects.get(username="kcpd.liaison")
tf = TaskForce.objects.get(slug="fbi-kc-cehttf")
case = services.case_open(actor=kcpd, task_force=tf, title="W" * 200, kind="other",
    summary="S" * 3000)
services.case_share(actor=kcpd, case=case, agency=Agency.objects.get(short_name="OPPD"),
    level="view", purpose="P" * 500)
for n in range(6):
    services.note_add(actor=kcpd, case=case, body=("Long note %d. " % n) + "text " * 900)
services.note_add(actor=kcpd, case=case, body="N" * 5000)
services.note_add(actor=kcpd, case=case, body="line\\n" * 40)
motel = Case.objects.get(title__startswith="I-70 motel")
print(json.dumps({"case": case.pk, "motel": motel.pk,
    "oppd": Agency.objects.get(short_name="OPPD").pk,
    "note": case.notes.order_by("id").first().pk}))
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    server = AsgiServer(tmp_path_factory.mktemp("asgi"))
    server.env["CROSSROADS_DEMO_PASSWORD"] = PASSWORD
    server.manage("migrate", "--noinput", "-v", "0")
    server.manage("seed_demo")
    server.ids = json.loads(server.manage("shell", "-c", SETUP).strip().splitlines()[-1])
    server.start()
    yield server
    server.stop()


def signed_in(browser, server, username, width):
    page = browser.new_context(viewport={"width": width, "height": 900}).new_page()
    page.set_default_timeout(15_000)
    errors = []
    # Any console error counts, a failed load (the portal names its own icon) included.
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page.goto(f"{server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{server.url}/")
    page.console_errors = errors
    return page


def overflow(page) -> dict:
    """How far the page scrolls sideways, and the widest elements past the viewport."""
    return page.evaluate(
        """() => {
          const width = window.innerWidth;
          const wide = Array.from(document.querySelectorAll("body *"))
            .filter((el) => el.getBoundingClientRect().right > width + 1)
            .slice(0, 5)
            .map((el) => el.tagName + "." + el.className);
          return {scroll: document.documentElement.scrollWidth, width, wide};
        }"""
    )


def shot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"cases-{name}.png"), full_page=True)


@pytest.mark.parametrize("width", WIDTHS)
def test_no_case_page_scrolls_sideways(server, browser, width):
    ids = server.ids
    page = signed_in(browser, server, "kcpd.liaison", width)
    pages = {
        "list": "/cases/",
        "long-case": f"/cases/{ids['case']}/",
        "motel-case": f"/cases/{ids['motel']}/",
        "revoke-confirm": f"/cases/{ids['case']}/access/{ids['oppd']}/revoke/",
        "close-confirm": f"/cases/{ids['case']}/status/?status=closed",
        "redact-confirm": f"/notes/{ids['note']}/redact/",
        "share": f"/cases/{ids['case']}/share/",
        "edit": f"/cases/{ids['case']}/edit/",
        "access-report": f"/cases/{ids['case']}/access-report/",
    }
    for name, path in pages.items():
        page.goto(server.url + path)
        page.wait_for_load_state("load")
        shot(page, f"{name}-{width}")
        found = overflow(page)
        assert found["scroll"] <= found["width"], (name, found)
    assert page.console_errors == []


def test_long_notes_fold_and_open_without_script(server, browser):
    page = signed_in(browser, server, "kcpd.liaison", 1280)
    page.goto(f"{server.url}/cases/{server.ids['case']}/")
    folded = page.locator("#notes details.note-fold")
    assert folded.count() == 8
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < 9000, height
    oldest = folded.last
    assert oldest.get_attribute("open") is None
    oldest.locator("summary").click()
    assert oldest.get_attribute("open") is not None
    assert "text text" in oldest.locator(".fold-full").inner_text()


def test_a_revoke_clears_the_other_agencys_dashboard_live(server, browser):
    ids = server.ids
    oppd = signed_in(browser, server, "oppd.liaison", 1280)
    oppd.wait_for_selector("#live-status[data-state=live]")
    case_rows = f'#cases [data-case-id="{ids["motel"]}"]'
    feed_items = f'#live-feed [data-case-id="{ids["motel"]}"]'
    assert oppd.locator(case_rows).count() == 1
    assert oppd.locator(feed_items).count() >= 1
    shot(oppd, "oppd-dashboard-before-revoke")

    kcpd = signed_in(browser, server, "kcpd.liaison", 1280)
    kcpd.goto(f"{server.url}/cases/{ids['motel']}/")
    kcpd.click(f'a[href="/cases/{ids["motel"]}/access/{ids["oppd"]}/revoke/"]')
    assert "Revoke OPPD" in kcpd.text_content("h1")
    kcpd.click("button:has-text('Revoke OPPD')")
    kcpd.wait_for_selector("text=no longer has access")

    oppd.wait_for_function(
        "([rows, feed]) => !document.querySelector(rows) && "
        "document.querySelectorAll(feed).length === 1",
        arg=[case_rows, feed_items],
    )
    # What stays is the notice that a case was withdrawn: nothing of the case but its id.
    notice = oppd.locator(feed_items)
    assert notice.get_attribute("data-kind") == "case.withdrawn"
    main = oppd.inner_text("main")
    assert "motel corridor" not in main
    assert oppd.url == f"{server.url}/"  # no reload
    shot(oppd, "oppd-dashboard-after-revoke")

    # Shared again: the case comes back into the cases panel, still without a reload.
    kcpd.goto(f"{server.url}/cases/{ids['motel']}/")
    kcpd.select_option("#id_agency", str(ids["oppd"]))
    kcpd.fill("#id_purpose", "Renewed request 2026-031")
    kcpd.click("button:has-text('Share')")
    kcpd.wait_for_selector("text=Shared with OPPD")
    oppd.wait_for_selector(case_rows)
    assert oppd.url == f"{server.url}/"
