"""A meeting about a case stays among the agencies that have access to the case."""

import pytest
from rest_framework.test import APIClient

from meetings import services
from tests.meetings.test_departures import soon

pytestmark = pytest.mark.django_db


def client_of(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def test_a_meeting_about_a_case_is_never_open_to_all(case_world):
    manager = case_world.user("manager")
    case_world.task_force.coordinators.add(manager)
    response = client_of(manager).post(
        "/api/v1/meetings/",
        {
            "title": "Training on the motel case",
            "task_force": case_world.task_force.pk,
            "kind": "training",
            "starts_at": soon(5).isoformat(),
            "ends_at": soon(5, 12).isoformat(),
            "case": case_world.case.pk,
            "open_to_all": True,
        },
        format="json",
    )
    assert response.status_code == 400
    assert "open_to_all" in response.json()["fields"]
    assert not case_world.case.meetings.exists()
    other = case_world.user("other")
    assert client_of(other).get("/api/v1/events/").json()["results"] == []


def test_a_meeting_about_a_case_cannot_be_opened_to_all_later(case_world):
    manager = case_world.user("manager")
    case_world.task_force.coordinators.add(manager)
    training, _ = services.meeting_schedule(
        actor=manager,
        task_force=case_world.task_force,
        title="Training on the motel case",
        kind="training",
        starts_at=soon(5),
        ends_at=soon(5, 12),
        case=case_world.case,
        invited_agencies=[case_world.agencies["viewer"]],
    )
    response = client_of(manager).patch(
        f"/api/v1/meetings/{training.pk}/", {"open_to_all": True}, format="json"
    )
    assert response.status_code == 400
    training.refresh_from_db()
    assert training.open_to_all is False
    assert (
        client_of(case_world.user("other")).get(f"/api/v1/meetings/{training.pk}/").status_code
        == 404
    )
