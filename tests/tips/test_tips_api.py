"""Tips over the API: who records, who sees (404 for everyone else), who triages, who turns
a tip into a case."""

import json

import pytest

from activity.models import AuditRecord, Event
from cases.models import Case
from tests.personas import ANONYMOUS, api_client
from tests.tips.world import PHONE_AS_MGR_TYPES, PHONE_E164
from tips.models import DeconflictionNotice, Identifier, Tip

pytestmark = pytest.mark.django_db

TIP = {
    "source": "hotline",
    "reference": "NHTH-2026-1187",
    "what": "Young women escorted between rooms by an older man.",
    "where": "Motel on I-70, exit 9",
    "when": "Friday nights",
}


def record(personas, persona="contributor", **extra):
    body = {**TIP, "task_force": personas.task_force.pk, **extra}
    return api_client(personas, persona).post("/api/v1/tips/", body, format="json")


@pytest.fixture
def tip(personas):
    response = record(personas)
    assert response.status_code == 201, response.content
    return Tip.objects.get(pk=response.json()["id"])


def triage(personas, persona, tip, **body):
    return api_client(personas, persona).patch(f"/api/v1/tips/{tip.pk}/", body, format="json")


def test_a_liaison_of_a_member_agency_records_a_tip_with_identifiers(personas):
    response = record(personas, identifiers=[{"kind": "phone", "value": PHONE_AS_MGR_TYPES}])
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "new"
    assert body["recording_agency"]["short_name"] == "CON"
    assert [i["value"] for i in body["identifiers"]] == [PHONE_E164]
    assert AuditRecord.objects.filter(action="tip.recorded").count() == 1


@pytest.mark.parametrize("persona", ["invited_member", "other", ANONYMOUS])
def test_people_who_may_not_record_for_the_task_force_are_refused(personas, persona):
    assert record(personas, persona).status_code in (401, 403)
    assert not Tip.objects.exists()


@pytest.mark.parametrize(
    ("persona", "sees"),
    [
        ("coordinator", True),
        ("contributor", True),
        ("manager", False),
        ("viewer", False),
        ("member", False),
        ("other", False),
    ],
)
def test_a_tip_is_seen_by_its_coordinators_and_recording_agency_only(personas, tip, persona, sees):
    client = api_client(personas, persona)
    assert client.get(f"/api/v1/tips/{tip.pk}/").status_code == (200 if sees else 404)
    listed = [t["id"] for t in client.get("/api/v1/tips/").json()["results"]]
    assert listed == ([tip.pk] if sees else [])
    events = json.dumps(client.get("/api/v1/events/").json())
    assert ("tip.received" in events) == sees
    if not sees:
        assert TIP["what"] not in events


def test_coordinators_hear_of_new_tips_by_event(personas, tip):
    event = Event.objects.get(kind="tip.received")
    assert set(event.audience.values_list("user__username", flat=True)) >= {"coordinator"}


def test_only_coordinators_triage(personas, tip):
    member = personas.agency("member")
    for persona in ["contributor", "manager"]:
        response = triage(personas, persona, tip, action="assign", agency=member.pk)
        assert response.status_code in (403, 404)
    assert triage(personas, "other", tip, action="close", reason="x").status_code == 404
    response = triage(personas, "coordinator", tip, action="assign", agency=member.pk)
    assert response.status_code == 200
    assert response.json()["assigned_agency"]["short_name"] == "MEM"
    assert api_client(personas, "member").get(f"/api/v1/tips/{tip.pk}/").status_code == 200


def test_a_tip_is_assigned_only_to_a_member_agency(personas, tip):
    response = triage(
        personas, "coordinator", tip, action="assign", agency=personas.agency("other").pk
    )
    assert response.status_code == 400
    assert triage(personas, "coordinator", tip, action="assign").status_code == 400


def test_reassigning_takes_the_tip_from_the_first_agency(personas, tip):
    triage(personas, "coordinator", tip, action="assign", agency=personas.agency("member").pk)
    triage(personas, "coordinator", tip, action="assign", agency=personas.agency("viewer").pk)
    member = api_client(personas, "member")
    assert member.get(f"/api/v1/tips/{tip.pk}/").status_code == 404
    assert "tip." not in json.dumps(member.get("/api/v1/events/").json())


def test_close_and_duplicate(personas, tip):
    second = Tip.objects.get(pk=record(personas).json()["id"])
    assert triage(personas, "coordinator", second, action="close").status_code == 400
    response = triage(personas, "coordinator", second, action="duplicate", duplicate_of=tip.pk)
    assert response.json()["status"] == "duplicate"
    assert response.json()["duplicate_of"] == tip.pk
    closed = triage(personas, "coordinator", tip, action="close", reason="No trafficking found")
    assert closed.json()["status"] == "closed"
    assert triage(personas, "coordinator", tip, action="close", reason="again").status_code == 403


def test_only_the_assigned_agency_turns_the_tip_into_its_case(personas, other_case):
    tip_id = record(personas, identifiers=[{"kind": "phone", "value": PHONE_AS_MGR_TYPES}]).json()[
        "id"
    ]
    tip = Tip.objects.get(pk=tip_id)
    triage(personas, "coordinator", tip, action="assign", agency=personas.agency("member").pk)
    path = f"/api/v1/tips/{tip.pk}/case/"
    assert api_client(personas, "coordinator").post(path, {}, format="json").status_code == 403
    assert api_client(personas, "contributor").post(path, {}, format="json").status_code == 403
    assert api_client(personas, "other").post(path, {}, format="json").status_code == 404
    response = api_client(personas, "member").post(
        path, {"title": "Motel exit 9", "kind": "sex_trafficking"}, format="json"
    )
    assert response.status_code == 201
    case = Case.objects.get(pk=response.json()["id"])
    assert case.lead_agency == personas.agency("member")
    [note] = case.notes.all()
    assert TIP["what"] in note.body and TIP["reference"] in note.body
    assert list(Identifier.objects.filter(case=case).values_list("value", flat=True)) == [
        PHONE_E164
    ]
    tip.refresh_from_db()
    assert tip.status == "case_opened" and tip.case == case
    # The copied phone matches OTH's case: MEM's new case and OTH's case are told.
    assert DeconflictionNotice.objects.filter(case=case, other_agency__short_name="OTH").exists()


@pytest.mark.parametrize(
    "body",
    [
        {"action": "nope"},
        {"action": "duplicate", "duplicate_of": 999999},
        {"action": "assign", "agency": "MEM"},
        {"action": "close", "reason": 5},
        {},
    ],
)
def test_bad_triage_is_a_400(personas, tip, body):
    assert triage(personas, "coordinator", tip, **body).status_code == 400


@pytest.mark.parametrize(
    "extra",
    [
        {"what": ""},
        {"what": "x" * 5001},
        {"where": "line\nbreak"},
        {"what": "bell\x07"},
        {"source": "rumour"},
        {"received_at": "2999-01-01T00:00:00Z"},
        {"received_at": "0001-01-01T00:00:00+05:00"},
        {"received_at": "9999-12-31T23:59:59-05:00"},
        {"received_at": "1999-12-31T23:59:59Z"},
        {"contact_email": "not-an-address"},
        {"identifiers": [{"kind": "phone", "value": "nope"}]},
    ],
)
def test_bad_tips_are_a_400_and_store_nothing(personas, extra):
    assert record(personas, **extra).status_code == 400
    assert not Tip.objects.exists()


def test_an_unknown_status_filter_is_a_400(personas):
    assert api_client(personas, "coordinator").get("/api/v1/tips/?status=zzz").status_code == 400


def test_reassigning_also_takes_the_notices_on_the_tip_from_the_first_agency(personas, other_case):
    tip = Tip.objects.get(pk=record(personas).json()["id"])
    triage(personas, "coordinator", tip, action="assign", agency=personas.agency("member").pk)
    from tips.services.identifiers import attach

    attach(actor=personas.user("coordinator"), kind="phone", value=PHONE_AS_MGR_TYPES, tip=tip)
    member = api_client(personas, "member")
    assert "deconfliction.match" in json.dumps(member.get("/api/v1/events/").json())
    triage(personas, "coordinator", tip, action="assign", agency=personas.agency("viewer").pk)
    assert "deconfliction.match" not in json.dumps(member.get("/api/v1/events/").json())
