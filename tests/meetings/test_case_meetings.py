"""A meeting about a case stays among the agencies that have access to the case."""

import pytest

from tests.clock import soon
from tests.meetings.factories import TrainingFactory
from tests.personas import api_client

pytestmark = pytest.mark.django_db


def test_a_meeting_about_a_case_is_never_open_to_all(personas, shared_case):
    response = api_client(personas, "coordinator").post(
        "/api/v1/meetings/",
        {
            "title": "Training on the motel case",
            "task_force": personas.task_force.pk,
            "kind": "training",
            "starts_at": soon(5).isoformat(),
            "ends_at": soon(5, 12).isoformat(),
            "case": shared_case.pk,
            "open_to_all": True,
        },
        format="json",
    )
    assert response.status_code == 400
    assert "open_to_all" in response.json()["fields"]
    assert not shared_case.meetings.exists()
    assert api_client(personas, "other").get("/api/v1/events/").json()["results"] == []


def test_a_meeting_about_a_case_cannot_be_opened_to_all_later(personas, shared_case):
    training = TrainingFactory(
        actor=personas.user("coordinator"),
        task_force=personas.task_force,
        title="Training on the motel case",
        starts_at=soon(5),
        ends_at=soon(5, 12),
        case=shared_case,
        invited_agencies=[personas.agency("viewer")],
    )
    response = api_client(personas, "coordinator").patch(
        f"/api/v1/meetings/{training.pk}/", {"open_to_all": True}, format="json"
    )
    assert response.status_code == 400
    training.refresh_from_db()
    assert training.open_to_all is False
    assert api_client(personas, "other").get(f"/api/v1/meetings/{training.pk}/").status_code == 404
