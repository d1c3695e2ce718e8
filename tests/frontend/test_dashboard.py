"""The dashboard page: only what the person's agency was given, and the one-click answer."""

import datetime as dt
import json

import pytest
from django.utils import timezone

from cases.models import NoteVisibility
from tests.cases.factories import NoteFactory
from tests.meetings.factories import MeetingFactory
from tests.personas import page_client

pytestmark = pytest.mark.django_db


def page(personas, persona) -> str:
    return page_client(personas, persona).get("/").content.decode()


def recent_events(html: str) -> list[dict]:
    start = html.index('<script id="recent-events" type="application/json">') + len(
        '<script id="recent-events" type="application/json">'
    )
    return json.loads(html[start : html.index("</script>", start)])


def test_the_dashboard_lists_the_agencys_cases_and_feed(personas, shared_case, case_notes):
    html = page(personas, "viewer")
    assert "Motel corridor investigation" in html
    kinds = [event["kind"] for event in recent_events(html)]
    assert "case.note_added" in kinds
    assert "CI-7" not in html


@pytest.mark.parametrize("persona", ["member", "other"])
def test_agencies_without_access_see_nothing_of_the_case(personas, shared_case, persona):
    NoteFactory(case=shared_case, body="fresh note", visibility=NoteVisibility.CASE)
    html = page(personas, persona)
    assert "Motel corridor" not in html
    assert "fresh note" not in html
    assert recent_events(html) == []


def test_the_feed_is_safe_to_render(personas, shared_case):
    NoteFactory(case=shared_case, body="</script><script>alert(1)</script>")
    html = page(personas, "viewer")
    assert "</script><script>alert(1)" not in html
    bodies = [e["payload"].get("note", {}).get("body", "") for e in recent_events(html)]
    assert any("alert(1)" in body for body in bodies)


def test_the_dashboard_loads_its_live_script(personas):
    html = page(personas, "viewer")
    assert "crossroads/dashboard.js" in html
    assert 'data-last-event-id="' in html


def test_an_answer_from_the_dashboard_goes_back_to_it(personas, weekly_meeting):
    client = page_client(personas, "invited")
    response = client.post(
        f"/meetings/{weekly_meeting.pk}/rsvp/", {"response": "accepted", "next": "/"}
    )
    assert response["Location"] == "/"
    response = client.post(
        f"/meetings/{weekly_meeting.pk}/rsvp/",
        {"response": "accepted", "next": "https://evil.example/"},
    )
    assert response["Location"] == f"/meetings/{weekly_meeting.pk}/"


@pytest.mark.parametrize(("persona", "shown"), [("invited", True), ("member", False)])
def test_upcoming_meetings_are_the_agencys_own(personas, persona, shown):
    soon = timezone.now() + dt.timedelta(days=3)
    MeetingFactory(
        actor=personas.user("coordinator"),
        task_force=personas.task_force,
        title="Deconfliction this week",
        kind="case_review",
        starts_at=soon,
        ends_at=soon + dt.timedelta(hours=1),
        invited_agencies=[personas.agency("invited")],
    )
    html = page(personas, persona)
    assert ("Deconfliction this week" in html) == shown
    if shown:
        assert 'name="response" value="accepted"' in html
