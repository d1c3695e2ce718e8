"""Blind deconfliction: a match tells both agencies that the other holds the same kind of
identifier, and whom to call; nothing else of either case, to anyone, anywhere."""

import json

import pytest

from activity.models import AuditRecord, Event
from tests.personas import ANONYMOUS, api_client, page_client
from tests.tips.world import PHONE_AS_MGR_TYPES, PHONE_E164, assert_blind, secrets_of
from tips import services
from tips.models import DeconflictionNotice, Identifier

pytestmark = pytest.mark.django_db

# The personas whose agency sees the shared case, and so the number MGR puts on it.
SEE_SHARED_CASE = {"manager", "coordinator", "contributor", "viewer", "excluded"}
EVERYONE = [
    "manager",
    "coordinator",
    "contributor",
    "viewer",
    "excluded",
    "member",
    "invited",
    "invited_member",
    "other",
]


def add_phone(personas, case, persona="manager", value=PHONE_AS_MGR_TYPES):
    return api_client(personas, persona).post(
        f"/api/v1/cases/{case.pk}/identifiers/", {"kind": "phone", "value": value}, format="json"
    )


def test_a_phone_in_another_agencys_case_makes_one_notice_for_each_side(
    personas, shared_case, other_case
):
    response = add_phone(personas, shared_case)
    assert response.status_code == 201
    assert response.json()["value"] == PHONE_E164

    mine = api_client(personas, "manager").get(f"/api/v1/cases/{shared_case.pk}/deconfliction/")
    theirs = api_client(personas, "other").get(f"/api/v1/cases/{other_case.case.pk}/deconfliction/")
    [notice] = mine.json()
    assert notice["kind"] == "phone"
    assert notice["other_holds"] == "case"
    assert notice["other_agency"]["short_name"] == "OTH"
    assert notice["contact"]["name"]
    assert set(notice) == {
        "id",
        "kind",
        "kind_label",
        "other_holds",
        "other_agency",
        "contact",
        "created_at",
    }
    [their_notice] = theirs.json()
    assert their_notice["other_agency"]["short_name"] == "MGR"
    assert_blind(json.dumps(notice), secrets_of(other_case))
    assert_blind(json.dumps(their_notice), [shared_case.number, shared_case.title, PHONE_E164])


def test_the_match_is_audited_without_the_value(personas, shared_case, other_case):
    add_phone(personas, shared_case)
    record = AuditRecord.objects.get(action="deconfliction.matched")
    assert record.changes == {"kind": "phone", "notices": 2}
    assert_blind(json.dumps(record.changes) + record.target_repr, [PHONE_E164, "555"])


def test_the_events_of_a_match_go_to_the_two_agencies_only_and_say_nothing_of_the_other(
    personas, shared_case, other_case
):
    add_phone(personas, shared_case)
    [mine, theirs] = Event.objects.filter(kind="deconfliction.match").order_by("id")
    assert set(mine.audience.values_list("agency__short_name", flat=True)) == {"MGR"}
    assert set(theirs.audience.values_list("agency__short_name", flat=True)) == {"OTH"}
    assert_blind(json.dumps(mine.payload), secrets_of(other_case))
    assert_blind(json.dumps(theirs.payload), [shared_case.number, shared_case.title, PHONE_E164])
    assert theirs.payload["case"]["number"] == other_case.case.number  # its own case only


@pytest.mark.parametrize("persona", EVERYONE)
def test_no_persona_learns_anything_of_the_other_case_through_the_api_or_events(
    personas, shared_case, other_case, persona
):
    add_phone(personas, shared_case)
    client = api_client(personas, persona)
    seen = []
    for path in [
        "/api/v1/events/",
        f"/api/v1/cases/{shared_case.pk}/deconfliction/",
        f"/api/v1/cases/{shared_case.pk}/identifiers/",
        "/api/v1/cases/",
        "/api/v1/tips/",
    ]:
        seen.append(client.get(path).content.decode())
    if persona != "other":
        secrets = secrets_of(other_case, knows_phone=persona in SEE_SHARED_CASE)
        assert_blind("\n".join(seen), secrets)
    events = client.get("/api/v1/events/").json()["results"]
    notices = [e for e in events if e["kind"] == "deconfliction.match"]
    assert len(notices) == (1 if persona in ("manager", "coordinator", "other") else 0)


@pytest.mark.parametrize("persona", EVERYONE)
def test_no_persona_learns_anything_of_the_other_case_through_pages(
    personas, shared_case, other_case, persona
):
    add_phone(personas, shared_case)
    client = page_client(personas, persona)
    pages = ["/", f"/cases/{shared_case.pk}/", "/tips/"]
    text = "\n".join(client.get(path).content.decode() for path in pages)
    if persona != "other":
        assert_blind(text, secrets_of(other_case, knows_phone=persona in SEE_SHARED_CASE))


@pytest.mark.parametrize("persona", [*EVERYONE, ANONYMOUS])
def test_only_the_holding_agency_reads_the_other_cases_notices_and_identifiers(
    personas, shared_case, other_case, persona
):
    add_phone(personas, shared_case)
    client = api_client(personas, persona)
    case = other_case.case.pk
    for path in [f"/api/v1/cases/{case}/deconfliction/", f"/api/v1/cases/{case}/identifiers/"]:
        expected = 200 if persona == "other" else (401 if persona == ANONYMOUS else 404)
        assert client.get(path).status_code == expected


def test_agencies_that_see_the_case_read_its_identifiers_but_not_notices_meant_for_its_lead(
    personas, shared_case, other_case
):
    add_phone(personas, shared_case)
    viewer = api_client(personas, "viewer")
    [identifier] = viewer.get(f"/api/v1/cases/{shared_case.pk}/identifiers/").json()
    assert identifier["value"] == PHONE_E164
    assert viewer.get(f"/api/v1/cases/{shared_case.pk}/deconfliction/").json() == []


def test_only_contributing_agencies_add_or_remove_identifiers(personas, shared_case, other_case):
    assert add_phone(personas, shared_case, "viewer").status_code == 403
    assert add_phone(personas, shared_case, "member").status_code == 404
    assert add_phone(personas, shared_case, "other").status_code == 404
    assert add_phone(personas, shared_case, "contributor").status_code == 201
    identifier = Identifier.objects.get(case=shared_case)
    path = f"/api/v1/identifiers/{identifier.pk}/"
    assert api_client(personas, "other").delete(path).status_code == 404
    assert api_client(personas, "member").delete(path).status_code == 404
    assert api_client(personas, "viewer").delete(path).status_code == 403
    assert (
        api_client(personas, "manager")
        .delete(f"/api/v1/identifiers/{other_case.phone.pk}/")
        .status_code
        == 404
    )
    assert api_client(personas, "contributor").delete(path).status_code == 204
    assert not Identifier.objects.filter(pk=identifier.pk).exists()


def test_a_contributor_adding_the_phone_tells_the_lead_agency_not_itself(
    personas, shared_case, other_case
):
    add_phone(personas, shared_case, "contributor")
    agencies = set(DeconflictionNotice.objects.values_list("agency__short_name", flat=True))
    assert agencies == {"MGR", "OTH"}


def test_a_match_within_one_agency_makes_no_notice(personas, shared_case):
    from tests.cases.factories import CaseFactory

    second = CaseFactory(actor=personas.user("manager"), task_force=personas.task_force)
    add_phone(personas, shared_case)
    add_phone(personas, second, value="(913) 555-0177")
    assert not DeconflictionNotice.objects.exists()


def test_a_case_marked_do_not_deconflict_is_matched_by_nobody(personas, shared_case, other_case):
    services.case_opt_out(
        actor=personas.user("other"), case=other_case.case, reason="Covert operation"
    )
    add_phone(personas, shared_case)
    assert not DeconflictionNotice.objects.exists()
    assert not Event.objects.filter(kind="deconfliction.match").exists()
    assert AuditRecord.objects.filter(action="case.deconfliction_off").count() == 1


def test_a_case_marked_do_not_deconflict_matches_nothing_itself(personas, shared_case, other_case):
    services.case_opt_out(actor=personas.user("manager"), case=shared_case, reason="Covert")
    add_phone(personas, shared_case)
    assert not DeconflictionNotice.objects.exists()


def test_only_a_managing_agency_marks_a_case_with_a_reason(personas, shared_case):
    from django.core.exceptions import PermissionDenied, ValidationError

    with pytest.raises(PermissionDenied):
        services.case_opt_out(actor=personas.user("contributor"), case=shared_case, reason="x")
    with pytest.raises(ValidationError):
        services.case_opt_out(actor=personas.user("manager"), case=shared_case, reason="  ")


def test_attaching_many_identifiers_quickly_is_refused_with_429(personas, shared_case, settings):
    settings.TIPS_IDENTIFIER_RATE = "3/hour"
    for n in range(3):
        assert add_phone(personas, shared_case, value=f"816-555-010{n}").status_code == 201
    refused = add_phone(personas, shared_case, value="816-555-0109")
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert refused.json()["code"] == "throttled"
    assert Identifier.objects.filter(case=shared_case).count() == 3
    # Another person of another agency is counted apart.
    assert add_phone(personas, shared_case, "contributor", "816-555-0110").status_code == 201


@pytest.mark.parametrize(
    "body",
    [
        {"kind": "phone", "value": "not a number"},
        {"kind": "fax", "value": "8165550142"},
        {"kind": "phone"},
        {"kind": "phone", "value": 8165550142},
        {"kind": "plate", "value": "ABC123"},
        {},
    ],
)
def test_bad_identifiers_are_a_400_and_change_nothing(personas, shared_case, body):
    response = api_client(personas, "manager").post(
        f"/api/v1/cases/{shared_case.pk}/identifiers/", body, format="json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert not Identifier.objects.exists()


def test_the_same_identifier_twice_on_one_case_is_a_400(personas, shared_case):
    assert add_phone(personas, shared_case).status_code == 201
    again = add_phone(personas, shared_case, value="(913) 555 0177")
    assert again.status_code == 400
