"""Deconfliction cannot be probed: a case marked "do not deconflict" stays out through the
tip it came from, partners that merely record tips hear of no match, and attaching
identifiers is counted atomically per person and per agency."""

import json

import pytest
from django.core.cache import cache

from cases.models import Case
from tests.cases.factories import CaseFactory
from tests.personas import api_client
from tests.tips.world import PHONE_AS_MGR_TYPES
from tips import limits, services
from tips.models import DeconflictionNotice, Tip

pytestmark = pytest.mark.django_db

TIP = {"source": "partner", "what": "Older man escorting young women.", "where": "I-70 motel"}


@pytest.fixture(autouse=True)
def fresh_counts():
    cache.clear()
    yield
    cache.clear()


def record(personas, persona, **extra):
    body = {**TIP, "task_force": personas.task_force.pk, **extra}
    response = api_client(personas, persona).post("/api/v1/tips/", body, format="json")
    assert response.status_code == 201, response.content
    return Tip.objects.get(pk=response.json()["id"])


def phone(value=PHONE_AS_MGR_TYPES):
    return [{"kind": "phone", "value": value}]


def test_an_opted_out_case_stays_out_through_the_tip_it_came_from(personas):
    tip = record(personas, "contributor", identifiers=phone())
    coordinator = api_client(personas, "coordinator")
    coordinator.patch(
        f"/api/v1/tips/{tip.pk}/",
        {"action": "assign", "agency": personas.agency("member").pk},
        format="json",
    )
    opened = api_client(personas, "member").post(f"/api/v1/tips/{tip.pk}/case/", {}, format="json")
    assert opened.status_code == 201, opened.content
    case = Case.objects.get(pk=opened.json()["id"])
    services.case_opt_out(actor=personas.user("member"), case=case, reason="Covert operation")

    # Another agency adds the same phone to a case of its own: nobody hears of anything.
    services.identifier_add(
        actor=personas.user("other"),
        case=CaseFactory(actor=personas.user("other"), task_force=personas.other_task_force),
        kind="phone",
        value=PHONE_AS_MGR_TYPES,
    )
    assert DeconflictionNotice.objects.count() == 0


def test_a_partner_that_records_a_tip_hears_of_no_match(personas, other_case):
    tip = record(personas, "contributor", identifiers=phone())
    contributor = api_client(personas, "contributor")
    assert DeconflictionNotice.objects.filter(tip=tip).exists()
    assert contributor.get(f"/api/v1/tips/{tip.pk}/").json()["notices"] == []
    assert "deconfliction.match" not in json.dumps(contributor.get("/api/v1/events/").json())
    page = contributor.get(f"/tips/{tip.pk}/")
    assert page.status_code == 200 and b"Other Task Force Agency" not in page.content

    coordinator = api_client(personas, "coordinator")
    assert coordinator.get(f"/api/v1/tips/{tip.pk}/").json()["notices"]
    coordinator.patch(
        f"/api/v1/tips/{tip.pk}/",
        {"action": "assign", "agency": personas.agency("member").pk},
        format="json",
    )
    assert api_client(personas, "member").get(f"/api/v1/tips/{tip.pk}/").json()["notices"]
    assert contributor.get(f"/api/v1/tips/{tip.pk}/").json()["notices"] == []


def test_the_people_of_one_agency_share_a_limit(personas, settings):
    settings.TIPS_IDENTIFIER_RATE = "30/hour"
    settings.TIPS_IDENTIFIER_AGENCY_RATE = "3/hour"
    record(personas, "coordinator", identifiers=phone("816-555-0101"))
    record(personas, "coordinator", identifiers=phone("816-555-0102"))
    record(personas, "manager", identifiers=phone("816-555-0103"))
    refused = api_client(personas, "manager").post(
        "/api/v1/tips/",
        {**TIP, "task_force": personas.task_force.pk, "identifiers": phone("816-555-0104")},
        format="json",
    )
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    # Another agency has its own count.
    record(personas, "member", identifiers=phone("816-555-0105"))


def test_counting_is_atomic_and_a_refusal_counts_nothing(personas, settings, monkeypatch):
    settings.TIPS_IDENTIFIER_RATE = "2/hour"
    settings.TIPS_IDENTIFIER_AGENCY_RATE = "100/hour"
    user = personas.user("member")
    calls = []
    original_incr = cache.incr
    monkeypatch.setattr(cache, "incr", lambda *a, **k: calls.append(a) or original_incr(*a, **k))
    monkeypatch.setattr(cache, "get", lambda *a, **k: pytest.fail("read-then-write"))
    monkeypatch.setattr(cache, "set", lambda *a, **k: pytest.fail("read-then-write"))
    limits.take(user, 2)
    assert calls
    monkeypatch.undo()
    with pytest.raises(limits.RateLimited):
        limits.take(user, 1)
    settings.TIPS_IDENTIFIER_RATE = "3/hour"
    limits.take(user, 1)  # the refused one was not counted
    with pytest.raises(limits.RateLimited):
        limits.take(user, 1)
