"""Replay follows the meeting policy as it stands now: whoever stops seeing a meeting stops
replaying its events."""

import pytest
from django.core.exceptions import PermissionDenied
from rest_framework.test import APIClient

from agencies import services as agency_services
from cases import services as case_services
from meetings import access, services
from tests.agencies.factories import person
from tests.clock import chicago
from tests.meetings.factories import MeetingFactory, TrainingFactory

pytestmark = pytest.mark.django_db


def replayed_titles(user) -> list[str]:
    client = APIClient()
    client.force_login(user)
    results = client.get("/api/v1/events/").json()["results"]
    return [e["payload"].get("meeting", {}).get("title") for e in results]


def briefing(personas, **overrides):
    params = dict(
        actor=personas.user("coordinator"),
        task_force=personas.task_force,
        title="Secret op briefing",
        kind="operation_briefing",
        starts_at=chicago(2026, 12, 1, 9),
        ends_at=chicago(2026, 12, 1, 10),
        invited_agencies=[personas.agency("manager")],
        confidential=True,
    )
    params.update(overrides)
    return MeetingFactory(**params)


def test_a_former_coordinator_no_longer_replays_the_meetings(personas):
    former = person(personas.agency("member"), username="former.coordinator")
    personas.task_force.coordinators.add(former)
    meeting = briefing(personas)
    assert "Secret op briefing" in replayed_titles(former)
    agency_services.coordinator_remove(actor=None, task_force=personas.task_force, user=former)
    assert not access.visible_meetings(former).filter(pk=meeting.pk).exists()
    assert "Secret op briefing" not in replayed_titles(former)


def test_closing_a_training_to_outsiders_takes_back_its_events(personas):
    training = TrainingFactory(
        actor=personas.user("coordinator"),
        task_force=personas.task_force,
        title="Training on X",
        starts_at=chicago(2026, 12, 1, 9),
        ends_at=chicago(2026, 12, 1, 10),
        invited_agencies=[personas.agency("invited")],
        open_to_all=True,
    )
    outsider = personas.user("other")
    assert "Training on X" in replayed_titles(outsider)
    services.meeting_update(actor=personas.user("coordinator"), meeting=training, open_to_all=False)
    assert "Training on X" not in replayed_titles(outsider)
    assert "Training on X" in replayed_titles(personas.user("invited"))


def test_an_agency_that_loses_the_case_is_uninvited_from_its_meetings(personas, shared_case):
    meeting = MeetingFactory(
        actor=personas.user("coordinator"),
        task_force=personas.task_force,
        title="Case review on the motel",
        kind="case_review",
        starts_at=chicago(2026, 12, 1, 9),
        ends_at=chicago(2026, 12, 1, 10),
        case=shared_case,
        invited_agencies=[personas.agency("viewer")],
    )
    viewer = personas.user("viewer")
    assert access.visible_meetings(viewer).filter(pk=meeting.pk).exists()
    case_services.case_unshare(
        actor=personas.user("manager"), case=shared_case, agency=personas.agency("viewer")
    )
    assert not access.visible_meetings(viewer).filter(pk=meeting.pk).exists()
    assert "Case review on the motel" not in replayed_titles(viewer)


def test_a_coordinator_who_cannot_see_the_case_cannot_probe_its_access(personas, shared_case):
    member = personas.user("member")
    personas.task_force.coordinators.add(member)
    meeting = MeetingFactory(
        actor=personas.user("coordinator"),
        task_force=personas.task_force,
        title="Case review",
        kind="case_review",
        starts_at=chicago(2026, 12, 1, 9),
        ends_at=chicago(2026, 12, 1, 10),
        case=shared_case,
        invited_agencies=[personas.agency("viewer")],
    )
    with pytest.raises(PermissionDenied):
        services.meeting_update(
            actor=member, meeting=meeting, invited_agencies=[personas.agency("contributor")]
        )
    client = APIClient()
    client.force_login(member)
    response = client.get(f"/meetings/{meeting.pk}/edit/")
    assert response.status_code == 200
    form_agencies = {a.pk for a in response.context["form"].fields["invited_agencies"].queryset}
    assert form_agencies == {personas.agency("viewer").pk}
