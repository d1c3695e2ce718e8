"""Meeting pages: the same policy as the API for every persona, and the flows people use."""

from types import SimpleNamespace

import pytest
from django.contrib.messages import get_messages
from django.test import Client

from meetings import services
from meetings.models import Invitation, Meeting
from tests.agencies.factories import UserFactory
from tests.clock import soon
from tests.frontend.elements import elements
from tests.meetings.factories import (
    ActionItemFactory,
    RegistrationFactory,
    TrainingFactory,
)
from tests.personas import page_client
from tests.snapshots import REFUSALS, assert_unchanged, database_state

pytestmark = pytest.mark.django_db

PERSONAS = ["coordinator", "invited", "invited_member", "member", "other"]

PAGES = {
    "detail": (
        lambda o: f"/meetings/{o.meeting.pk}/",
        dict(coordinator=200, invited=200, invited_member=200, member=404, other=404),
    ),
    "edit": (
        lambda o: f"/meetings/{o.meeting.pk}/edit/",
        dict(coordinator=200, invited=403, invited_member=403, member=404, other=404),
    ),
    "ics": (
        lambda o: f"/meetings/{o.meeting.pk}.ics",
        dict(coordinator=200, invited=200, invited_member=200, member=404, other=404),
    ),
    "roster": (
        lambda o: f"/meetings/{o.meeting.pk}/roster.csv",
        dict(coordinator=200, invited=403, invited_member=403, member=404, other=404),
    ),
}

# Every form of the meeting pages: (url, data, {persona: status}). A 302 is the change made
# (the page goes back with no error); anonymous visitors are sent to log in.
POSTS = {
    "answer": (
        lambda o: f"/meetings/{o.meeting.pk}/rsvp/",
        lambda o: {"response": "accepted"},
        dict(coordinator=403, invited=302, invited_member=403, member=404, other=404),
    ),
    "record an answer by phone": (
        lambda o: f"/meetings/{o.meeting.pk}/rsvp/",
        lambda o: {"response": "tentative", "agency": o.agency("invited").pk},
        dict(coordinator=302, invited=403, invited_member=403, member=404, other=404),
    ),
    "change": (
        lambda o: f"/meetings/{o.meeting.pk}/edit/",
        lambda o: {
            "title": "Weekly deconfliction call",
            "kind": "task_force_meeting",
            "starts_at": "2026-10-20T09:00",
            "ends_at": "2026-10-20T10:30",
            "timezone": "America/Chicago",
            "repeat": "weekly",
            "ends": "after",
            "count": "10",
            "invited_agencies": [o.agency("manager").pk, o.agency("invited").pk],
        },
        dict(coordinator=302, invited=403, invited_member=403, member=404, other=404),
    ),
    "cancel": (
        lambda o: f"/meetings/{o.meeting.pk}/cancel/",
        lambda o: {"reason": "Moved to the field office"},
        dict(coordinator=302, invited=403, invited_member=403, member=404, other=404),
    ),
    "cancel an occurrence": (
        lambda o: f"/meetings/{o.meeting.pk}/occurrence/",
        lambda o: {"action": "cancel", "original_start": "2026-10-27T09:00"},
        dict(coordinator=302, invited=403, invited_member=403, member=404, other=404),
    ),
    "minutes": (
        lambda o: f"/meetings/{o.meeting.pk}/minutes/",
        lambda o: {"minutes": "Plates shared."},
        dict(coordinator=302, invited=403, invited_member=403, member=404, other=404),
    ),
    "add an action item": (
        lambda o: f"/meetings/{o.meeting.pk}/actions/",
        lambda o: {"description": "Send plates", "assignee_agency": o.agency("invited").pk},
        dict(coordinator=302, invited=403, invited_member=403, member=404, other=404),
    ),
    "mark an action item done": (
        lambda o: f"/meetings/{o.meeting.pk}/actions/{o.action_item.pk}/done/",
        lambda o: {"done": "1"},
        dict(coordinator=302, invited=302, invited_member=302, member=404, other=404),
    ),
    "register": (
        lambda o: f"/meetings/{o.training.pk}/register/",
        lambda o: {},
        dict(coordinator=302, invited=302, invited_member=302, member=404, other=404),
    ),
    "cancel a registration": (
        lambda o: (
            f"/meetings/{o.registration.meeting_id}/registrations/{o.registration.pk}/cancel/"
        ),
        lambda o: {},
        dict(coordinator=302, invited=404, invited_member=302, member=404, other=404),
    ),
    "schedule": (
        lambda o: "/meetings/new/",
        lambda o: {
            "task_force": o.meeting.task_force_id,
            "title": "Operation briefing",
            "kind": "operation_briefing",
            "starts_at": "2026-12-03T07:00",
            "ends_at": "2026-12-03T08:00",
            "timezone": "America/Chicago",
        },
        dict(coordinator=302, invited=404, invited_member=404, member=404, other=404),
    ),
}


client_for = page_client


def training_for_invited(personas):
    return TrainingFactory(
        actor=personas.user("coordinator"),
        task_force=personas.task_force,
        starts_at=soon(30),
        ends_at=soon(30, 16),
        invited_agencies=[personas.agency("invited")],
    )


@pytest.fixture
def objects(personas, weekly_meeting):
    """What the forms are tried on: the weekly meeting with an action item for INV, a training
    for INV, and another one its non-liaison member registered for."""
    return SimpleNamespace(
        meeting=weekly_meeting,
        action_item=ActionItemFactory(
            meeting=weekly_meeting, assignee_agency=personas.agency("invited")
        ),
        training=training_for_invited(personas),
        registration=RegistrationFactory(
            user=personas.user("invited_member"), meeting=training_for_invited(personas)
        ),
        agency=personas.agency,
    )


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("page", list(PAGES))
def test_each_persona_gets_exactly_its_page_status(personas, weekly_meeting, page, persona):
    url, expected = PAGES[page]
    response = client_for(personas, persona).get(url(SimpleNamespace(meeting=weekly_meeting)))
    assert response.status_code == expected[persona]
    if response.status_code != 200:
        assert b"Weekly deconfliction" not in response.content


@pytest.mark.parametrize("persona", [*PERSONAS, "anonymous"])
@pytest.mark.parametrize("action", list(POSTS))
def test_each_persona_gets_exactly_its_form_status(personas, objects, action, persona):
    url, data, expected = POSTS[action]
    client = client_for(personas, persona)
    before = database_state()
    response = client.post(url(objects), data(objects))
    if persona == "anonymous":
        assert response.status_code == 302 and "/login/" in response["Location"]
        assert_unchanged(before)
        return
    assert response.status_code == expected[persona], response.content[:2000]
    if expected[persona] in REFUSALS:
        assert_unchanged(before)
        assert b"Weekly deconfliction" not in response.content
    else:
        levels = [m.level_tag for m in get_messages(response.wsgi_request)]
        assert "error" not in levels, [str(m) for m in get_messages(response.wsgi_request)]


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_month_shows_the_meeting_only_to_whom_it_was_given(personas, weekly_meeting, persona):
    page = client_for(personas, persona).get("/meetings/?month=2026-11").content.decode()
    visible = persona in {"coordinator", "invited", "invited_member"}
    assert ("Weekly deconfliction call" in page) == visible


def test_a_liaison_answers_from_the_page(personas, weekly_meeting):
    client = client_for(personas, "invited")
    response = client.post(
        f"/meetings/{weekly_meeting.pk}/rsvp/",
        {"response": "declined", "note": "Court that day"},
    )
    assert response.status_code == 302
    invitation = Invitation.objects.get(agency=personas.agency("invited"))
    assert (invitation.response, invitation.note) == ("declined", "Court that day")


def test_an_uninvited_liaison_cannot_answer(personas, weekly_meeting):
    response = client_for(personas, "member").post(
        f"/meetings/{weekly_meeting.pk}/rsvp/", {"response": "accepted"}
    )
    assert response.status_code == 404


def test_scheduling_from_the_page_reads_times_in_the_meetings_zone(personas):
    client = client_for(personas, "coordinator")
    response = client.post(
        "/meetings/new/",
        {
            "task_force": personas.task_force.pk,
            "title": "Operation briefing",
            "kind": "operation_briefing",
            "starts_at": "2026-12-03T07:00",
            "ends_at": "2026-12-03T08:00",
            "timezone": "America/Chicago",
            "invited_agencies": [personas.agency("invited").pk],
            "confidential": "on",
        },
    )
    assert response.status_code == 302, response.content
    meeting = Meeting.objects.get(title="Operation briefing")
    assert meeting.starts_at.isoformat() == "2026-12-03T13:00:00+00:00"
    assert meeting.confidential


def test_a_bad_schedule_form_explains_and_saves_nothing(personas):
    count = Meeting.objects.count()
    response = client_for(personas, "coordinator").post(
        "/meetings/new/",
        {
            "task_force": personas.task_force.pk,
            "title": "Backwards",
            "kind": "other",
            "starts_at": "2026-12-03T09:00",
            "ends_at": "2026-12-03T08:00",
            "timezone": "America/Chicago",
            "repeat": "weekly",
        },
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "must end after it starts" in text
    assert Meeting.objects.count() == count


def test_people_who_coordinate_nothing_cannot_open_the_schedule_form(personas):
    assert client_for(personas, "invited").get("/meetings/new/").status_code == 404


def test_the_subscription_page_creates_and_replaces_the_url(personas):
    client = client_for(personas, "invited")
    assert client.get("/calendar/").context["feed_url"] is None
    client.post("/calendar/")
    first = client.get("/calendar/").context["feed_url"]
    assert "/calendar/feed/" in first
    client.post("/calendar/")
    second = client.get("/calendar/").context["feed_url"]
    assert "/calendar/feed/" in second and second != first
    assert Client().get(first.removeprefix("http://testserver")).status_code == 404


def test_the_week_view_lists_the_weeks_occurrences(personas, weekly_meeting):
    page = client_for(personas, "invited").get("/meetings/?view=week&week=2026-11-04")
    link = weekly_meeting.get_absolute_url()
    placed = [a for a in elements(page.content, "a", cls="wg-event") if a.attrs["href"] == link]
    listed = elements(page.content, "li", cls="week-item")
    assert len(placed) == 1 and "Weekly deconfliction call" in placed[0].text
    assert len(listed) == 1 and "Weekly deconfliction call" in listed[0].text
    hidden = client_for(personas, "member").get("/meetings/?view=week&week=2026-11-04")
    assert "Weekly deconfliction call" not in hidden.content.decode()


def test_the_meeting_page_shows_its_history_in_words_and_names(personas, weekly_meeting):
    services.meeting_cancel(actor=personas.user("coordinator"), meeting=weekly_meeting)
    page = client_for(personas, "invited").get(f"/meetings/{weekly_meeting.pk}/").content
    entries = elements(page, "li", cls="history-entry")
    whats = [e.text for e in elements(page, "span", cls="history-what")]
    whos = {e.text for e in elements(page, "span", cls="history-who")}
    assert whats == ["Cancelled", "Scheduled"]
    coordinator = personas.user("coordinator")
    assert whos == {f"{coordinator.get_full_name()}, {personas.agency('coordinator').name}"}
    assert coordinator.username not in " ".join(e.text for e in entries)
    assert "meeting." not in " ".join(e.text for e in entries)


@pytest.mark.parametrize("page", list(PAGES))
def test_anonymous_visitors_are_sent_to_log_in(personas, weekly_meeting, page):
    url, _ = PAGES[page]
    response = Client().get(url(SimpleNamespace(meeting=weekly_meeting)))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_admin_lists_meetings_and_events_without_their_content(personas, weekly_meeting):
    services.meeting_update(
        actor=personas.user("coordinator"), meeting=weekly_meeting, confidential=True
    )
    client = Client()
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    for url in (
        "/admin/meetings/meeting/",
        f"/admin/meetings/meeting/{weekly_meeting.pk}/change/",
        "/admin/meetings/registration/",
        "/admin/activity/event/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert b"Weekly deconfliction" not in response.content
        assert b"Targets and overlaps" not in response.content


# What each persona may read of a meeting's history: an open training is seen by every
# agency, but who registered is for the coordinators and the person registered only.
HISTORY = {
    "coordinator": {"meeting.scheduled", "training.registered"},
    "invited": {"meeting.scheduled"},
    "invited_member": {"meeting.scheduled", "training.registered"},
    "member": {"meeting.scheduled"},
    "other": {"meeting.scheduled"},
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_history_shows_each_viewer_only_what_the_policy_lets_it_see(personas, persona):
    training = TrainingFactory(
        actor=personas.user("coordinator"),
        task_force=personas.task_force,
        title="Interdiction training",
        starts_at=soon(6),
        ends_at=soon(6, 16),
        invited_agencies=[personas.agency("invited")],
        open_to_all=True,
    )
    RegistrationFactory(user=personas.user("invited_member"), meeting=training)
    response = client_for(personas, persona).get(f"/meetings/{training.pk}/")
    assert response.status_code == 200
    assert {record.action for record, _ in response.context["history"]} == HISTORY[persona]
