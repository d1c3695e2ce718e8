"""With two-step sign-in required, a person signs in with a real browser against the real
ASGI server: sets up an authenticator (scanning is replaced by reading the key the page
shows), keeps the recovery codes, signs out, and signs in again with a code; the live
dashboard's socket then opens for the verified session. Screenshots: test-artifacts/."""

from base64 import b32decode

import pytest
from django_otp.oath import totp

from tests.e2e.server import AsgiServer
from tests.e2e.test_live_dashboard import PASSWORD, shot

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    server = AsgiServer(tmp_path_factory.mktemp("signin"))
    server.env["CROSSROADS_DEMO_PASSWORD"] = PASSWORD
    server.env["CROSSROADS_REQUIRE_MFA"] = "true"
    server.manage("migrate", "--noinput", "-v", "0")
    assert "Two-step sign-in is on" in server.manage("seed_demo")
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


def password_step(page, server, username):
    page.goto(f"{server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")


def test_enrol_then_sign_in_with_a_code(server, watched):
    page, violations = watched
    page.goto(f"{server.url}/login/")
    assert "System use notice" in page.text_content("main")
    # A deployment-like server (MFA on) does not show the demo's warning.
    assert "two-step sign-in is off" not in page.text_content("main")
    shot(page, "signin-1-password")

    password_step(page, server, "kcpd.liaison")
    page.wait_for_url("**/account/mfa/enrol/?next=*")
    assert page.locator("figure.qr svg").is_visible()
    shot(page, "signin-2-enrol")

    secret = b32decode(page.text_content("code.manual-key").replace(" ", ""))
    page.fill("#id_otp_token", f"{totp(secret):06d}")
    page.click("text=Confirm")
    page.wait_for_selector("text=Your recovery codes")
    assert page.locator(".recovery-codes li").count() == 10
    shot(page, "signin-3-recovery-codes")

    page.click("text=I have kept them")
    page.wait_for_url(f"{server.url}/")
    page.wait_for_selector("#live-status[data-state=live]")

    page.click("text=Log out")
    page.wait_for_url("**/login/")
    password_step(page, server, "kcpd.liaison")
    page.wait_for_url("**/login/verify/?next=*")
    # The menu stays hidden until the second step is done.
    assert page.locator("nav.mainnav").count() == 0
    shot(page, "signin-4-code")

    # The enrolment used the current code; the app's next one is accepted.
    page.fill("#id_otp_token", f"{totp(secret, drift=1):06d}")
    page.click("text=Continue")
    page.wait_for_url(f"{server.url}/")
    assert "Kansas City Missouri Police Department" in page.text_content("main")
    # The socket opens for the verified session.
    page.wait_for_selector("#live-status[data-state=live]")
    shot(page, "signin-5-dashboard")
    assert violations == []


def test_a_wrong_code_is_refused_in_the_browser(server, watched):
    page, _ = watched
    password_step(page, server, "oppd.liaison")
    page.wait_for_url("**/account/mfa/enrol/?next=*")
    page.fill("#id_otp_token", "000000")
    page.click("text=Confirm")
    assert page.locator("[role=alert]").first.is_visible()
    assert "/account/mfa/enrol/" in page.url
