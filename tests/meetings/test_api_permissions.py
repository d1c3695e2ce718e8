"""Every meeting endpoint, tried by every persona: the exact status, nothing leaked."""

import pytest
from rest_framework.test import APIClient

from tests.conftest import bearer_client
from tests.personas import api_client
from tests.snapshots import REFUSALS, assert_unchanged, database_state

pytestmark = pytest.mark.django_db

PERSONAS = [
    "coordinator",
    "invited",
    "invited_member",
    "member",
    "other",
    "anonymous",
    "read_token",
]


def client_for(personas, persona) -> APIClient:
    if persona == "read_token":
        # A read-only token of the invited agency's liaison.
        return bearer_client(personas.user("invited"), scope="read")
    return api_client(personas, persona)


def _m(meeting):
    return f"/api/v1/meetings/{meeting.pk}/"


ENDPOINTS = {
    "detail": (
        "get",
        _m,
        None,
        dict(
            coordinator=200,
            invited=200,
            invited_member=200,
            member=404,
            other=404,
            anonymous=401,
            read_token=200,
        ),
    ),
    "ics": (
        "get",
        lambda m: f"{_m(m)[:-1]}/ics",
        None,
        dict(
            coordinator=200,
            invited=200,
            invited_member=200,
            member=404,
            other=404,
            anonymous=401,
            read_token=200,
        ),
    ),
    "change": (
        "patch",
        _m,
        lambda m: {"agenda": "New agenda"},
        dict(
            coordinator=200,
            invited=403,
            invited_member=403,
            member=404,
            other=404,
            anonymous=401,
            read_token=403,
        ),
    ),
    "cancel": (
        "delete",
        _m,
        None,
        dict(
            coordinator=200,
            invited=403,
            invited_member=403,
            member=404,
            other=404,
            anonymous=401,
            read_token=403,
        ),
    ),
    "rsvp": (
        "post",
        lambda m: f"{_m(m)}rsvp/",
        lambda m: {"response": "accepted"},
        dict(
            coordinator=403,
            invited=200,
            invited_member=403,
            member=404,
            other=404,
            anonymous=401,
            read_token=403,
        ),
    ),
    "cancel occurrence": (
        "post",
        lambda m: f"{_m(m)}occurrences/",
        lambda m: {"original_start": "2026-10-27T09:00:00-05:00", "action": "cancel"},
        dict(
            coordinator=200,
            invited=403,
            invited_member=403,
            member=404,
            other=404,
            anonymous=401,
            read_token=403,
        ),
    ),
    "registrations": (
        "get",
        lambda m: f"{_m(m)}registrations/",
        None,
        dict(
            coordinator=200,
            invited=200,
            invited_member=200,
            member=404,
            other=404,
            anonymous=401,
            read_token=200,
        ),
    ),
    "roster": (
        "get",
        lambda m: f"{_m(m)}roster.csv",
        None,
        dict(
            coordinator=200,
            invited=403,
            invited_member=403,
            member=404,
            other=404,
            anonymous=401,
            read_token=403,
        ),
    ),
}


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("endpoint", list(ENDPOINTS))
def test_each_persona_gets_exactly_its_status(personas, weekly_meeting, endpoint, persona):
    method, url, body, expected = ENDPOINTS[endpoint]
    client = client_for(personas, persona)
    kwargs = {"format": "json"}
    if body is not None:
        kwargs["data"] = body(weekly_meeting)
    before = database_state()
    response = getattr(client, method)(url(weekly_meeting), **kwargs)
    assert response.status_code == expected[persona], response.content
    if method != "get" and expected[persona] in REFUSALS:
        assert_unchanged(before)
    if response.status_code >= 400:
        assert b"Weekly deconfliction" not in response.content
        assert b"Targets and overlaps" not in response.content


@pytest.mark.parametrize("persona", ["member", "other"])
def test_uninvited_agencies_do_not_find_the_meeting_in_lists(personas, weekly_meeting, persona):
    body = (
        client_for(personas, persona)
        .get("/api/v1/meetings/?from=2026-10-01T00:00:00Z&to=2027-01-01T00:00:00Z")
        .json()
    )
    assert body["results"] == []


def test_only_coordinators_schedule(personas):
    payload = {
        "title": "Case review",
        "task_force": personas.task_force.pk,
        "kind": "case_review",
        "starts_at": "2026-12-01T15:00:00Z",
        "ends_at": "2026-12-01T16:00:00Z",
    }
    assert (
        client_for(personas, "invited")
        .post("/api/v1/meetings/", payload, format="json")
        .status_code
        == 403
    )
    created = client_for(personas, "coordinator").post("/api/v1/meetings/", payload, format="json")
    assert created.status_code == 201
    assert created.json()["conflicts"] == []
    assert created.json()["timezone"] == "America/Chicago"
