"""The portal's shell in a real browser: every page of the shell (directory, agency and task
force pages, profile, security, people, audit, error pages, sign-in) at 375 px and 1280 px,
as a liaison and as an agency admin, scrolls only downwards; the phone's compact menu opens
without JavaScript; the live feed writes its times as the server does, in the viewer's zone.
Screenshots go to test-artifacts/shell-*.png."""

import re

import pytest
from django.conf import settings
from django.core.management import call_command

from agencies.models import Agency, Profile, TaskForce
from tests.e2e.conftest import ARTIFACTS

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WIDTHS = {"phone": 375, "desktop": 1280}
OVERFLOW = """() => {
  const width = window.innerWidth;
  const wide = [...document.querySelectorAll("body *")]
    .filter((el) => el.getBoundingClientRect().right > width + 1)
    .filter((el) => getComputedStyle(el).position !== "absolute")
    .map((el) => el.tagName + (el.id ? "#" + el.id : "") + "." + el.className);
  return { scroll: document.documentElement.scrollWidth, width, wide: wide.slice(0, 5) };
}"""


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", verbosity=0)


def shell_pages(username: str) -> dict[str, str]:
    kcpd = Agency.objects.get(short_name="KCPD")
    task_force = TaskForce.objects.order_by("pk").first()
    pages = {
        "directory": "/directory/",
        "agency": f"/directory/agencies/{kcpd.pk}/",
        "task-force": f"/directory/task-forces/{task_force.slug}/",
        "profile": "/profile/",
        "security": "/account/",
        "password": "/account/password/",
        "not-found": "/no/such/page/",
    }
    if username == "kcpd.admin":
        liaison = Profile.objects.get(user__username="kcpd.liaison")
        pages |= {
            "people": "/agency/people/",
            "person": f"/agency/people/{liaison.user_id}/",
            "invite": "/agency/people/invite/",
            "audit": "/audit/",
        }
    return pages


def sign_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", settings.DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")


def assert_no_sideways_scroll(page, label: str) -> None:
    measured = page.evaluate(OVERFLOW)
    assert measured["scroll"] <= measured["width"], (label, measured)
    assert not measured["wide"], (label, measured)


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"shell-{name}.png"), full_page=True)


@pytest.mark.parametrize("username", ["kcpd.liaison", "kcpd.admin"])
@pytest.mark.parametrize("size", WIDTHS)
def test_the_shell_pages_do_not_scroll_sideways(live_server, demo, browser, username, size):
    # A long agency name and liaison name must wrap, not widen the page.
    Agency.objects.filter(short_name="KCPD").update(
        address="Headquarters-building-" * 8 + "\n1125 Locust Street"
    )
    context = browser.new_context(viewport={"width": WIDTHS[size], "height": 800})
    page = context.new_page()
    page.set_default_timeout(10_000)
    sign_in(page, live_server.url, username)
    role = username.split(".")[1]
    for name, path in shell_pages(username).items():
        page.goto(f"{live_server.url}{path}")
        assert page.locator("header.topbar").is_visible()
        assert_no_sideways_scroll(page, f"{name} at {size} as {username}")
        shot(page, f"{name}-{role}-{size}")
    context.close()


def test_sign_in_pages_do_not_scroll_sideways_on_a_phone(live_server, demo, browser):
    page = browser.new_context(viewport={"width": 375, "height": 800}).new_page()
    for name, path in {"login": "/login/", "password-reset": "/password/reset/"}.items():
        page.goto(f"{live_server.url}{path}")
        assert_no_sideways_scroll(page, name)
        shot(page, f"{name}-phone")


def test_on_a_phone_the_menu_folds_and_opens_without_javascript(live_server, demo, browser):
    context = browser.new_context(viewport={"width": 375, "height": 800}, java_script_enabled=False)
    page = context.new_page()
    sign_in(page, live_server.url, "kcpd.admin")
    page.goto(f"{live_server.url}/directory/")
    assert not page.locator("nav.mainnav").is_visible()
    menu = page.locator("details.navmenu")
    assert menu.is_visible()
    assert not menu.get_by_role("link", name="People").is_visible()
    menu.locator("summary").click()
    assert menu.get_by_role("link", name="People").is_visible()
    assert_no_sideways_scroll(page, "open menu")
    shot(page, "menu-open-phone")
    menu.get_by_role("link", name="Your profile").click()
    page.wait_for_url("**/profile/")
    context.close()


def test_on_a_desktop_the_nav_is_in_the_bar_and_the_menu_is_not(live_server, demo, page):
    sign_in(page, live_server.url, "kcpd.admin")
    assert page.locator("nav.mainnav").is_visible()
    assert not page.locator("details.navmenu").is_visible()
    page.locator("a.who").click()
    page.wait_for_url("**/profile/")


def test_the_live_feed_writes_24_hour_times_with_the_viewers_zone(live_server, demo, page):
    Profile.objects.filter(user__username="kcpd.liaison").update(time_zone="America/Denver")
    sign_in(page, live_server.url, "kcpd.liaison")
    # A note on a shared case puts an event in the agency's recent feed.
    page.goto(f"{live_server.url}/cases/")
    page.locator("table a").first.click()
    page.fill("#id_body", "Feed time check")
    page.click("button:has-text('Add note')")
    page.goto(f"{live_server.url}/")
    assert page.locator("body").get_attribute("data-time-zone") == "America/Denver"
    times = page.locator("#live-feed time")
    times.first.wait_for()
    texts = times.all_text_contents()
    assert texts
    for text in texts:
        assert re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d M[SD]T", text), text
    # Nothing new arrived since the page loaded: the unread badge stays out of sight.
    assert not page.locator("#unseen-count").is_visible()
    shot(page, "dashboard-feed-times")
