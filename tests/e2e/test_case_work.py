"""Evidence files in a real browser: KCPD uploads a file to the I-70 case, restricted to
itself and OPPD; OPPD downloads it (the bytes and their SHA-256 as recorded); MOAGO, which
contributes to the case but is not named, gets the portal's 404 for the same download.
Tasks: OPPD sees its task on its dashboard and in its task list, overdue first.

Screenshots go to test-artifacts/case-work-*.png.
"""

import hashlib
import json
from pathlib import Path

import pytest

from tests.e2e.conftest import ARTIFACTS
from tests.e2e.server import AsgiServer

pytestmark = pytest.mark.e2e

PASSWORD = "crossroads-demo"
CONTENT = b"Invented demo statement: van seen at motel 3, Saturday 22:10.\n" * 20

FIND = """
import json
from pathlib import Path
from agencies.models import Agency
from cases.models import Case
motel = Case.objects.get(title__startswith="I-70 motel")
print(json.dumps({"motel": motel.pk, "oppd": Agency.objects.get(short_name="OPPD").pk}))
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    server = AsgiServer(tmp_path_factory.mktemp("asgi"))
    server.env["CROSSROADS_DEMO_PASSWORD"] = PASSWORD
    server.manage("migrate", "--noinput", "-v", "0")
    server.manage("seed_demo")
    server.ids = json.loads(server.manage("shell", "-c", FIND).strip().splitlines()[-1])
    server.start()
    yield server
    server.stop()


def signed_in(browser, server, username, width=1280):
    context = browser.new_context(viewport={"width": width, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{server.url}/")
    return page


def shot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"case-work-{name}.png"), full_page=True)


def test_an_upload_is_downloaded_by_an_agency_given_it_and_refused_to_one_not(
    server, browser, tmp_path
):
    case_url = f"{server.url}/cases/{server.ids['motel']}/"
    kcpd = signed_in(browser, server, "kcpd.liaison")
    kcpd.goto(case_url)
    source = tmp_path / "witness-statement.txt"
    source.write_bytes(CONTENT)
    form = kcpd.locator("form.file-form")
    form.locator("input[type=file]").set_input_files(str(source))
    form.locator("input[name=visibility][value=restricted]").check()
    form.locator(f"input[name=restricted_to][value='{server.ids['oppd']}']").check()
    form.locator("button[type=submit]").click()
    kcpd.wait_for_url("**/cases/*/#file-*")
    item = kcpd.locator("li.evidence", has_text="witness-statement.txt")
    digest = hashlib.sha256(CONTENT).hexdigest()
    assert item.locator("code").text_content() == digest
    file_id = item.get_attribute("data-file-id")
    shot(kcpd, "kcpd-uploaded")

    oppd = signed_in(browser, server, "oppd.liaison")
    oppd.goto(case_url)
    link = oppd.locator(f"li.evidence[data-file-id='{file_id}'] a[download]")
    with oppd.expect_download() as info:
        link.click()
    download = info.value
    assert download.suggested_filename == "witness-statement.txt"
    assert hashlib.sha256(Path(download.path()).read_bytes()).hexdigest() == digest
    shot(oppd, "oppd-case")

    moago = signed_in(browser, server, "moago.liaison")
    moago.goto(case_url)
    assert moago.locator(f"li.evidence[data-file-id='{file_id}']").count() == 0
    response = moago.goto(f"{server.url}/files/{file_id}/download")
    assert response.status == 404
    assert moago.locator("a[href='/']").count() >= 1
    shot(moago, "moago-refused")


def test_the_assigned_agency_sees_its_tasks_on_its_dashboard_and_list(server, browser):
    oppd = signed_in(browser, server, "oppd.liaison")
    oppd.wait_for_selector("#live-status[data-state=live]")
    rows = oppd.locator("[data-panel=tasks] tr[data-task-id]")
    assert rows.count() >= 1
    shot(oppd, "oppd-dashboard")
    oppd.goto(f"{server.url}/tasks/")
    assert oppd.locator("tr[data-task-id]").count() >= 1
    shot(oppd, "oppd-tasks")
    kcpd = signed_in(browser, server, "kcpd.liaison", width=375)
    kcpd.goto(f"{server.url}/tasks/")
    first = kcpd.locator("tr[data-task-id]").first
    assert "overdue" in (first.get_attribute("class") or "")
    shot(kcpd, "kcpd-tasks-phone")
    first.locator("a").first.click()
    kcpd.wait_for_selector("ol.task-history")
    shot(kcpd, "kcpd-task-phone")
