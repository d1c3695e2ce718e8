"""The dashboard page: only what the person's agency was given, and the one-click answer."""

import json

import pytest
from django.test import Client

from cases import services
from cases.models import NoteVisibility

pytestmark = pytest.mark.django_db


def page(world, persona) -> str:
    client = Client()
    client.force_login(world.user(persona))
    return client.get("/").content.decode()


def recent_events(html: str) -> list[dict]:
    start = html.index('<script id="recent-events" type="application/json">') + len(
        '<script id="recent-events" type="application/json">'
    )
    return json.loads(html[start : html.index("</script>", start)])


def test_the_dashboard_lists_the_agencys_cases_and_feed(case_world):
    html = page(case_world, "viewer")
    assert "Motel corridor investigation" in html
    kinds = [event["kind"] for event in recent_events(html)]
    assert "case.note_added" in kinds
    assert "CI-7" not in html


@pytest.mark.parametrize("persona", ["member", "other"])
def test_agencies_without_access_see_nothing_of_the_case(case_world, persona):
    services.note_add(
        actor=case_world.user("manager"),
        case=case_world.case,
        body="fresh note",
        visibility=NoteVisibility.CASE,
    )
    html = page(case_world, persona)
    assert "Motel corridor" not in html
    assert "fresh note" not in html
    assert recent_events(html) == []


def test_the_feed_is_safe_to_render(case_world):
    services.note_add(
        actor=case_world.user("manager"),
        case=case_world.case,
        body="</script><script>alert(1)</script>",
    )
    html = page(case_world, "viewer")
    assert "</script><script>alert(1)" not in html
    bodies = [e["payload"].get("note", {}).get("body", "") for e in recent_events(html)]
    assert any("alert(1)" in body for body in bodies)


def test_the_dashboard_loads_its_live_script(case_world):
    html = page(case_world, "viewer")
    assert "crossroads/dashboard.js" in html
    assert 'data-last-event-id="' in html


def test_an_answer_from_the_dashboard_goes_back_to_it(meeting_world):
    meeting = meeting_world
    client = Client()
    client.force_login(meeting.user("invited"))
    response = client.post(
        f"/meetings/{meeting.meeting.pk}/rsvp/", {"response": "accepted", "next": "/"}
    )
    assert response["Location"] == "/"
    response = client.post(
        f"/meetings/{meeting.meeting.pk}/rsvp/",
        {"response": "accepted", "next": "https://evil.example/"},
    )
    assert response["Location"] == f"/meetings/{meeting.meeting.pk}/"


@pytest.mark.parametrize(("persona", "shown"), [("invited", True), ("uninvited", False)])
def test_upcoming_meetings_are_the_agencys_own(meeting_world, persona, shown):
    import datetime as dt

    from django.utils import timezone

    from meetings import services as meeting_services

    soon = timezone.now() + dt.timedelta(days=3)
    meeting_services.meeting_schedule(
        actor=meeting_world.user("coordinator"),
        task_force=meeting_world.task_force,
        title="Deconfliction this week",
        kind="case_review",
        starts_at=soon,
        ends_at=soon + dt.timedelta(hours=1),
        invited_agencies=[meeting_world.agencies["invited"]],
    )
    client = Client()
    client.force_login(meeting_world.user(persona))
    html = client.get("/").content.decode()
    assert ("Deconfliction this week" in html) == shown
    if shown:
        assert 'name="response" value="accepted"' in html
