"""Every meeting endpoint, tried by every persona: the exact status, nothing leaked."""

import pytest
from rest_framework.test import APIClient

from tests.conftest import bearer_client

pytestmark = pytest.mark.django_db

PERSONAS = [
    "coordinator",
    "invited",
    "invited_member",
    "uninvited",
    "other",
    "anonymous",
    "read_token",
]


def client_for(world, persona) -> APIClient:
    if persona == "anonymous":
        return APIClient()
    if persona == "read_token":
        return bearer_client(world.user("invited"), scope="read")
    client = APIClient()
    client.force_login(world.user(persona))
    return client


def _m(w):
    return f"/api/v1/meetings/{w.meeting.pk}/"


ENDPOINTS = {
    "detail": (
        "get",
        _m,
        None,
        dict(
            coordinator=200,
            invited=200,
            invited_member=200,
            uninvited=404,
            other=404,
            anonymous=401,
            read_token=200,
        ),
    ),
    "ics": (
        "get",
        lambda w: f"{_m(w)[:-1]}/ics",
        None,
        dict(
            coordinator=200,
            invited=200,
            invited_member=200,
            uninvited=404,
            other=404,
            anonymous=401,
            read_token=200,
        ),
    ),
    "change": (
        "patch",
        _m,
        lambda w: {"agenda": "New agenda"},
        dict(
            coordinator=200,
            invited=403,
            invited_member=403,
            uninvited=404,
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
            uninvited=404,
            other=404,
            anonymous=401,
            read_token=403,
        ),
    ),
    "rsvp": (
        "post",
        lambda w: f"{_m(w)}rsvp/",
        lambda w: {"response": "accepted"},
        dict(
            coordinator=403,
            invited=200,
            invited_member=403,
            uninvited=404,
            other=404,
            anonymous=401,
            read_token=403,
        ),
    ),
    "cancel occurrence": (
        "post",
        lambda w: f"{_m(w)}occurrences/",
        lambda w: {"original_start": "2026-10-27T09:00:00-05:00", "action": "cancel"},
        dict(
            coordinator=200,
            invited=403,
            invited_member=403,
            uninvited=404,
            other=404,
            anonymous=401,
            read_token=403,
        ),
    ),
    "registrations": (
        "get",
        lambda w: f"{_m(w)}registrations/",
        None,
        dict(
            coordinator=200,
            invited=200,
            invited_member=200,
            uninvited=404,
            other=404,
            anonymous=401,
            read_token=200,
        ),
    ),
    "roster": (
        "get",
        lambda w: f"{_m(w)}roster.csv",
        None,
        dict(
            coordinator=200,
            invited=403,
            invited_member=403,
            uninvited=404,
            other=404,
            anonymous=401,
            read_token=403,
        ),
    ),
}


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("endpoint", list(ENDPOINTS))
def test_each_persona_gets_exactly_its_status(meeting_world, endpoint, persona):
    method, url, body, expected = ENDPOINTS[endpoint]
    kwargs = {"format": "json"}
    if body is not None:
        kwargs["data"] = body(meeting_world)
    response = getattr(client_for(meeting_world, persona), method)(url(meeting_world), **kwargs)
    assert response.status_code == expected[persona], response.content
    if response.status_code >= 400:
        assert b"Weekly deconfliction" not in response.content
        assert b"Targets and overlaps" not in response.content


@pytest.mark.parametrize("persona", ["uninvited", "other"])
def test_uninvited_agencies_do_not_find_the_meeting_in_lists(meeting_world, persona):
    body = (
        client_for(meeting_world, persona)
        .get("/api/v1/meetings/?from=2026-10-01T00:00:00Z&to=2027-01-01T00:00:00Z")
        .json()
    )
    assert body["results"] == []


def test_only_coordinators_schedule(meeting_world):
    payload = {
        "title": "Case review",
        "task_force": meeting_world.task_force.pk,
        "kind": "case_review",
        "starts_at": "2026-12-01T15:00:00Z",
        "ends_at": "2026-12-01T16:00:00Z",
    }
    assert (
        client_for(meeting_world, "invited")
        .post("/api/v1/meetings/", payload, format="json")
        .status_code
        == 403
    )
    created = client_for(meeting_world, "coordinator").post(
        "/api/v1/meetings/", payload, format="json"
    )
    assert created.status_code == 201
    assert created.json()["conflicts"] == []
    assert created.json()["timezone"] == "America/Chicago"
