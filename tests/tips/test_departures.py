"""Leaving a task force, or stepping down as its coordinator, ends what it gave of its tips:
the tip, its contact details, identifiers and notices (404), and their events in replay."""

import json

import pytest

from activity.models import AuditRecord, Event
from agencies import services as agency_services
from agencies.models import MembershipRole, TaskForceMembership
from tests.agencies.factories import person
from tests.personas import api_client
from tests.tips.world import PHONE_AS_MGR_TYPES
from tips.models import Tip
from tips.services.identifiers import attach

pytestmark = pytest.mark.django_db

TIP = {"source": "hotline", "what": "Older man escorting young women.", "where": "I-70 motel"}


def record(personas, persona, **extra):
    body = {**TIP, "task_force": personas.task_force.pk, **extra}
    response = api_client(personas, persona).post("/api/v1/tips/", body, format="json")
    assert response.status_code == 201, response.content
    return Tip.objects.get(pk=response.json()["id"])


def assign(personas, tip, persona):
    response = api_client(personas, "coordinator").patch(
        f"/api/v1/tips/{tip.pk}/",
        {"action": "assign", "agency": personas.agency(persona).pk},
        format="json",
    )
    assert response.status_code == 200, response.content


def leave(personas, persona):
    membership = TaskForceMembership.objects.get(
        task_force=personas.task_force, agency=personas.agency(persona), left_on__isnull=True
    )
    agency_services.membership_end(actor=personas.user("coordinator"), membership=membership)


def replay(client) -> str:
    return json.dumps(client.get("/api/v1/events/").json())


def test_an_agency_that_leaves_loses_the_tip_assigned_to_it(personas, other_case):
    tip = record(personas, "contributor")
    assign(personas, tip, "member")
    attach(actor=personas.user("coordinator"), kind="phone", value=PHONE_AS_MGR_TYPES, tip=tip)
    member = api_client(personas, "member")
    assert member.get(f"/api/v1/tips/{tip.pk}/").json()["notices"]
    assert "tip.triaged" in replay(member) and "deconfliction.match" in replay(member)

    leave(personas, "member")

    assert member.get(f"/api/v1/tips/{tip.pk}/").status_code == 404
    assert member.get(f"/tips/{tip.pk}/").status_code in (302, 404)
    assert "tip." not in replay(member) and "deconfliction.match" not in replay(member)
    tip.refresh_from_db()
    assert tip.status == "new" and tip.assigned_agency is None
    assert AuditRecord.objects.filter(action="tip.unassigned", target_id=str(tip.pk)).exists()
    back = Event.objects.filter(kind="tip.triaged").latest("pk")
    assert back.payload["status"] == "new"
    assert set(back.audience.values_list("user_id", flat=True)) >= {personas.user("coordinator").pk}
    # The coordinators keep the tip and can assign it again.
    assert api_client(personas, "coordinator").get(f"/api/v1/tips/{tip.pk}/").status_code == 200
    assign(personas, tip, "viewer")


def test_an_agency_that_leaves_loses_the_tips_it_recorded(personas):
    tip = record(personas, "contributor")
    contributor = api_client(personas, "contributor")
    assert "tip.received" in replay(contributor)
    leave(personas, "contributor")
    assert contributor.get(f"/api/v1/tips/{tip.pk}/").status_code == 404
    assert contributor.get("/api/v1/tips/").json()["results"] == []
    assert "tip." not in replay(contributor)


def test_a_former_coordinator_no_longer_replays_tips_and_their_notices(
    personas, other_case, weekly_meeting
):
    # (The task force has a meeting, so the meetings app retracts that meeting's events
    # only; what remains of the tips is the tips app's to retract.)
    former = person(personas.agency("excluded"), username="former.tips.coordinator")
    personas.task_force.coordinators.add(former)
    record(personas, "member", identifiers=[{"kind": "phone", "value": PHONE_AS_MGR_TYPES}])
    client = api_client(personas, "member")
    client.force_login(former)
    assert "tip.received" in replay(client) and "deconfliction.match" in replay(client)

    agency_services.coordinator_remove(actor=None, task_force=personas.task_force, user=former)

    assert "tip." not in replay(client) and "deconfliction.match" not in replay(client)


def test_leaving_without_tips_retracts_nothing_else(personas, other_case):
    """An agency with no tips of the task force keeps the events it still may see."""
    other = api_client(personas, "other")
    before = {e["id"] for e in other.get("/api/v1/events/").json()["results"]}
    assert before
    membership = TaskForceMembership.objects.create(
        task_force=personas.task_force,
        agency=personas.agency("other"),
        joined_on="2020-01-01",
        role=MembershipRole.MEMBER,
    )
    agency_services.membership_end(actor=None, membership=membership)
    assert before <= {e["id"] for e in other.get("/api/v1/events/").json()["results"]}
