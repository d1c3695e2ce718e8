"""A liaison logs in with a real browser, reads the directory and logs out."""

import pytest
from django.conf import settings
from django.core.management import call_command

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", verbosity=0)


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", settings.DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


def test_a_liaison_logs_in_reads_the_directory_and_logs_out(live_server, demo, page, screenshot):
    log_in(page, live_server, "kcpd.liaison")
    assert "Kansas City Missouri Police Department" in page.text_content("main")
    assert "1-888-373-7888" in page.text_content("footer")

    page.click("text=Directory")
    page.wait_for_url("**/directory/")
    fbi_task_force = page.locator("#tf-fbi-kc-cehttf")
    assert "Buchanan County Sheriff's Office" in fbi_task_force.text_content()
    assert "taskforce@kbi.example.org" in fbi_task_force.text_content()
    ago_task_force = page.locator("#tf-mo-ago-httf")
    # KCPD shares no task force with the trainers: no contact of theirs is shown.
    assert "taskforce@httc.example.org" not in ago_task_force.text_content()
    screenshot("directory-kcpd-liaison")

    page.click("text=Log out")
    page.wait_for_url("**/login/")
    page.goto(f"{live_server.url}/directory/")
    assert "/login/" in page.url


def test_a_wrong_password_keeps_the_visitor_out(live_server, demo, page):
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "kcpd.liaison")
    page.fill("#id_password", "not-the-password")
    page.click("button[type=submit]")
    assert page.locator("[role=alert]").is_visible()
    assert "/login/" in page.url
