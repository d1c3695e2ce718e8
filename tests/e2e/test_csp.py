"""The Content-Security-Policy in a real browser: the live dashboard (its websocket included),
the API docs and the admin work under it, and Chromium reports no violation."""

import pytest

from tests.e2e.server import AsgiServer
from tests.e2e.test_live_dashboard import PASSWORD, shot

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    server = AsgiServer(tmp_path_factory.mktemp("csp"))
    server.env["CROSSROADS_DEMO_PASSWORD"] = PASSWORD
    server.manage("migrate", "--noinput", "-v", "0")
    server.manage("seed_demo")
    server.start()
    yield server
    server.stop()


@pytest.fixture
def watched(browser):
    """A fresh page and the Content-Security-Policy violations Chromium reports on it."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    yield page, violations
    context.close()


def log_in(page, server, username, login_path="/login/"):
    page.goto(f"{server.url}{login_path}")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("[type=submit]")


def test_the_dashboard_goes_live_and_its_pages_run_their_scripts(server, watched):
    page, violations = watched
    log_in(page, server, "fbi.liaison")
    page.wait_for_url(f"{server.url}/")
    # The feed is live only once the websocket to the same host is open: connect-src allows it.
    page.wait_for_selector("#live-status[data-state=live]")
    shot(page, "csp-dashboard")

    page.goto(f"{server.url}/calendar/")
    if page.locator("[data-select-on-click]").count() == 0:
        # The subscription address is made only when the person asks for it.
        page.get_by_role("button", name="Create my subscription address").click()
    field = page.locator("[data-select-on-click]")
    field.click()
    # portal.js, not an inline onclick, selects the subscription address.
    selected = field.evaluate("el => el.selectionEnd - el.selectionStart")
    assert selected == len(field.input_value()) > 0
    page.wait_for_timeout(300)
    assert violations == []


def test_the_api_docs_render_swagger_ui(server, watched):
    page, violations = watched
    log_in(page, server, "fbi.liaison")
    page.wait_for_url(f"{server.url}/")
    page.goto(f"{server.url}/api/docs/")
    # Operations appear only when Swagger UI's bundle and its init script both ran.
    page.wait_for_selector(".swagger-ui .opblock-summary")
    assert page.locator(".swagger-ui .opblock").count() > 10
    shot(page, "csp-api-docs")
    assert violations == []


def test_the_admin_works_under_the_policy(server, watched):
    page, violations = watched
    log_in(page, server, "admin", login_path="/admin/login/")
    page.wait_for_url(f"{server.url}/admin/")
    page.click("a[href='/admin/auth/user/']")
    page.click("text=fbi.liaison")
    page.wait_for_selector("#user_form")
    # The permission picker is built by the admin's scripts (SelectFilter2.js).
    page.wait_for_selector(".selector-available")
    shot(page, "csp-admin-user")
    assert violations == []
