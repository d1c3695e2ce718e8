"""The permission matrix: every case and note endpoint, tried by every persona."""

import pytest
from rest_framework.test import APIClient

from tests.conftest import bearer_client

pytestmark = pytest.mark.django_db

PERSONAS = [
    "manager",
    "contributor",
    "viewer",
    "excluded",
    "member",
    "other",
    "anonymous",
    "read_token",
]


def client_for(world, persona) -> APIClient:
    if persona == "anonymous":
        return APIClient()
    if persona == "read_token":
        # A read-only token of the managing agency's liaison.
        return bearer_client(world.user("manager"), scope="read")
    client = APIClient()
    client.force_login(world.user(persona))
    return client


def _case(w):
    return f"/api/v1/cases/{w.case.pk}/"


ENDPOINTS = {
    # name: (method, url(world), body(world), {persona: status})
    "case detail": (
        "get",
        _case,
        None,
        dict(
            manager=200,
            contributor=200,
            viewer=200,
            excluded=200,
            member=404,
            other=404,
            anonymous=401,
            read_token=200,
        ),
    ),
    "case edit": (
        "patch",
        _case,
        lambda w: {"priority": "high"},
        dict(
            manager=200,
            contributor=403,
            viewer=403,
            excluded=403,
            member=404,
            other=404,
            anonymous=401,
            read_token=403,
        ),
    ),
    "access list": (
        "get",
        lambda w: f"{_case(w)}access/",
        None,
        dict(
            manager=200,
            contributor=200,
            viewer=200,
            excluded=200,
            member=404,
            other=404,
            anonymous=401,
            read_token=200,
        ),
    ),
    "share": (
        "post",
        lambda w: f"{_case(w)}access/",
        lambda w: {"agency": w.agencies["member"].pk, "level": "view", "purpose": "Request 12"},
        dict(
            manager=201,
            contributor=403,
            viewer=403,
            excluded=403,
            member=404,
            other=404,
            anonymous=401,
            read_token=403,
        ),
    ),
    "unshare": (
        "delete",
        lambda w: f"{_case(w)}access/{w.agencies['viewer'].pk}/",
        None,
        dict(
            manager=204,
            contributor=403,
            viewer=403,
            excluded=403,
            member=404,
            other=404,
            anonymous=401,
            read_token=403,
        ),
    ),
    "access report": (
        "get",
        lambda w: f"{_case(w)}access-report/",
        None,
        dict(
            manager=200,
            contributor=403,
            viewer=403,
            excluded=403,
            member=404,
            other=404,
            anonymous=401,
            read_token=200,
        ),
    ),
    "notes list": (
        "get",
        lambda w: f"{_case(w)}notes/",
        None,
        dict(
            manager=200,
            contributor=200,
            viewer=200,
            excluded=200,
            member=404,
            other=404,
            anonymous=401,
            read_token=200,
        ),
    ),
    "add note": (
        "post",
        lambda w: f"{_case(w)}notes/",
        lambda w: {"body": "Follow-up interview done."},
        dict(
            manager=201,
            contributor=201,
            viewer=403,
            excluded=201,
            member=404,
            other=404,
            anonymous=401,
            read_token=403,
        ),
    ),
    "open note": (
        "get",
        lambda w: f"/api/v1/notes/{w.open_note.pk}/",
        None,
        dict(
            manager=200,
            contributor=200,
            viewer=200,
            excluded=200,
            member=404,
            other=404,
            anonymous=401,
            read_token=200,
        ),
    ),
    "restricted note": (
        "get",
        lambda w: f"/api/v1/notes/{w.restricted_note.pk}/",
        None,
        dict(
            manager=200,
            contributor=200,
            viewer=404,
            excluded=404,
            member=404,
            other=404,
            anonymous=401,
            read_token=200,
        ),
    ),
    "edit restricted note": (
        "patch",
        lambda w: f"/api/v1/notes/{w.restricted_note.pk}/",
        lambda w: {"body": "CI-7 met on Wednesday."},
        dict(
            manager=403,
            contributor=200,
            viewer=404,
            excluded=404,
            member=404,
            other=404,
            anonymous=401,
            read_token=403,
        ),
    ),
    "edit open note": (
        "patch",
        lambda w: f"/api/v1/notes/{w.open_note.pk}/",
        lambda w: {"body": "Schedule moved."},
        dict(
            manager=200,
            contributor=403,
            viewer=403,
            excluded=403,
            member=404,
            other=404,
            anonymous=401,
            read_token=403,
        ),
    ),
    "redact restricted note": (
        "delete",
        lambda w: f"/api/v1/notes/{w.restricted_note.pk}/",
        lambda w: {"reason": "Posted to the wrong case"},
        dict(
            manager=200,
            contributor=200,
            viewer=404,
            excluded=404,
            member=404,
            other=404,
            anonymous=401,
            read_token=403,
        ),
    ),
    "revisions of restricted note": (
        "get",
        lambda w: f"/api/v1/notes/{w.restricted_note.pk}/revisions/",
        None,
        dict(
            manager=200,
            contributor=200,
            viewer=404,
            excluded=404,
            member=404,
            other=404,
            anonymous=401,
            read_token=200,
        ),
    ),
}

SECRETS = ["Motel corridor investigation", "Confidential informant CI-7", "Surveillance schedule"]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("endpoint", list(ENDPOINTS))
def test_each_persona_gets_exactly_its_status(case_world, endpoint, persona):
    method, url, body, expected = ENDPOINTS[endpoint]
    client = client_for(case_world, persona)
    kwargs = {"format": "json"}
    if body is not None:
        kwargs["data"] = body(case_world)
    if method == "patch":
        kwargs["HTTP_IF_MATCH"] = '"1"'
    response = getattr(client, method)(url(case_world), **kwargs)
    assert response.status_code == expected[persona], response.content
    if response.status_code >= 400:
        text = response.content.decode()
        for secret in SECRETS:
            assert secret not in text
        assert response["Content-Type"] == "application/json"


@pytest.mark.parametrize("persona", ["viewer", "excluded"])
def test_agencies_outside_a_restriction_never_receive_its_text(case_world, persona):
    client = client_for(case_world, persona)
    listed = client.get(f"/api/v1/cases/{case_world.case.pk}/notes/").content.decode()
    assert "Surveillance schedule" in listed
    assert "CI-7" not in listed
    assert str(case_world.restricted_note.pk) not in [
        str(n["id"])
        for n in client.get(f"/api/v1/cases/{case_world.case.pk}/notes/").json()["results"]
    ]


@pytest.mark.parametrize("persona", ["member", "other"])
def test_agencies_without_access_do_not_find_the_case_in_lists(case_world, persona):
    client = client_for(case_world, persona)
    body = client.get("/api/v1/cases/").json()
    assert body["results"] == []
    assert "Motel corridor" not in client.get("/api/v1/cases/?q=Motel").content.decode()


def test_membership_alone_does_not_open_a_case_sharing_does(case_world):
    client = client_for(case_world, "member")
    assert client.get(f"/api/v1/cases/{case_world.case.pk}/").status_code == 404
    manager = client_for(case_world, "manager")
    manager.post(
        f"/api/v1/cases/{case_world.case.pk}/access/",
        {"agency": case_world.agencies["member"].pk, "level": "view", "purpose": "Request"},
        format="json",
    )
    assert client.get(f"/api/v1/cases/{case_world.case.pk}/").status_code == 200


def test_revoking_access_hides_the_case_and_its_notes_at_once(case_world):
    viewer = client_for(case_world, "viewer")
    assert viewer.get(f"/api/v1/notes/{case_world.open_note.pk}/").status_code == 200
    client_for(case_world, "manager").delete(
        f"/api/v1/cases/{case_world.case.pk}/access/{case_world.agencies['viewer'].pk}/"
    )
    assert viewer.get(f"/api/v1/cases/{case_world.case.pk}/").status_code == 404
    assert viewer.get(f"/api/v1/notes/{case_world.open_note.pk}/").status_code == 404
    assert viewer.get("/api/v1/cases/").json()["results"] == []
