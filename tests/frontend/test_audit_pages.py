"""The audit trail's page (/audit/) and CSV export (/audit/export.csv): agency admins see
and export their own agency's records only; everyone else is refused; text prints on one
line per record; reading and exporting are recorded; queries do not grow with the trail."""

import csv
import io

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from activity.models import AuditOutcome, AuditRecord
from activity.services import audit_record
from cases import services as case_services
from tests.activity.audit_world import build_audit_world, head_id, records_since
from tests.agencies.factories import AgencyFactory, person

pytestmark = pytest.mark.django_db

FORGED = "closing\r\n2026-03-10 09:00:00Z admin.bravo case.read success ATF-2026-0001"


@pytest.fixture
def world(db):
    world = build_audit_world()
    case_services.case_share(
        actor=world.liaison_a, case=world.case, agency=world.b, level="view", purpose="Joint op"
    )
    case_services.case_record_read(actor=world.liaison_b, case=world.case)
    return world


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def export(client, query: str = "") -> list[list[str]]:
    response = client.get(f"/audit/export.csv?{query}")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(text)))


# The page


def test_an_agency_admin_sees_their_agencys_records_and_no_other(world):
    response = signed_in(world.admin_a).get("/audit/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "liaison.alpha" in page and "case.opened" in page
    assert "liaison.bravo" not in page and "BRAVO" not in page


def test_the_other_agencys_admin_sees_theirs_and_not_the_first(world):
    page = signed_in(world.admin_b).get("/audit/?person=liaison.alpha").content.decode()
    assert "No record matches." in page
    page = signed_in(world.admin_b).get("/audit/").content.decode()
    assert "liaison.bravo" in page and "liaison.alpha" not in page


@pytest.mark.parametrize("persona", ["liaison_a", "liaison_b", "liaison_c"])
def test_people_who_are_not_agency_admins_are_refused_the_page_and_the_export(world, persona):
    client = signed_in(getattr(world, persona))
    start = head_id()
    assert client.get("/audit/").status_code == 403
    assert client.get("/audit/export.csv").status_code == 403
    outcomes = [(r.action, r.outcome) for r in records_since(start)]
    assert outcomes == [("audit.read", "denied"), ("audit.exported", "denied")]


def test_anonymous_visitors_are_sent_to_sign_in(world):
    for url in ["/audit/", "/audit/export.csv"]:
        response = Client().get(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_a_superuser_sees_every_agency(world):
    root = person(AgencyFactory(), username="root", is_superuser=True)
    page = signed_in(root).get("/audit/").content.decode()
    assert "liaison.alpha" in page and "liaison.bravo" in page


def test_only_audit_readers_see_the_link(world):
    assert b'href="/audit/"' in signed_in(world.admin_a).get("/").content
    assert b'href="/audit/"' not in signed_in(world.liaison_a).get("/").content


def test_the_page_filters_and_refuses_bad_filters_with_a_400(world):
    client = signed_in(world.admin_a)
    page = client.get("/audit/?action=meeting.scheduled").content.decode()
    assert "meeting.scheduled" in page and "case.opened" not in page
    response = client.get("/audit/?since=not-a-date")
    assert response.status_code == 400
    assert b"Enter a valid date." in response.content


def test_the_page_continues_with_older_records(world):
    for _ in range(120):
        audit_record(actor=world.liaison_a, action="case.read", target=world.case)
    client = signed_in(world.admin_a)
    first = client.get("/audit/?action=case.read")
    older = first.context["older"]
    assert older and "action=case.read" in older and "before=" in older
    second = client.get(f"/audit/?{older}")
    newest_on_second = second.context["rows"][0][0].pk
    assert newest_on_second < first.context["rows"][-1][0].pk
    assert client.get("/audit/?before=junk").status_code == 200


def test_reading_the_page_is_recorded(world):
    client = signed_in(world.admin_a)  # signing in is recorded too: before the mark
    start = head_id()
    client.get("/audit/?person=liaison.alpha")
    (record,) = records_since(start)
    assert (record.action, record.outcome) == ("audit.read", "success")
    assert record.agency_id == world.a.pk
    assert record.changes == {"filters": {"person": "liaison.alpha"}}


# The export


def test_the_export_holds_the_agencys_records_only(world):
    client = signed_in(world.admin_a)
    expected = set(AuditRecord.objects.filter(agency=world.a).values_list("pk", flat=True))
    rows = export(client)
    header, body = rows[0], rows[1:]
    assert header[:7] == ["id", "time_utc", "username", "person", "agency", "action", "outcome"]
    assert {int(row[0]) for row in body} == expected
    assert {row[4] for row in body} == {"ALPHA"}


def test_the_export_of_another_agencys_admin_holds_none_of_the_first(world):
    a_ids = set(AuditRecord.objects.filter(agency=world.a).values_list("pk", flat=True))
    body = export(signed_in(world.admin_b))[1:]
    assert body and not {int(row[0]) for row in body} & a_ids
    assert export(signed_in(world.admin_b), f"agency={world.a.pk}")[1:] == []


def test_exporting_is_recorded_with_the_filters(world):
    client = signed_in(world.admin_a)
    start = head_id()
    export(client, "outcome=success")
    (record,) = records_since(start)
    assert (record.action, record.outcome) == ("audit.exported", AuditOutcome.SUCCESS)
    assert record.changes == {"filters": {"outcome": "success"}}


def test_the_export_prints_one_line_per_record_whatever_the_text(world):
    case_services.case_change_status(
        actor=world.liaison_a, case=world.case, status="closed", reason=FORGED
    )
    audit_record(
        actor=world.liaison_a, action="person.updated", target=AgencyFactory(name="=HYPERLINK(1)")
    )
    client = signed_in(world.admin_a)
    held = AuditRecord.objects.filter(agency=world.a).count()
    response = client.get("/audit/export.csv")
    text = b"".join(response.streaming_content).decode()
    lines = text.splitlines()
    assert len(lines) == 1 + held
    assert "\r\n2026-03-10" not in text
    rows = list(csv.reader(io.StringIO(text)))
    assert any(row[9].startswith("'=HYPERLINK(1)") for row in rows)


def test_bad_export_filters_are_a_400(world):
    response = signed_in(world.admin_a).get("/audit/export.csv?until=31/12/2026")
    assert response.status_code == 400
    assert response.content.startswith(b"These filters are not valid: until:")


# Queries


def test_the_page_and_the_export_take_the_same_queries_however_long_the_trail(world):
    client = signed_in(world.admin_a)
    client.get("/audit/")

    def queries(url) -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
            if response.streaming:
                b"".join(response.streaming_content)
        return len(captured)

    few = queries("/audit/"), queries("/audit/export.csv")
    for _ in range(30):
        case_services.case_record_read(actor=world.liaison_a, case=world.case)
        audit_record(actor=world.admin_a, action="person.updated", target=world.liaison_b)
    assert (queries("/audit/"), queries("/audit/export.csv")) == few
