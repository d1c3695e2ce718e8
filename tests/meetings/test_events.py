"""Replay follows the meeting policy as it stands now: whoever stops seeing a meeting stops
replaying its events."""

import pytest
from django.core.exceptions import PermissionDenied
from rest_framework.test import APIClient

from agencies import services as agency_services
from meetings import access, services
from tests.agencies.factories import person
from tests.meetings.conftest import chicago

pytestmark = pytest.mark.django_db


def replayed_titles(user) -> list[str]:
    client = APIClient()
    client.force_login(user)
    results = client.get("/api/v1/events/").json()["results"]
    return [e["payload"].get("meeting", {}).get("title") for e in results]


def briefing(world, **overrides):
    params = dict(
        actor=world.user("coordinator"),
        task_force=world.task_force,
        title="Secret op briefing",
        kind="operation_briefing",
        starts_at=chicago(2026, 12, 1, 9),
        ends_at=chicago(2026, 12, 1, 10),
        invited_agencies=[world.agencies["coordinator"]],
        confidential=True,
    )
    params.update(overrides)
    meeting, _ = services.meeting_schedule(**params)
    return meeting


def test_a_former_coordinator_no_longer_replays_the_meetings(meeting_world):
    former = person(meeting_world.agencies["uninvited"], username="former.coordinator")
    meeting_world.task_force.coordinators.add(former)
    meeting = briefing(meeting_world)
    assert "Secret op briefing" in replayed_titles(former)
    agency_services.coordinator_remove(actor=None, task_force=meeting_world.task_force, user=former)
    assert not access.visible_meetings(former).filter(pk=meeting.pk).exists()
    assert "Secret op briefing" not in replayed_titles(former)


def test_closing_a_training_to_outsiders_takes_back_its_events(meeting_world):
    training, _ = services.meeting_schedule(
        actor=meeting_world.user("coordinator"),
        task_force=meeting_world.task_force,
        title="Training on X",
        kind="training",
        starts_at=chicago(2026, 12, 1, 9),
        ends_at=chicago(2026, 12, 1, 10),
        invited_agencies=[meeting_world.agencies["invited"]],
        open_to_all=True,
    )
    outsider = meeting_world.user("other")
    assert "Training on X" in replayed_titles(outsider)
    services.meeting_update(
        actor=meeting_world.user("coordinator"), meeting=training, open_to_all=False
    )
    assert "Training on X" not in replayed_titles(outsider)
    assert "Training on X" in replayed_titles(meeting_world.user("invited"))


def test_an_agency_that_loses_the_case_is_uninvited_from_its_meetings(case_world):
    from cases import services as case_services

    manager = case_world.user("manager")
    case_world.task_force.coordinators.add(manager)
    meeting, _ = services.meeting_schedule(
        actor=manager,
        task_force=case_world.task_force,
        title="Case review on the motel",
        kind="case_review",
        starts_at=chicago(2026, 12, 1, 9),
        ends_at=chicago(2026, 12, 1, 10),
        case=case_world.case,
        invited_agencies=[case_world.agencies["viewer"]],
    )
    viewer = case_world.user("viewer")
    assert access.visible_meetings(viewer).filter(pk=meeting.pk).exists()
    case_services.case_unshare(
        actor=manager, case=case_world.case, agency=case_world.agencies["viewer"]
    )
    assert not access.visible_meetings(viewer).filter(pk=meeting.pk).exists()
    assert "Case review on the motel" not in replayed_titles(viewer)


def test_a_coordinator_who_cannot_see_the_case_cannot_probe_its_access(case_world):
    manager, member = case_world.user("manager"), case_world.user("member")
    case_world.task_force.coordinators.add(manager, member)
    meeting, _ = services.meeting_schedule(
        actor=manager,
        task_force=case_world.task_force,
        title="Case review",
        kind="case_review",
        starts_at=chicago(2026, 12, 1, 9),
        ends_at=chicago(2026, 12, 1, 10),
        case=case_world.case,
        invited_agencies=[case_world.agencies["viewer"]],
    )
    with pytest.raises(PermissionDenied):
        services.meeting_update(
            actor=member, meeting=meeting, invited_agencies=[case_world.agencies["contributor"]]
        )
    client = APIClient()
    client.force_login(member)
    response = client.get(f"/meetings/{meeting.pk}/edit/")
    assert response.status_code == 200
    form_agencies = {a.pk for a in response.context["form"].fields["invited_agencies"].queryset}
    assert form_agencies == {case_world.agencies["viewer"].pk}
