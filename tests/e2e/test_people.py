"""An agency admin manages their agency's people in a real browser: invites a person, who
sets their password from the e-mailed link, and deactivates a colleague, who is signed out
at once."""

import re

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command

from tests.e2e.conftest import ARTIFACTS
from tests.e2e.test_directory import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", verbosity=0)


def shot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_an_agency_admin_invites_a_person_and_deactivates_another(live_server, demo, browser):
    admin = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    liaison = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    log_in(liaison, live_server, "kcpd.liaison")
    log_in(admin, live_server, "kcpd.admin")

    admin.click("nav >> text=People")
    admin.wait_for_url("**/agency/people/")
    table = admin.text_content("table")
    assert "kcpd.liaison" in table
    assert "fbi.liaison" not in table  # another agency's people are not here
    shot(admin, "people-list-kcpd-admin")

    admin.click("text=Invite a person")
    admin.fill("#id_first_name", "Dana")
    admin.fill("#id_last_name", "Analyst")
    admin.fill("#id_username", "dana.analyst")
    admin.fill("#id_email", "dana.analyst@kcpd.example.org")
    admin.fill("#id_title", "Crime analyst")
    admin.select_option("#id_profession", "analyst")
    shot(admin, "people-invite-form")
    admin.click("button:has-text('send the invitation')")
    admin.wait_for_selector("text=Invitation sent to dana.analyst@kcpd.example.org")
    assert "Invited" in admin.text_content("main")
    shot(admin, "people-invited-person")

    link = re.search(r"http://\S+/welcome/\S+", mail.outbox[-1].body).group(0)
    newcomer = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    newcomer.goto(link)
    newcomer.fill("#id_new_password1", "kansas city analyst 2026")
    newcomer.fill("#id_new_password2", "kansas city analyst 2026")
    shot(newcomer, "people-invitation-accept")
    newcomer.click("button:has-text('Set my password')")
    newcomer.wait_for_url("**/login/")
    newcomer.fill("#id_username", "dana.analyst")
    newcomer.fill("#id_password", "kansas city analyst 2026")
    newcomer.click("button[type=submit]")
    newcomer.wait_for_url(f"{live_server.url}/")
    assert "KCPD" in newcomer.text_content("header")
    assert newcomer.locator("nav >> text=People").count() == 0  # not an agency admin
    newcomer.goto(link)
    assert "This link does not work any more" in newcomer.text_content("main")

    # The agency's only admin cannot step down: the page says why and keeps the flag.
    admin.goto(f"{live_server.url}/agency/people/")
    admin.click("table >> text=KCPD Admin")
    admin.uncheck("#id_is_agency_admin")
    admin.click("button:has-text('Save changes')")
    admin.wait_for_selector("text=You are the last active admin of KCPD")
    assert admin.is_checked("#id_is_agency_admin") is False  # what was asked, shown back
    shot(admin, "people-last-admin-refused")

    admin.goto(f"{live_server.url}/agency/people/?q=liaison")
    admin.click("table >> text=KCPD Liaison")
    admin.click("text=Deactivate…")
    admin.wait_for_url("**/deactivate/")
    assert "Deactivate KCPD Liaison?" in admin.text_content("main")
    shot(admin, "people-deactivate-confirm")
    admin.click("button:has-text('Deactivate the account')")
    admin.wait_for_selector("text=is deactivated: signed out everywhere")
    assert "Deactivated" in admin.text_content("main")
    shot(admin, "people-deactivated-person")

    liaison.goto(f"{live_server.url}/cases/")
    assert "/login/" in liaison.url
    liaison.fill("#id_username", "kcpd.liaison")
    liaison.fill("#id_password", settings.DEMO_PASSWORD)
    liaison.click("button[type=submit]")
    assert liaison.locator("[role=alert]").is_visible()
    shot(liaison, "people-deactivated-liaison-signed-out")

    admin.goto(f"{live_server.url}/agency/people/")
    shot(admin, "people-list-after")
