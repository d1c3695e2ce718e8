"""Two agencies in two browsers: a restricted note reaches only the agency it names."""

import pytest
from django.core.management import call_command

from tests.e2e.test_directory import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

MOTEL = "I-70 motel corridor: suspected sex trafficking"


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", verbosity=0)


def open_case(page, live_server):
    page.goto(f"{live_server.url}/cases/?q=motel")
    page.locator("table a").first.click()
    page.wait_for_selector("#notes")


def test_a_restricted_note_is_read_only_by_the_agencies_it_names(live_server, demo, browser):
    kcpd = browser.new_context().new_page()
    log_in(kcpd, live_server, "kcpd.liaison")
    open_case(kcpd, live_server)
    kcpd.fill("#id_body", "Meeting point changed to the east lot.")
    note_form = kcpd.locator("form.note-form")
    note_form.locator("input[name=visibility][value=restricted]").check()
    note_form.locator("label.inline", has_text="FBI").locator("input").check()
    kcpd.click("button:has-text('Add note')")
    kcpd.wait_for_selector("text=Note added.")
    assert "Meeting point changed" in kcpd.text_content("#notes")
    screenshot_page(kcpd, "case-kcpd-manager")

    fbi = browser.new_context().new_page()
    log_in(fbi, live_server, "fbi.liaison")
    open_case(fbi, live_server)
    assert "Meeting point changed" in fbi.text_content("#notes")

    oppd = browser.new_context().new_page()
    log_in(oppd, live_server, "oppd.liaison")
    open_case(oppd, live_server)
    notes = oppd.text_content("#notes")
    assert "Surveillance rota" in notes
    assert "Meeting point changed" not in notes
    assert "confidential source" not in notes
    # OPPD contributes (it runs the plates task): it adds notes but manages nothing.
    assert oppd.locator("form.note-form").count() == 1
    assert oppd.locator("a:has-text('Access report')").count() == 0
    screenshot_page(oppd, "case-oppd-viewer")

    bcso = browser.new_context().new_page()
    log_in(bcso, live_server, "bcso.liaison")
    bcso.goto(f"{live_server.url}/cases/")
    assert MOTEL not in bcso.text_content("main")


def screenshot_page(page, name):
    from tests.e2e.conftest import ARTIFACTS

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
