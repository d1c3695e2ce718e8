"""The permission matrix: every case and note endpoint, tried by every persona."""

from types import SimpleNamespace

import pytest
from rest_framework.test import APIClient

from tests.conftest import bearer_client
from tests.personas import api_client
from tests.snapshots import REFUSALS, assert_unchanged, database_state

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


def client_for(personas, persona) -> APIClient:
    if persona == "read_token":
        # A read-only token of the managing agency's liaison.
        return bearer_client(personas.user("manager"), scope="read")
    return api_client(personas, persona)


@pytest.fixture
def objects(personas, shared_case, case_notes):
    """What the matrix tries: the shared case, its notes and the personas' agencies."""
    return SimpleNamespace(
        case=shared_case,
        open_note=case_notes.open,
        restricted_note=case_notes.restricted,
        agency=personas.agency,
    )


def _case(o):
    return f"/api/v1/cases/{o.case.pk}/"


ENDPOINTS = {
    # name: (method, url(objects), body(objects), {persona: status})
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
        lambda o: {"priority": "high"},
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
        lambda o: f"{_case(o)}access/",
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
        lambda o: f"{_case(o)}access/",
        lambda o: {"agency": o.agency("member").pk, "level": "view", "purpose": "Request 12"},
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
        lambda o: f"{_case(o)}access/{o.agency('viewer').pk}/",
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
        lambda o: f"{_case(o)}access-report/",
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
        lambda o: f"{_case(o)}notes/",
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
        lambda o: f"{_case(o)}notes/",
        lambda o: {"body": "Follow-up interview done."},
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
        lambda o: f"/api/v1/notes/{o.open_note.pk}/",
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
        lambda o: f"/api/v1/notes/{o.restricted_note.pk}/",
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
        lambda o: f"/api/v1/notes/{o.restricted_note.pk}/",
        lambda o: {"body": "CI-7 met on Wednesday."},
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
        lambda o: f"/api/v1/notes/{o.open_note.pk}/",
        lambda o: {"body": "Schedule moved."},
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
        lambda o: f"/api/v1/notes/{o.restricted_note.pk}/",
        lambda o: {"reason": "Posted to the wrong case"},
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
        lambda o: f"/api/v1/notes/{o.restricted_note.pk}/revisions/",
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
def test_each_persona_gets_exactly_its_status(personas, objects, endpoint, persona):
    method, url, body, expected = ENDPOINTS[endpoint]
    client = client_for(personas, persona)
    kwargs = {"format": "json"}
    if body is not None:
        kwargs["data"] = body(objects)
    if method == "patch" and endpoint.endswith("note"):
        kwargs["HTTP_IF_MATCH"] = '"1"'  # a note's edit requires it; a case's takes it if sent
    before = database_state()
    response = getattr(client, method)(url(objects), **kwargs)
    assert response.status_code == expected[persona], response.content
    if method != "get" and expected[persona] in REFUSALS:
        assert_unchanged(before)
    if response.status_code >= 400:
        text = response.content.decode()
        for secret in SECRETS:
            assert secret not in text
        assert response["Content-Type"] == "application/json"


@pytest.mark.parametrize("persona", ["viewer", "excluded"])
def test_agencies_outside_a_restriction_never_receive_its_text(
    personas, shared_case, case_notes, persona
):
    client = client_for(personas, persona)
    listed = client.get(f"/api/v1/cases/{shared_case.pk}/notes/").content.decode()
    assert "Surveillance schedule" in listed
    assert "CI-7" not in listed
    assert str(case_notes.restricted.pk) not in [
        str(n["id"]) for n in client.get(f"/api/v1/cases/{shared_case.pk}/notes/").json()["results"]
    ]


@pytest.mark.parametrize("persona", ["member", "other"])
def test_agencies_without_access_do_not_find_the_case_in_lists(personas, shared_case, persona):
    client = client_for(personas, persona)
    body = client.get("/api/v1/cases/").json()
    assert body["results"] == []
    assert "Motel corridor" not in client.get("/api/v1/cases/?q=Motel").content.decode()


def test_membership_alone_does_not_open_a_case_sharing_does(personas, shared_case):
    client = client_for(personas, "member")
    assert client.get(f"/api/v1/cases/{shared_case.pk}/").status_code == 404
    manager = client_for(personas, "manager")
    manager.post(
        f"/api/v1/cases/{shared_case.pk}/access/",
        {"agency": personas.agency("member").pk, "level": "view", "purpose": "Request"},
        format="json",
    )
    assert client.get(f"/api/v1/cases/{shared_case.pk}/").status_code == 200


def test_revoking_access_hides_the_case_and_its_notes_at_once(personas, shared_case, case_notes):
    viewer = client_for(personas, "viewer")
    assert viewer.get(f"/api/v1/notes/{case_notes.open.pk}/").status_code == 200
    client_for(personas, "manager").delete(
        f"/api/v1/cases/{shared_case.pk}/access/{personas.agency('viewer').pk}/"
    )
    assert viewer.get(f"/api/v1/cases/{shared_case.pk}/").status_code == 404
    assert viewer.get(f"/api/v1/notes/{case_notes.open.pk}/").status_code == 404
    assert viewer.get("/api/v1/cases/").json()["results"] == []
