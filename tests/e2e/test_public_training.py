"""A person without an account registers for the demo's upcoming public training in a real
browser, confirms by the link of the e-mail, appears on the coordinator's door roster (on a
phone), is checked in and completed, and downloads their certificate."""

import re

import pytest
import requests
from django.core import mail
from django.core.management import call_command

from meetings.models import Meeting
from tests.e2e.test_directory import log_in
from tests.e2e.test_people import shot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SLUG = "victim-centered-interviewing"
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", verbosity=0)


def _link(kind: str) -> str:
    for message in reversed(mail.outbox):
        found = re.search(rf"(https?://\S+/trainings/{kind}/\S+/)", message.body)
        if found:
            return found.group(1)
    raise AssertionError(f"no {kind} link in {len(mail.outbox)} mails")


def test_a_person_without_account_registers_attends_and_gets_a_certificate(
    live_server, demo, browser, settings
):
    settings.SITE_URL = live_server.url
    visitor = browser.new_context(viewport=PHONE).new_page()
    visitor.goto(f"{live_server.url}/trainings/")
    visitor.click(f"a[href='/trainings/{SLUG}/']")
    visitor.wait_for_url(f"**/trainings/{SLUG}/")
    visitor.fill("#id_name", "Dana Testperson")
    visitor.fill("#id_email", "dana.testperson@example.org")
    visitor.fill("#id_organisation", "Boone County Sheriff (test)")
    visitor.select_option("#id_profession", "advocate")
    visitor.fill("#id_job_title", "Victim advocate")
    shot(visitor, "public-training-form")
    visitor.click("#register button[type=submit]")
    visitor.wait_for_selector("h1:has-text('Check your e-mail')")
    shot(visitor, "public-training-sent")

    visitor.goto(_link("confirm"))
    shot(visitor, "public-training-confirm")
    visitor.click("button:has-text('Confirm my registration')")
    visitor.wait_for_selector("h1:has-text('You are registered')")
    shot(visitor, "public-training-registered")

    training = Meeting.objects.get(public_slug=SLUG)
    door = browser.new_context(viewport=PHONE).new_page()
    log_in(door, live_server, "moago.coordinator")
    door.goto(f"{live_server.url}/meetings/{training.pk}/roster/")
    door.fill("#roster-q", "Testperson")
    door.click(".roster-search button[type=submit]")
    row = door.locator("tr.roster-row", has_text="Dana Testperson")
    assert row.count() == 1
    shot(door, "training-roster-search")
    row.locator("button:has-text('Check in')").click()
    door.wait_for_selector("tr.roster-row.present")
    row = door.locator("tr.roster-row", has_text="Dana Testperson")
    row.locator("button:has-text('Mark completed')").click()
    door.wait_for_selector("text=completed the training: a certificate was sent")
    shot(door, "training-roster-checked-in")

    certificate = requests.get(_link("certificate"), timeout=20)
    assert certificate.status_code == 200
    assert certificate.headers["Content-Type"] == "application/pdf"
    assert certificate.content.startswith(b"%PDF")
    with door.expect_download() as download:
        door.locator("tr.roster-row", has_text="Dana Testperson").locator(
            "a:has-text('Certificate')"
        ).click()
    assert download.value.suggested_filename.endswith(".pdf")
