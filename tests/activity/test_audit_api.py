"""GET /api/v1/audit/: agency admins read their own agency's records and nobody else's;
superusers read all; everyone else is refused. Filters, cursor pages, the error shape,
values that never leave, and a query count that does not grow with the trail."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from activity.models import AuditRecord
from agencies.services import agency_set_active
from cases import services as case_services
from tests.activity.audit_world import build_audit_world
from tests.agencies.factories import AgencyFactory, person
from tests.conftest import bearer_client

pytestmark = pytest.mark.django_db

URL = "/api/v1/audit/"


@pytest.fixture
def world(db):
    world = build_audit_world()
    # Agency B's people leave records of their own: a read of the case it was given.
    case_services.case_share(
        actor=world.liaison_a, case=world.case, agency=world.b, level="view", purpose="Joint op"
    )
    case_services.case_record_read(actor=world.liaison_b, case=world.case)
    return world


def api(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def read_all(client, query: str = "") -> list[dict]:
    """Every record the caller may read, following the cursor."""
    results, url = [], f"{URL}?page_size=5&{query}"
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content
        results += response.json()["results"]
        url = response.json()["next"]
    return results


# Who reads what


def test_an_agency_admin_reads_every_record_of_their_agency_and_only_those(world):
    # Counted first: each page read is recorded, after the records it reads.
    client = api(world.admin_a)  # signing in is recorded too: counted with the rest
    expected = AuditRecord.objects.filter(agency=world.a).count()
    records = read_all(client)
    assert len(records) == expected > 0
    assert {r["agency"]["short_name"] for r in records} == {"ALPHA"}
    assert "case.opened" in {r["action"] for r in records}


def test_an_agency_admin_never_sees_another_agencys_records(world):
    b_ids = set(AuditRecord.objects.filter(agency=world.b).values_list("pk", flat=True))
    assert b_ids
    for query in ["", f"agency={world.b.pk}", "person=liaison.bravo", "action=case.read"]:
        assert not {r["id"] for r in read_all(api(world.admin_a), query)} & b_ids, query
    admin_b_sees = read_all(api(world.admin_b))
    assert admin_b_sees and {r["agency"]["short_name"] for r in admin_b_sees} == {"BRAVO"}
    a_ids = set(AuditRecord.objects.filter(agency=world.a).values_list("pk", flat=True))
    assert not {r["id"] for r in admin_b_sees} & a_ids


def test_a_superuser_reads_every_agencys_records(world):
    root = person(AgencyFactory(), username="root", is_superuser=True)
    agencies = {(r["agency"] or {}).get("short_name") for r in read_all(api(root))}
    assert {"ALPHA", "BRAVO"} <= agencies


@pytest.mark.parametrize("persona", ["liaison_a", "liaison_b", "liaison_c"])
def test_people_who_are_not_agency_admins_are_refused(world, persona):
    response = api(getattr(world, persona)).get(URL)
    assert response.status_code == 403
    assert response.json() == {
        "code": "permission_denied",
        "detail": "Only your agency's admins read its audit trail.",
    }


def test_anonymous_callers_are_asked_to_authenticate(world):
    assert APIClient().get(URL).status_code == 401


def test_the_admin_of_a_deactivated_agency_reads_nothing(world):
    client = api(world.admin_b)
    agency_set_active(actor=None, agency=world.b, active=False)
    assert client.get(URL).status_code in (401, 403)


def test_a_token_of_an_agency_admin_reads_the_trail(world):
    response = bearer_client(world.admin_a).get(URL)
    assert response.status_code == 200
    assert {r["agency"]["short_name"] for r in response.json()["results"]} == {"ALPHA"}


# What a record shows


def test_a_record_names_who_what_when_where_and_the_outcome(world):
    record = read_all(api(world.admin_a), "action=case.opened")[0]
    assert record["person"] == {
        "id": world.liaison_a.pk,
        "username": "liaison.alpha",
        "name": world.liaison_a.get_full_name(),
    }
    assert record["object"] == {
        "type": "cases.case",
        "id": str(world.case.pk),
        "repr": world.case.number,
    }
    assert record["outcome"] == "success"
    assert record["at"].endswith("Z")
    assert set(record) == {
        "id",
        "at",
        "person",
        "agency",
        "action",
        "outcome",
        "object",
        "address",
        "changed",
    }


def test_a_record_shows_which_fields_changed_never_their_values(world):
    case_services.case_update(
        actor=world.liaison_a, case=world.case, summary="Informant lives on Elm Street"
    )
    response = api(world.admin_a).get(f"{URL}?action=case.updated")
    assert response.json()["results"][0]["changed"] == ["summary"]
    assert b"Elm Street" not in response.content


# Filters


def test_filters_narrow_by_action_family_person_object_and_outcome(world):
    client = api(world.admin_a)
    api(world.liaison_a).get("/api/v1/cases/999999/")
    assert {r["action"] for r in read_all(client, "action=case.opened")} == {"case.opened"}
    assert {r["action"].split(".")[0] for r in read_all(client, "action=case.")} == {"case"}
    assert {r["person"]["username"] for r in read_all(client, "person=liaison.alpha")} == {
        "liaison.alpha"
    }
    by_object = read_all(client, f"object_type=meetings.meeting&object_id={world.meeting.pk}")
    assert by_object and {r["object"]["id"] for r in by_object} == {str(world.meeting.pk)}
    denied = read_all(client, "outcome=denied")
    assert [r["action"] for r in denied] == ["case.denied"]
    assert denied[0]["object"] == {"type": "cases.case", "id": "999999", "repr": ""}


def test_filters_by_date_range_in_utc(world):
    today = dt.datetime.now(dt.UTC).date()
    client = api(world.admin_a)
    assert read_all(client, f"since={today}&until={today}")
    assert read_all(client, f"until={today - dt.timedelta(days=1)}") == []
    assert read_all(client, f"since={today + dt.timedelta(days=1)}") == []
    assert read_all(client, "since=0001-01-01&until=9999-12-31")


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("since=yesterday", "since"),
        ("until=2026-02-30", "until"),
        ("outcome=maybe", "outcome"),
        ("object_type=cases", "object_type"),
        ("object_type=../../etc", "object_type"),
        ("agency=99999999999999999999999", "agency"),
        ("agency=1.5", "agency"),
        ("action=" + "x" * 65, "action"),
        ("cursor=forged", "cursor"),
        ("cursor=cD0xMjM0NTY3ODkwMTIzNDU2Nzg5MDEyMzQ1", "cursor"),
    ],
)
def test_bad_filters_are_a_400_in_the_error_shape(world, query, field):
    response = api(world.admin_a).get(f"{URL}?{query}")
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "invalid" and field in body["fields"]


def test_pages_follow_by_cursor_newest_first(world):
    client = api(world.admin_a)
    first = client.get(f"{URL}?page_size=2").json()
    assert len(first["results"]) == 2
    assert first["results"][0]["id"] > first["results"][1]["id"]
    second = client.get(first["next"]).json()
    assert second["results"][0]["id"] < first["results"][1]["id"]


# Queries


def test_the_number_of_queries_does_not_grow_with_the_trail(world):
    client = api(world.admin_a)
    client.get(URL)  # warm the session and the content types

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"{URL}?page_size=200").status_code == 200
        return len(captured)

    few = queries()
    for _ in range(3):
        case_services.case_record_read(actor=world.liaison_a, case=world.case)
        case_services.note_add(actor=world.liaison_a, case=world.case, body="More")
    meeting_services_changes(world)
    assert queries() == few


def meeting_services_changes(world) -> None:
    from meetings import services as meeting_services

    meeting_services.meeting_rsvp(actor=world.liaison_a, meeting=world.meeting, response="declined")
    meeting_services.feed_rotate(actor=world.admin_a)


def test_the_schema_documents_the_endpoint_and_its_filters(world):
    schema = api(world.admin_a).get("/api/schema/?format=json").json()
    operation = schema["paths"]["/api/v1/audit/"]["get"]
    names = {p["name"] for p in operation["parameters"]}
    assert {"cursor", "page_size", "since", "until", "action", "person", "outcome"} <= names
    assert {"object_type", "object_id"} <= names
