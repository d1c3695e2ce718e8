"""The meetings API refuses what the pages refuse, with the same clear messages: too long
texts, bad rules in words a person can act on, and answers that keep what was not sent."""

import pytest
from rest_framework.test import APIClient

from meetings.models import Invitation, MeetingStatus
from tests.snapshots import assert_unchanged, database_state

pytestmark = pytest.mark.django_db


def api(personas, persona="coordinator") -> APIClient:
    client = APIClient()
    client.force_login(personas.user(persona))
    return client


def payload(personas, **overrides) -> dict:
    return {
        "title": "Deconfliction",
        "task_force": personas.task_force.pk,
        "kind": "task_force_meeting",
        "starts_at": "2027-01-12T15:00:00Z",
        "ends_at": "2027-01-12T16:00:00Z",
        **overrides,
    }


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", "x" * 5000),
        ("agenda", "a" * 5001),
        ("location", "l" * 301),
        ("topics", "t" * 2001),
        ("video_url", "https://example.org/" + "v" * 500),
    ],
)
def test_a_too_long_text_is_a_400_that_names_the_field_and_writes_nothing(personas, field, value):
    client = api(personas)
    before = database_state()
    response = client.post("/api/v1/meetings/", payload(personas, **{field: value}), format="json")
    assert response.status_code == 400
    assert field in response.json()["fields"]
    assert_unchanged(before)


def test_too_long_minutes_over_the_api_change_nothing(personas, weekly_meeting):
    client = api(personas)
    before = database_state()
    response = client.patch(
        f"/api/v1/meetings/{weekly_meeting.pk}/", {"minutes": "m" * 20001}, format="json"
    )
    assert response.status_code == 400 and "minutes" in response.json()["fields"]
    assert_unchanged(before)


def test_a_too_long_cancellation_reason_is_a_400(personas, weekly_meeting):
    client = api(personas)
    before = database_state()
    response = client.delete(
        f"/api/v1/meetings/{weekly_meeting.pk}/", {"reason": "r" * 501}, format="json"
    )
    assert response.status_code == 400 and "reason" in response.json()["fields"]
    assert_unchanged(before)
    weekly_meeting.refresh_from_db()
    assert weekly_meeting.status == MeetingStatus.SCHEDULED


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=WEEKLY;BYDAY",
        "FREQ=WEEKLY;;COUNT=2",
        "BYDAY=TU",
        "FREQ=WEEKLY;BYDAY=TU,",
        "FREQ=MONTHLY;BYDAY=2TU;UNTIL=2027",
        "FREQ=NEVER",
        "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30",
    ],
)
def test_a_bad_rule_is_a_400_in_words(personas, rule):
    client = api(personas)
    before = database_state()
    response = client.post("/api/v1/meetings/", payload(personas, recurrence=rule), format="json")
    assert response.status_code == 400
    message = response.json()["fields"]["recurrence"][0]
    assert "unpack" not in message and "Error" not in message
    assert_unchanged(before)


def test_an_answer_without_a_note_keeps_the_agencys_note(personas, weekly_meeting):
    client = api(personas, "invited")
    url = f"/api/v1/meetings/{weekly_meeting.pk}/rsvp/"
    client.post(url, {"response": "tentative", "note": "Court", "attendees": "Det. Ruiz"})
    response = client.post(url, {"response": "accepted"}, format="json")
    assert response.status_code == 200
    invitation = Invitation.objects.get(meeting=weekly_meeting, agency=personas.agency("invited"))
    assert (invitation.response, invitation.note, invitation.attendees) == (
        "accepted",
        "Court",
        "Det. Ruiz",
    )


def test_a_too_long_answer_note_is_a_400(personas, weekly_meeting):
    response = api(personas, "invited").post(
        f"/api/v1/meetings/{weekly_meeting.pk}/rsvp/",
        {"response": "accepted", "note": "n" * 501},
        format="json",
    )
    assert response.status_code == 400 and "note" in response.json()["fields"]
