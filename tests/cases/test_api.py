import base64
import datetime as dt

import pytest
from django.utils import timezone
from rest_framework import serializers

from activity.models import AuditRecord
from cases import selectors, services
from cases.api.cases import CaseSerializer
from cases.models import AccessLevel, Case, Note
from tests.cases.factories import CaseFactory, CaseShareFactory, NoteFactory
from tests.html import tables
from tests.personas import api_client

pytestmark = pytest.mark.django_db


def test_opening_a_case_over_the_api(personas):
    client = api_client(personas, "contributor")
    response = client.post(
        "/api/v1/cases/",
        {
            "title": "Massage parlor on Main",
            "task_force": personas.task_force.pk,
            "kind": "illicit_massage_business",
            "summary": "Tip from a hotline call.",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["number"].startswith("ONE-")
    assert body["lead_agency"]["short_name"] == "CON"
    assert body["my_level"] == "manage"
    assert body["status"] == "open"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"title": "x", "task_force": 999999, "kind": "other"}, "task_force"),
        ({"title": "", "task_force": "TF", "kind": "other"}, "title"),
        ({"title": "x", "kind": "other"}, "task_force"),
        ({"title": "x", "task_force": "TF", "kind": "smuggling"}, "kind"),
    ],
)
def test_bad_case_input_is_a_clear_400(personas, payload, field):
    if payload.get("task_force") == "TF":
        payload["task_force"] = personas.task_force.pk
    count = Case.objects.count()
    response = api_client(personas, "manager").post("/api/v1/cases/", payload, format="json")
    assert response.status_code == 400
    assert field in response.json()["fields"]
    assert Case.objects.count() == count


def test_a_task_force_of_which_the_agency_is_not_a_member_is_a_400(personas):
    response = api_client(personas, "manager").post(
        "/api/v1/cases/",
        {"title": "x", "task_force": personas.other_task_force.pk, "kind": "other"},
        format="json",
    )
    assert response.status_code == 400
    assert "not a member" in response.json()["detail"]


def test_malformed_json_is_a_400(personas, shared_case):
    response = api_client(personas, "manager").post(
        f"/api/v1/cases/{shared_case.pk}/notes/", "{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


def test_notes_carry_their_version_as_etag(personas, case_notes):
    client = api_client(personas, "contributor")
    response = client.get(f"/api/v1/notes/{case_notes.restricted.pk}/")
    assert response["ETag"] == '"1"'


def test_editing_without_if_match_is_a_428_and_changes_nothing(personas, case_notes):
    client = api_client(personas, "contributor")
    url = f"/api/v1/notes/{case_notes.restricted.pk}/"
    response = client.patch(url, {"body": "changed"}, format="json")
    assert response.status_code == 428
    assert "If-Match" in response.json()["detail"]
    assert Note.objects.get(pk=case_notes.restricted.pk).version == 1


def test_editing_an_older_version_is_a_412_and_changes_nothing(personas, case_notes):
    client = api_client(personas, "contributor")
    url = f"/api/v1/notes/{case_notes.restricted.pk}/"
    first = client.patch(url, {"body": "second version"}, format="json", HTTP_IF_MATCH='"1"')
    assert first.status_code == 200
    assert first["ETag"] == '"2"'
    stale = client.patch(url, {"body": "lost update"}, format="json", HTTP_IF_MATCH='"1"')
    assert stale.status_code == 412
    assert Note.objects.get(pk=case_notes.restricted.pk).body == "second version"
    revisions = client.get(f"{url}revisions/").json()
    assert [r["body"] for r in revisions] == [
        "Confidential informant CI-7 met on Tuesday.",
        "second version",
    ]


def test_an_over_long_note_is_a_400(personas, shared_case):
    response = api_client(personas, "manager").post(
        f"/api/v1/cases/{shared_case.pk}/notes/", {"body": "x" * 50_001}, format="json"
    )
    assert response.status_code == 400
    assert "50,000" in response.json()["detail"]


def test_restricting_to_an_agency_without_access_is_a_400(personas, shared_case):
    response = api_client(personas, "manager").post(
        f"/api/v1/cases/{shared_case.pk}/notes/",
        {
            "body": "For the member",
            "visibility": "restricted",
            "restricted_to": [personas.agency("member").pk],
        },
        format="json",
    )
    assert response.status_code == 400
    assert "MEM" in response.json()["detail"]


def test_redacting_needs_a_reason(personas, case_notes):
    client = api_client(personas, "manager")
    response = client.delete(f"/api/v1/notes/{case_notes.open.pk}/", {}, format="json")
    assert response.status_code == 400
    assert "reason" in response.json()["fields"]
    response = client.delete(
        f"/api/v1/notes/{case_notes.open.pk}/", {"reason": "Duplicate"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["redacted"] is True
    assert response.json()["body"] == ""


def test_notes_list_newest_first_with_a_cursor(personas, shared_case):
    client = api_client(personas, "manager")
    for i in range(3):
        NoteFactory(case=shared_case, body=f"n{i}")
    page = client.get(f"/api/v1/cases/{shared_case.pk}/notes/?page_size=2").json()
    assert [n["body"] for n in page["results"]] == ["n2", "n1"]
    assert "cursor=" in page["next"]
    rest = client.get(page["next"]).json()
    assert [n["body"] for n in rest["results"]][:1] == ["n0"]


def test_case_list_filters_and_orders_on_whitelisted_fields(personas, shared_case):
    manager = personas.user("manager")
    CaseFactory(
        actor=manager,
        task_force=personas.task_force,
        title="Truck stop",
        kind="labor_trafficking",
        priority="urgent",
    )
    client = api_client(personas, "manager")

    def numbers(query):
        response = client.get(f"/api/v1/cases/?{query}")
        assert response.status_code == 200, response.content
        return [c["title"] for c in response.json()["results"]]

    assert numbers("kind=labor_trafficking") == ["Truck stop"]
    assert numbers("q=motel") == ["Motel corridor investigation"]
    assert numbers("ordering=priority")[0] == "Truck stop"
    assert numbers(f"lead_agency={personas.agency('manager').pk}&status=open") == [
        "Truck stop",
        "Motel corridor investigation",
    ]
    bad = client.get("/api/v1/cases/?ordering=summary")
    assert bad.status_code == 400
    assert "ordering" in bad.json()["fields"]


def test_reads_are_audited_with_the_notes_read(personas, shared_case, case_notes):
    client = api_client(personas, "viewer")
    client.get(f"/api/v1/cases/{shared_case.pk}/")
    client.get(f"/api/v1/cases/{shared_case.pk}/notes/", REMOTE_ADDR="192.0.2.9")
    reads = AuditRecord.objects.filter(action="case.read", actor=personas.user("viewer"))
    assert reads.count() == 2
    notes_read = reads.order_by("-id").first()
    assert notes_read.changes["notes"] == [case_notes.open.pk]
    assert notes_read.ip_address == "192.0.2.9"


def test_the_access_report_shows_who_read_what(personas, shared_case, case_notes):
    api_client(personas, "viewer").get(f"/api/v1/cases/{shared_case.pk}/notes/")
    report = (
        api_client(personas, "manager")
        .get(f"/api/v1/cases/{shared_case.pk}/access-report/")
        .json()["results"]
    )
    assert report[0]["agency"]["short_name"] == "VIEW"
    assert report[0]["notes"] == [case_notes.open.pk]


def test_patch_changes_status_and_details_together(personas, shared_case):
    response = api_client(personas, "manager").patch(
        f"/api/v1/cases/{shared_case.pk}/",
        {"status": "active", "trafficking_type": "labor", "status_reason": "Warrant served"},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["trafficking_type"]) == (
        "active",
        "labor",
    )


def test_an_impossible_status_change_is_a_400(personas, shared_case):
    client = api_client(personas, "manager")
    client.patch(f"/api/v1/cases/{shared_case.pk}/", {"status": "closed"}, format="json")
    response = client.patch(
        f"/api/v1/cases/{shared_case.pk}/", {"status": "referred"}, format="json"
    )
    assert response.status_code == 400
    assert "cannot become" in response.json()["detail"]


def test_the_former_outcome_counters_are_read_only(personas, shared_case):
    response = api_client(personas, "manager").patch(
        f"/api/v1/cases/{shared_case.pk}/", {"arrests": 2}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["arrests"] == 0


def test_case_list_runs_a_fixed_number_of_queries(
    personas, shared_case, django_assert_max_num_queries
):
    manager = personas.user("manager")
    for i in range(25):
        NoteFactory(
            case=CaseFactory(actor=manager, task_force=personas.task_force, title=f"Case {i}"),
            actor=manager,
        )
    client = api_client(personas, "manager")
    with django_assert_max_num_queries(10):
        response = client.get("/api/v1/cases/?page_size=100")
    assert len(response.json()["results"]) == 26


def test_notes_list_runs_a_fixed_number_of_queries(
    personas, shared_case, case_notes, django_assert_max_num_queries
):
    NoteFactory.create_batch(
        30,
        actor=personas.user("contributor"),
        case=shared_case,
        visibility="restricted",
        restricted_to=[personas.agency("manager")],
    )
    client = api_client(personas, "manager")
    with django_assert_max_num_queries(14):
        response = client.get(f"/api/v1/cases/{shared_case.pk}/notes/?page_size=100")
    assert len(response.json()["results"]) == 32


def test_last_note_time_counts_only_readable_notes(personas, shared_case, case_notes):
    viewer = api_client(personas, "viewer")
    before = viewer.get("/api/v1/cases/").json()["results"][0]["last_note_at"]
    services.note_add(
        actor=personas.user("contributor"),
        case=shared_case,
        body="secret",
        visibility="restricted",
        restricted_to=[personas.agency("manager")],
    )
    assert viewer.get("/api/v1/cases/").json()["results"][0]["last_note_at"] == before


def test_the_access_report_hides_notes_the_manager_may_not_read(personas, shared_case, case_notes):
    hidden = NoteFactory(
        actor=personas.user("contributor"),
        case=shared_case,
        body="CON and EXC only",
        visibility="restricted",
        restricted_to=[personas.agency("excluded")],
    )
    api_client(personas, "excluded").get(f"/api/v1/cases/{shared_case.pk}/notes/")
    manager = api_client(personas, "manager")
    report = manager.get(f"/api/v1/cases/{shared_case.pk}/access-report/").json()["results"]
    assert hidden.pk not in report[0]["notes"]
    assert case_notes.open.pk in report[0]["notes"]
    # The page, read by its structure: the notes of each read, in context and in the table
    # (searching the page for an id would also match the digits of its dates and times).
    page = manager.get(f"/cases/{shared_case.pk}/access-report/")
    assert [[n.pk for n in notes] for _, notes in page.context["rows"]] == [[case_notes.open.pk]]
    every_read = tables(page.content.decode())["Every read"]
    assert [row[3] for row in every_read] == [case_notes.open.body]


def test_the_lead_agencys_access_is_not_a_share_others_may_change(personas, shared_case):
    CaseShareFactory(
        case=shared_case,
        agency=personas.agency("contributor"),
        level=AccessLevel.MANAGE,
        purpose="Co-lead",
    )
    response = api_client(personas, "contributor").post(
        f"/api/v1/cases/{shared_case.pk}/access/",
        {
            "agency": personas.agency("manager").pk,
            "level": "manage",
            "purpose": "Time-boxed",
            "expires_on": (timezone.localdate() + dt.timedelta(days=2)).isoformat(),
        },
        format="json",
    )
    assert response.status_code == 400
    assert "agency" in response.json()["fields"]
    share = shared_case.shares.active().get(agency=personas.agency("manager"))
    assert share.expires_on is None and share.purpose == "Lead agency"


@pytest.mark.parametrize("path", ["notes", "access-report"])
@pytest.mark.parametrize(
    "raw",
    [
        "cD1hYmM=",  # base64 of "p=abc", as the red team sent it
        base64.b64encode(b"p=99999999999999999999999").decode(),
        base64.b64encode(b"p=").decode(),
        "not base64 at all",
    ],
)
def test_a_forged_cursor_is_a_400_and_reads_nothing(personas, shared_case, path, raw):
    reads = AuditRecord.objects.filter(action="case.read").count()
    response = api_client(personas, "manager").get(
        f"/api/v1/cases/{shared_case.pk}/{path}/", {"cursor": raw}
    )
    assert response.status_code == 400
    body = response.json()
    assert (body["code"], list(body["fields"])) == ("invalid", ["cursor"])
    assert AuditRecord.objects.filter(action="case.read").count() == reads


def test_the_notes_cursor_still_pages_back_and_forth(personas, shared_case):
    client = api_client(personas, "manager")
    for i in range(3):
        NoteFactory(case=shared_case, body=f"n{i}")
    first = client.get(f"/api/v1/cases/{shared_case.pk}/notes/?page_size=2").json()
    second = client.get(first["next"]).json()
    assert second["previous"]
    back = client.get(second["previous"]).json()
    assert [n["id"] for n in back["results"]] == [n["id"] for n in first["results"]]


def test_the_written_out_case_is_what_the_declared_fields_give(personas, shared_case, case_notes):
    """CaseSerializer writes its output by hand for speed; DRF's walk over the declared
    fields (which the schema describes) must give the same, with and without notes."""
    manager = personas.user("manager")
    quiet = CaseFactory(actor=manager, task_force=shared_case.task_force)
    for case in selectors.case_list(manager).filter(pk__in=[shared_case.pk, quiet.pk]):
        serializer = CaseSerializer(context={"level": case.access_level})
        declared = serializers.ModelSerializer.to_representation(serializer, case)
        assert serializer.to_representation(case) == declared
        assert declared["my_level"] == "manage"
    assert {case.last_note_at is None for case in selectors.case_list(manager)} == {True, False}
