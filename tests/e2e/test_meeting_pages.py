"""The meeting pages in a real browser, at a phone's width (375 px) and a desktop's
(1280 px): the month and the week, a meeting, the schedule form with its recurrence picker,
the cancel confirmation and the subscription page. No page scrolls sideways, logs a console
error or asks another host for anything. Screenshots go to test-artifacts/."""

from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.core.management import call_command

from meetings.models import Meeting

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WIDTHS = [375, 1280]


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", verbosity=0)


@pytest.fixture
def watched(page, live_server):
    """The page, with the console errors it logs and the other hosts it asks, to check."""
    problems = []
    host = urlparse(live_server.url).netloc
    page.on("console", lambda m: m.type == "error" and problems.append(f"console: {m.text}"))
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))

    def on_request(request):
        url = urlparse(request.url)
        if url.scheme in ("http", "https", "ws", "wss") and url.netloc != host:
            problems.append(f"request to another host: {request.url}")

    page.on("request", on_request)
    page.problems = problems
    return page


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", settings.DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    # The dashboard's live socket needs the ASGI server (tests/e2e/server.py); this WSGI
    # live server refuses it. The pages checked here are the meeting pages.
    page.goto(f"{live_server.url}/meetings/")
    page.problems.clear()


def check(page, screenshot, name: str, width: int) -> None:
    """No sideways scrolling and no element wider than the window; then a screenshot."""
    page.wait_for_load_state("load")
    scroll_width, inner_width = page.evaluate(
        "[document.documentElement.scrollWidth, window.innerWidth]"
    )
    wide = page.evaluate(
        """() => [...document.querySelectorAll('body *')]
        .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1)
        .slice(0, 5).map((e) => `${e.tagName}.${e.className} ${e.getBoundingClientRect().right}`)"""
    )
    assert scroll_width <= inner_width, f"{name} at {width} px scrolls sideways: {wide}"
    screenshot(f"meetings-{name}-{width}")
    assert not page.problems, page.problems


@pytest.mark.parametrize("width", WIDTHS)
def test_a_coordinators_meeting_pages_fit_the_screen(live_server, demo, watched, screenshot, width):
    page = watched
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, live_server, "fbi.coordinator")
    monthly = Meeting.objects.get(title="Monthly task force meeting")

    page.goto(f"{live_server.url}/meetings/")
    assert page.locator("td[aria-current=date]").count() == 1
    check(page, screenshot, "month", width)
    page.click("a:has-text('Week')")
    page.wait_for_url("**view=week**")
    check(page, screenshot, "week", width)
    grid, lists = page.locator(".week-grid"), page.locator(".week-list")
    assert (grid.is_visible(), lists.is_visible()) == (
        (False, True) if width < 700 else (True, False)
    )

    page.goto(f"{live_server.url}{monthly.get_absolute_url()}")
    assert page.text_content("dd.recurrence") == "Monthly on the second Tuesday"
    check(page, screenshot, "meeting", width)

    page.click("[data-meeting-cancel]")
    page.wait_for_url(f"**/meetings/{monthly.pk}/cancel/")
    assert "Kansas City Missouri Police Department" in page.text_content(".consequences")
    check(page, screenshot, "cancel-confirmation", width)
    page.click("text=Keep the meeting")
    page.wait_for_url(f"**/meetings/{monthly.pk}/")

    page.locator("details.inline-details summary").first.click()
    page.locator("[data-occurrence-cancel]").first.click()
    page.wait_for_url("**/occurrence/**")
    check(page, screenshot, "occurrence-cancel-confirmation", width)

    page.goto(f"{live_server.url}/calendar/")
    page.click("text=Create my subscription address")
    page.wait_for_url("**/calendar/")
    assert page.locator("[data-copy-target]").is_visible()
    assert page.get_attribute("[data-webcal]", "href").startswith("webcal://")
    check(page, screenshot, "subscription", width)
    assert Meeting.objects.get(pk=monthly.pk).status == "scheduled"


@pytest.mark.parametrize("width", WIDTHS)
def test_the_picker_schedules_a_monthly_second_tuesday_meeting(
    live_server, demo, watched, screenshot, width
):
    page = watched
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, live_server, "fbi.coordinator")
    page.goto(f"{live_server.url}/meetings/new/")
    # Without a repetition the picker shows only its choice.
    assert not page.locator("[data-when-repeat=monthly]").is_visible()
    check(page, screenshot, "schedule-form", width)

    title = f"Prosecutors' roundtable {width}"
    page.fill("#id_title", title)
    page.fill("#id_starts_at", "2027-01-12T09:00")
    page.fill("#id_ends_at", "2027-01-12T10:00")
    page.select_option("#id_repeat", "monthly")
    assert page.locator("[data-when-repeat=monthly]").is_visible()
    assert not page.locator("[data-when-repeat=weekly]").is_visible()
    page.check("input[name=monthly_by][value=weekday]")
    page.select_option("#id_month_position", "2")
    page.select_option("#id_month_weekday", "TU")
    page.check("input[name=ends][value=after]")
    page.fill("#id_count", "6")
    check(page, screenshot, "schedule-form-monthly", width)
    page.click("button:has-text('Schedule')")
    page.wait_for_url("**/meetings/*/")

    meeting = Meeting.objects.get(title=title)
    assert meeting.recurrence == "FREQ=MONTHLY;BYDAY=2TU;COUNT=6"
    assert page.text_content("dd.recurrence") == "Monthly on the second Tuesday, 6 times"


@pytest.mark.parametrize("width", WIDTHS)
def test_a_liaisons_meeting_pages_fit_the_screen(live_server, demo, watched, screenshot, width):
    page = watched
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, live_server, "kcpd.liaison")
    past = Meeting.objects.get(title__startswith="Human trafficking prevention training")
    upcoming = Meeting.objects.get(title__startswith="Victim-centered")

    page.goto(f"{live_server.url}/meetings/")
    check(page, screenshot, "month-liaison", width)
    page.goto(f"{live_server.url}/meetings/?view=week")
    check(page, screenshot, "week-liaison", width)

    # The seeds' March 2026 training is over: no Register button, the reason instead.
    page.goto(f"{live_server.url}{past.get_absolute_url()}")
    assert page.locator("[data-register]").count() == 0
    assert page.locator(".registration-closed").is_visible()
    check(page, screenshot, "past-training", width)

    page.goto(f"{live_server.url}{upcoming.get_absolute_url()}")
    assert page.locator("[data-register]").is_visible()
    check(page, screenshot, "upcoming-training", width)
