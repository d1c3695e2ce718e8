"""Dated outcome records of a case: who records and withdraws them, what they refuse, the
history, the totals and the events."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from activity.models import AuditRecord, Event
from cases import services
from cases.models import CaseOutcome
from tests.clock import chicago
from tests.html import tables
from tests.personas import api_client, page_client
from tests.snapshots import assert_unchanged, database_state

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 3, 12)


@pytest.fixture(autouse=True)
def _in_april():
    with time_machine.travel(chicago(2026, 4, 15, 10), tick=False):
        yield


def _record(personas, case, **fields):
    values = {"kind": "arrests", "count": 2, "occurred_on": DAY, **fields}
    return services.case_outcome_record(actor=personas.user("manager"), case=case, **values)


def test_a_manager_records_an_outcome_audited_and_announced(personas, shared_case):
    outcome = _record(personas, shared_case, kind="victims_identified", count=3, age_group="minor")
    assert (outcome.age_group, outcome.citizenship, outcome.statute) == ("minor", "unknown", "")
    assert outcome.task_force_id == shared_case.task_force_id
    assert AuditRecord.objects.filter(action="case.outcome_recorded").count() == 1
    event = Event.objects.filter(kind="case.updated").latest("id")
    assert event.payload["fields"] == ["outcomes"]
    audience = set(event.audience.values_list("agency_id", flat=True))
    assert personas.agency("viewer").pk in audience
    assert personas.agency("member").pk not in audience
    assert personas.agency("other").pk not in audience


@pytest.mark.parametrize("persona", ["contributor", "viewer", "member", "other"])
def test_only_managing_agencies_record_outcomes(personas, shared_case, persona):
    with pytest.raises(PermissionDenied):
        services.case_outcome_record(
            actor=personas.user(persona),
            case=shared_case,
            kind="arrests",
            count=1,
            occurred_on=DAY,
        )
    assert not CaseOutcome.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"kind": "deportations"}, "kind"),
        ({"count": 0}, "count"),
        ({"count": 100_001}, "count"),
        ({"occurred_on": dt.date(2026, 4, 16)}, "occurred_on"),
        ({"occurred_on": dt.date(1989, 12, 31)}, "occurred_on"),
        ({"kind": "charges_filed"}, "statute"),
        ({"kind": "charges_filed", "statute": "treason"}, "statute"),
        ({"kind": "arrests", "statute": "other"}, "statute"),
        ({"kind": "arrests", "age_group": "adult"}, "age_group"),
        ({"kind": "victims_identified", "citizenship": "martian"}, "citizenship"),
    ],
)
def test_a_wrong_outcome_is_refused(personas, shared_case, fields, field):
    with pytest.raises(ValidationError) as refusal:
        _record(personas, shared_case, **fields)
    assert field in refusal.value.message_dict
    assert not CaseOutcome.objects.exists()


def test_a_correction_withdraws_the_record_and_keeps_it(personas, shared_case):
    outcome = _record(personas, shared_case)
    services.case_outcome_withdraw(
        actor=personas.user("manager"), outcome=outcome, reason="Typed 2 for 1"
    )
    _record(personas, shared_case, count=1)
    outcome.refresh_from_db()
    assert outcome.is_withdrawn and outcome.withdrawal_reason == "Typed 2 for 1"
    with pytest.raises(ValidationError):
        services.case_outcome_withdraw(
            actor=personas.user("manager"), outcome=outcome, reason="again"
        )
    with pytest.raises(ValidationError):
        services.case_outcome_withdraw(
            actor=personas.user("manager"), outcome=CaseOutcome.objects.latest("id"), reason=" "
        )
    body = api_client(personas, "viewer").get(f"/api/v1/cases/{shared_case.pk}/").json()
    assert body["arrests"] == 1


def test_the_api_lists_the_history_to_every_agency_that_sees_the_case(personas, shared_case):
    outcome = _record(personas, shared_case)
    services.case_outcome_withdraw(actor=personas.user("manager"), outcome=outcome, reason="x")
    _record(personas, shared_case, kind="charges_filed", statute="human_trafficking", count=1)
    for persona in ("manager", "contributor", "viewer"):
        response = api_client(personas, persona).get(f"/api/v1/cases/{shared_case.pk}/outcomes/")
        assert response.status_code == 200
        rows = response.json()
        assert [(r["kind"], r["withdrawn_at"] is None) for r in rows] == [
            ("charges_filed", True),
            ("arrests", False),
        ]
    for persona in ("member", "other", "anonymous"):
        response = api_client(personas, persona).get(f"/api/v1/cases/{shared_case.pk}/outcomes/")
        assert response.status_code in (401, 403, 404) if persona == "anonymous" else 404


def test_recording_over_the_api(personas, shared_case):
    url = f"/api/v1/cases/{shared_case.pk}/outcomes/"
    payload = {"kind": "victims_identified", "count": 2, "occurred_on": "2026-03-12"}
    payload |= {"age_group": "adult", "citizenship": "foreign_national"}
    response = api_client(personas, "manager").post(url, payload, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["citizenship"] == "foreign_national"
    assert api_client(personas, "contributor").post(url, payload, format="json").status_code == 403
    assert api_client(personas, "member").post(url, payload, format="json").status_code == 404
    manager = api_client(personas, "manager")
    before = database_state()
    for bad in (
        {**payload, "occurred_on": "2026-13-01"},
        {**payload, "count": -1},
        {**payload, "occurred_on": "2027-01-01"},
        {"kind": "charges_filed", "count": 1, "occurred_on": "2026-03-12"},
    ):
        response = manager.post(url, bad, format="json")
        assert response.status_code == 400, (bad, response.content)
    assert_unchanged(before)


def test_withdrawing_over_the_api(personas, shared_case):
    outcome = _record(personas, shared_case)
    url = f"/api/v1/cases/{shared_case.pk}/outcomes/{outcome.pk}/withdraw/"
    assert api_client(personas, "viewer").post(url, {"reason": "x"}).status_code == 403
    assert api_client(personas, "manager").post(url, {}, format="json").status_code == 400
    response = api_client(personas, "manager").post(url, {"reason": "Wrong case"}, format="json")
    assert response.status_code == 200
    assert response.json()["withdrawal_reason"] == "Wrong case"
    missing = f"/api/v1/cases/{shared_case.pk}/outcomes/{outcome.pk + 99}/withdraw/"
    assert api_client(personas, "manager").post(missing, {"reason": "x"}).status_code == 404


def test_the_case_page_shows_outcomes_and_records_them(personas, shared_case):
    client = page_client(personas, "manager")
    response = client.post(
        f"/cases/{shared_case.pk}/outcomes/",
        {"kind": "charges_filed", "count": 4, "occurred_on": "2026-03-12", "statute": "other"},
    )
    assert response.status_code == 302
    page = client.get(f"/cases/{shared_case.pk}/").content.decode()
    row = tables(page)["Outcomes"][0]
    assert row[1].startswith("Charges filed") and "Other charges" in row[1]
    assert row[2] == "4"
    viewer_page = page_client(personas, "viewer").get(f"/cases/{shared_case.pk}/")
    assert 'class="form outcome-form"' not in viewer_page.content.decode()
    assert 'id="outcomes"' in viewer_page.content.decode()
    refused = page_client(personas, "viewer").post(
        f"/cases/{shared_case.pk}/outcomes/",
        {"kind": "arrests", "count": 1, "occurred_on": "2026-03-12"},
    )
    assert refused.status_code == 403
    assert (
        page_client(personas, "member")
        .post(
            f"/cases/{shared_case.pk}/outcomes/",
            {"kind": "arrests", "count": 1, "occurred_on": "2026-03-12"},
        )
        .status_code
        == 404
    )
    assert CaseOutcome.objects.count() == 1


def test_withdrawing_from_the_page_asks_why(personas, shared_case):
    outcome = _record(personas, shared_case)
    client = page_client(personas, "manager")
    url = f"/cases/{shared_case.pk}/outcomes/{outcome.pk}/withdraw/"
    assert client.get(url).status_code == 200
    assert client.post(url, {"reason": ""}).status_code == 400
    assert client.post(url, {"reason": "Duplicate"}).status_code == 302
    assert client.get(url).status_code == 404
    assert page_client(personas, "viewer").get(url).status_code == 403
