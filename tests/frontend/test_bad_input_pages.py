"""Bad input on pages answers a clear 4xx and changes nothing, also in debug mode."""

import pytest

from cases.models import CaseStatus
from meetings.models import Meeting
from tests.frontend.test_meeting_pages import schedule_data
from tests.personas import page_client

pytestmark = pytest.mark.django_db


def test_a_series_ending_in_the_last_years_of_the_calendar_is_refused_not_a_crash(personas):
    response = page_client(personas, "coordinator").post(
        "/meetings/new/",
        schedule_data(
            personas,
            starts_at="9999-12-01T09:00",
            ends_at="9999-12-01T10:00",
            repeat="daily",
            ends="on",
            until="9999-12-31",
        ),
    )
    # The form comes back with what to correct (a 500 before).
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not Meeting.objects.exists()


def test_a_task_force_that_is_not_a_number_is_not_found(personas):
    response = page_client(personas, "coordinator").get("/meetings/new/?task_force=abc")
    assert response.status_code == 404


def test_too_many_fields_is_a_400_in_debug_mode_too(personas, settings):
    settings.DEBUG = True
    fields = {f"field{i}": "x" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)}
    response = page_client(personas, "viewer").post("/profile/", fields)
    assert response.status_code == 400
    assert b"Traceback" not in response.content


def test_a_refused_close_shows_its_step_again_with_400(personas, shared_case):
    response = page_client(personas, "manager").post(
        f"/cases/{shared_case.pk}/status/",
        {"status": CaseStatus.CLOSED, "reason": "r" * 5000},
    )
    assert response.status_code == 400
    shared_case.refresh_from_db()
    assert shared_case.status != CaseStatus.CLOSED
