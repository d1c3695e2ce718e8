"""Meeting times and list windows have sane bounds: an extreme date is a clear 400 (or a
form error) that changes nothing, never an overflow and a 500."""

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from meetings.models import Meeting, OccurrenceChange

pytestmark = pytest.mark.django_db


def api(personas, persona="coordinator") -> APIClient:
    client = APIClient()
    client.force_login(personas.user(persona))
    return client


def page(personas, persona="coordinator") -> Client:
    client = Client()
    client.force_login(personas.user(persona))
    return client


def iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def in_years(years: int) -> dt.datetime:
    now = timezone.now()
    return now.replace(year=now.year + years, month=6, day=1)


def schedule_payload(personas, starts_at: str, ends_at: str, **extra) -> dict:
    return {
        "title": "Far away",
        "task_force": personas.task_force.pk,
        "kind": "task_force_meeting",
        "starts_at": starts_at,
        "ends_at": ends_at,
        "invited_agencies": [personas.agency("invited").pk],
        **extra,
    }


@pytest.mark.parametrize(
    ("starts_at", "ends_at", "field"),
    [
        ("9999-12-31T23:00:00Z", "9999-12-31T23:30:00Z", "starts_at"),
        ("1999-12-31T09:00:00Z", "1999-12-31T10:00:00Z", "starts_at"),
        (lambda: iso(in_years(11)), lambda: iso(in_years(11) + dt.timedelta(hours=1)), "starts_at"),
        ("2027-01-12T15:00:00Z", "2027-02-13T15:00:00Z", "ends_at"),
        ("2027-01-12T15:00:00Z", "2027-01-12T14:00:00Z", "ends_at"),
    ],
)
def test_a_meeting_outside_the_bounds_is_refused_and_not_created(
    personas, starts_at, ends_at, field
):
    starts_at = starts_at() if callable(starts_at) else starts_at
    ends_at = ends_at() if callable(ends_at) else ends_at
    count = Meeting.objects.count()
    response = api(personas).post(
        "/api/v1/meetings/", schedule_payload(personas, starts_at, ends_at), format="json"
    )
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "invalid"
    assert response.json()["fields"][field]
    assert Meeting.objects.count() == count


def test_a_meeting_up_to_ten_years_ahead_and_a_month_long_is_accepted(personas, weekly_meeting):
    starts = in_years(9)
    response = api(personas).post(
        "/api/v1/meetings/",
        schedule_payload(personas, iso(starts), iso(starts + dt.timedelta(days=31))),
        format="json",
    )
    assert response.status_code == 201, response.content


def test_a_registration_deadline_far_away_is_refused(personas, weekly_meeting):
    response = api(personas).post(
        "/api/v1/meetings/",
        schedule_payload(
            personas,
            "2027-01-12T15:00:00Z",
            "2027-01-12T16:00:00Z",
            kind="training",
            registration_deadline="9999-12-31T23:00:00Z",
        ),
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["fields"]["registration_deadline"]


def test_moving_a_meeting_to_the_end_of_time_is_refused_and_changes_nothing(
    personas, weekly_meeting
):
    meeting = weekly_meeting
    response = api(personas).patch(
        f"/api/v1/meetings/{meeting.pk}/",
        {"starts_at": "9999-12-31T23:00:00Z", "ends_at": "9999-12-31T23:30:00Z"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["fields"]["starts_at"]
    before = (meeting.starts_at, meeting.ends_at, meeting.sequence)
    meeting.refresh_from_db()
    assert (meeting.starts_at, meeting.ends_at, meeting.sequence) == before


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"from": "9999-12-31T00:00:00Z"}, "from"),
        ({"from": "1900-01-01T00:00:00Z"}, "from"),
        ({"from": "2027-01-01T00:00:00Z", "to": "9999-12-31T00:00:00Z"}, "to"),
        ({"to": "0001-01-02T00:00:00Z"}, "to"),
        ({"from": "2027-01-01T00:00:00Z", "to": "2026-01-01T00:00:00Z"}, "to"),
        ({"from": "not a date"}, "from"),
        ({"from": "2027-01-01T00:00:00Z", "to": "not a date"}, "to"),
    ],
)
def test_a_list_window_out_of_range_is_a_clear_400(personas, weekly_meeting, query, field):
    response = api(personas, "invited").get("/api/v1/meetings/", query)
    assert response.status_code == 400, response.content
    assert response.json()["fields"][field]


def test_a_list_window_reaching_twenty_years_ahead_is_answered(personas, weekly_meeting):
    start = in_years(19)
    response = api(personas, "invited").get("/api/v1/meetings/", {"from": iso(start)})
    assert response.status_code == 200, response.content


@pytest.mark.parametrize(
    "body",
    [
        {"original_start": "2026-10-27T09:00:00-05:00", "action": "move",
         "starts_at": "9999-12-31T23:00:00Z", "ends_at": "9999-12-31T23:30:00Z"},
        {"original_start": "2026-10-27T09:00:00-05:00", "action": "move",
         "starts_at": "2026-10-27T09:00:00-05:00", "ends_at": "2026-12-27T09:00:00-06:00"},
        {"original_start": "9999-12-31T23:59:59Z", "action": "cancel"},
        {"original_start": "0001-01-01T12:00:00Z", "action": "cancel"},
    ],
)  # fmt: skip
def test_an_occurrence_cannot_be_moved_or_found_at_an_extreme_date(personas, weekly_meeting, body):
    response = api(personas).post(
        f"/api/v1/meetings/{weekly_meeting.pk}/occurrences/", body, format="json"
    )
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "invalid"
    assert not OccurrenceChange.objects.exists()


def test_the_schedule_form_refuses_an_extreme_date(personas, weekly_meeting):
    count = Meeting.objects.count()
    response = page(personas).post(
        "/meetings/new/",
        {
            "task_force": personas.task_force.pk,
            "title": "Far away",
            "kind": "other",
            "starts_at": "9999-12-31T23:00",
            "ends_at": "9999-12-31T23:30",
            "timezone": "America/Chicago",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["starts_at"]
    assert Meeting.objects.count() == count


def test_the_edit_form_refuses_an_extreme_date_in_a_zone_east_of_utc(personas, weekly_meeting):
    meeting = weekly_meeting
    response = page(personas).post(
        f"/meetings/{meeting.pk}/edit/",
        {
            "title": meeting.title,
            "kind": meeting.kind,
            "starts_at": "0001-01-01T00:00",
            "ends_at": "0001-01-01T01:00",
            "timezone": "Asia/Tokyo",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["starts_at"]
    before = meeting.starts_at
    meeting.refresh_from_db()
    assert meeting.starts_at == before


@pytest.mark.parametrize(
    "post",
    [
        {"action": "move", "original_start": "2026-10-27T09:00",
         "starts_at": "9999-12-31T23:00", "ends_at": "9999-12-31T23:30"},
        {"action": "cancel", "original_start": "9999-12-31T23:59"},
        {"action": "cancel", "original_start": "0001-01-01T00:00"},
    ],
)  # fmt: skip
def test_the_occurrence_form_refuses_an_extreme_date(personas, weekly_meeting, post):
    meeting = weekly_meeting
    response = page(personas).post(f"/meetings/{meeting.pk}/occurrence/", post)
    assert response.status_code == 302
    assert [m.level_tag for m in get_messages(response.wsgi_request)] == ["error"]
    assert not OccurrenceChange.objects.exists()


@pytest.mark.parametrize(
    "query",
    ["month=9999-12", "month=0001-01", "view=week&week=9999-12-31", "view=week&week=0001-01-01"],
)
def test_the_calendar_pages_survive_extreme_dates(personas, weekly_meeting, query):
    response = page(personas, "invited").get(f"/meetings/?{query}")
    assert response.status_code == 200
