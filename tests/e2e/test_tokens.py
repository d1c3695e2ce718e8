"""An agency admin issues an API token for an integration in a real browser, copies the
secret from the one page that shows it, sees the integration's use in the list, and revokes
the token."""

import pytest
import requests
from django.core.management import call_command

from tests.e2e.test_directory import log_in
from tests.e2e.test_people import shot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", verbosity=0)


def test_an_agency_admin_issues_and_revokes_a_token(live_server, demo, browser):
    admin = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    log_in(admin, live_server, "kcpd.admin")
    admin.click("nav >> text=API tokens")
    admin.wait_for_url("**/agency/tokens/")
    admin.click("text=Issue a token")
    admin.fill("#id_name", "Analytics export")
    admin.select_option("#id_scope", "write")
    admin.fill("#id_allowed_networks", "127.0.0.0/8")
    shot(admin, "tokens-issue-form")
    admin.click("button:has-text('Issue the token')")
    secret = admin.input_value("#token-secret")
    shot(admin, "tokens-issued")
    assert secret.startswith("crx_")

    me = requests.get(
        f"{live_server.url}/api/v1/me/", headers={"Authorization": f"Bearer {secret}"}, timeout=10
    )
    assert me.status_code == 200 and me.json()["username"] == "kcpd.admin"

    admin.click("text=Done")
    admin.wait_for_url("**/agency/tokens/")
    row = admin.locator("tr", has_text="Analytics export")
    assert "127.0.0.1" in row.text_content()  # where it was last used
    assert secret not in admin.content()
    shot(admin, "tokens-list")
    row.locator("text=Revoke").click()
    admin.click("button:has-text('Revoke the token')")
    admin.wait_for_selector("text=is revoked")
    again = requests.get(
        f"{live_server.url}/api/v1/me/", headers={"Authorization": f"Bearer {secret}"}, timeout=10
    )
    assert again.status_code == 401
    shot(admin, "tokens-revoked")
