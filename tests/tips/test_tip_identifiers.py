"""Identifiers added to a tip after it was recorded (its coordinators and assigned agency,
while it is open), and a case's "do not deconflict" mark over the API (managing agencies)."""

import pytest

from activity.models import AuditRecord
from tests.personas import api_client, page_client
from tests.tips.test_tips_api import record, triage
from tests.tips.world import PHONE_AS_MGR_TYPES, PHONE_E164, assert_blind, secrets_of
from tips.models import DeconflictionNotice, DeconflictionOptOut, Identifier, Tip

pytestmark = pytest.mark.django_db


@pytest.fixture
def tip(personas):
    response = record(personas)
    assert response.status_code == 201, response.content
    return Tip.objects.get(pk=response.json()["id"])


def add(personas, persona, tip, value=PHONE_AS_MGR_TYPES, kind="phone"):
    return api_client(personas, persona).post(
        f"/api/v1/tips/{tip.pk}/identifiers/", {"kind": kind, "value": value}, format="json"
    )


def test_a_coordinator_adds_a_phone_to_a_tip_and_it_is_matched_blindly(personas, tip, other_case):
    response = add(personas, "coordinator", tip)
    assert response.status_code == 201, response.content
    assert response.json()["value"] == PHONE_E164
    assert Identifier.objects.filter(tip=tip, value=PHONE_E164).exists()
    # OTH's case learns that a tip shares its phone; the coordinator reads the tip's notice.
    assert DeconflictionNotice.objects.filter(case=other_case.case, other_is_tip=True).exists()
    assert DeconflictionNotice.objects.filter(tip=tip, other_agency__short_name="OTH").exists()
    page = page_client(personas, "coordinator").get(f"/tips/{tip.pk}/").content.decode()
    assert_blind(page, secrets_of(other_case, knows_phone=True))
    listed = api_client(personas, "coordinator").get(f"/api/v1/tips/{tip.pk}/identifiers/")
    assert [i["value"] for i in listed.json()] == [PHONE_E164]


@pytest.mark.parametrize(
    "persona, status",
    [
        ("contributor", 403),  # recorded the tip, but it is not assigned to its agency
        ("manager", 404),  # does not see the tip
        ("other", 404),
    ],
)
def test_others_may_not_add_to_a_tip(personas, tip, persona, status):
    assert add(personas, persona, tip).status_code == status
    assert api_client(personas, persona).get(f"/api/v1/tips/{tip.pk}/identifiers/").status_code == (
        200 if status == 403 else 404
    )
    assert not Identifier.objects.filter(tip=tip).exists()


def test_the_assigned_agency_adds_until_the_tip_is_closed(personas, tip):
    triage(personas, "coordinator", tip, action="assign", agency=personas.agency("member").pk)
    assert add(personas, "member", tip).status_code == 201
    triage(personas, "coordinator", tip, action="close", reason="Nothing to act on.")
    assert add(personas, "coordinator", tip, value="816-555-0142").status_code == 403
    assert Identifier.objects.filter(tip=tip).count() == 1


def test_a_bad_identifier_on_a_tip_is_a_400_and_stores_nothing(personas, tip):
    assert add(personas, "coordinator", tip, value="not a phone").status_code == 400
    assert add(personas, "coordinator", tip, kind="fingerprint").status_code == 400
    assert not Identifier.objects.filter(tip=tip).exists()


def test_the_tip_page_offers_the_form_to_those_who_may_add(personas, tip):
    coordinator = page_client(personas, "coordinator")
    page = coordinator.get(f"/tips/{tip.pk}/").content.decode()
    assert f'action="/tips/{tip.pk}/identifiers/"' in page
    response = coordinator.post(
        f"/tips/{tip.pk}/identifiers/", {"kind": "phone", "value": PHONE_AS_MGR_TYPES}
    )
    assert response.status_code == 302
    assert Identifier.objects.filter(tip=tip, value=PHONE_E164).exists()
    recorder = page_client(personas, "contributor").get(f"/tips/{tip.pk}/").content.decode()
    assert f'action="/tips/{tip.pk}/identifiers/"' not in recorder
    refused = page_client(personas, "contributor").post(
        f"/tips/{tip.pk}/identifiers/", {"kind": "phone", "value": "816-555-0142"}
    )
    assert refused.status_code == 403
    assert (
        page_client(personas, "other")
        .post(f"/tips/{tip.pk}/identifiers/", {"kind": "phone", "value": "816-555-0142"})
        .status_code
        == 404
    )


def test_managers_mark_a_case_do_not_deconflict_over_the_api(personas, shared_case, other_case):
    path = f"/api/v1/cases/{shared_case.pk}/deconfliction/opt-out/"
    manager = api_client(personas, "manager")
    assert manager.get(path).status_code == 404  # not marked
    assert manager.post(path, {"reason": ""}, format="json").status_code == 400
    for persona in ("contributor", "viewer"):
        client = api_client(personas, persona)
        assert client.post(path, {"reason": "Covert."}, format="json").status_code == 403
        assert client.get(path).status_code == 403
    assert (
        api_client(personas, "other").post(path, {"reason": "x"}, format="json").status_code == 404
    )
    assert not DeconflictionOptOut.objects.exists()

    response = manager.post(path, {"reason": "Covert operation until March."}, format="json")
    assert response.status_code == 201
    assert manager.get(path).json()["reason"] == "Covert operation until March."
    assert AuditRecord.objects.filter(action="case.deconfliction_off").exists()
    # Marked: the phone OTH's case holds matches nothing now.
    added = manager.post(
        f"/api/v1/cases/{shared_case.pk}/identifiers/",
        {"kind": "phone", "value": PHONE_AS_MGR_TYPES},
        format="json",
    )
    assert added.status_code == 201
    assert not DeconflictionNotice.objects.exists()

    assert manager.delete(path).status_code == 204
    assert manager.get(path).status_code == 404
    assert AuditRecord.objects.filter(action="case.deconfliction_on").exists()
