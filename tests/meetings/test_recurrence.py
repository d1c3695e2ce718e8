"""Recurrence rules: refused when written unless RFC 5545 and sane bounds hold, and a bad
rule stored before those checks never breaks a list, a page or a calendar feed."""

import datetime as dt
import logging

import pytest
from django.test import Client
from icalendar import Calendar
from rest_framework.test import APIClient

from meetings import recurrence, services
from meetings.models import Meeting, OccurrenceChange
from tests.clock import chicago
from tests.meetings.factories import MeetingFactory

pytestmark = pytest.mark.django_db
UTC = dt.UTC

# Tuesdays at 09:00 Chicago (15:00 UTC in winter).
FIRST_START = "2027-01-12T15:00:00Z"
FIRST_END = "2027-01-12T16:00:00Z"


@pytest.fixture(autouse=True)
def fresh_rule_checks():
    # The check of a stored rule is cached per process; each test sees its own warnings.
    recurrence._stored_rule.cache_clear()


def api(personas, persona="coordinator") -> APIClient:
    client = APIClient()
    client.force_login(personas.user(persona))
    return client


def page(personas, persona="coordinator") -> Client:
    client = Client()
    client.force_login(personas.user(persona))
    return client


def schedule_payload(personas, **overrides) -> dict:
    return {
        "title": "Deconfliction",
        "task_force": personas.task_force.pk,
        "kind": "task_force_meeting",
        "starts_at": FIRST_START,
        "ends_at": FIRST_END,
        "invited_agencies": [personas.agency("invited").pk],
        **overrides,
    }


def listed(personas, start="2027-01-01T00:00:00Z", end="2027-03-01T00:00:00Z", persona="invited"):
    response = api(personas, persona).get("/api/v1/meetings/", {"from": start, "to": end})
    assert response.status_code == 200, response.content
    return {item["id"]: item for item in response.json()["results"]}


@pytest.mark.parametrize(
    ("rule", "says"),
    [
        ("FREQ=WEEKLY;COUNT=99999999999", "COUNT"),
        ("FREQ=WEEKLY;COUNT=0", "COUNT"),
        ("FREQ=WEEKLY;COUNT=1001", "COUNT"),
        ("FREQ=WEEKLY;INTERVAL=100", "INTERVAL"),
        ("FREQ=WEEKLY;INTERVAL=0", "INTERVAL"),
        ("FREQ=WEEKLY;UNTIL=20261231T000000Z", "UNTIL is before the first meeting"),
        ("FREQ=WEEKLY;UNTIL=20400101T000000Z", "ten years"),
        ("FREQ=WEEKLY;UNTIL=20270231", "UNTIL"),
        ("FREQ=WEEKLY;COUNT=3;UNTIL=20270301T000000Z", "COUNT or UNTIL"),
        ("FREQ=MONTHLY;BYMONTH=13", "BYMONTH"),
        ("FREQ=MONTHLY;BYMONTHDAY=32", "BYMONTHDAY"),
        ("FREQ=MONTHLY;BYMONTHDAY=0", "BYMONTHDAY"),
        ("FREQ=WEEKLY;BYMONTHDAY=12", "BYMONTHDAY cannot be used with FREQ=WEEKLY"),
        ("FREQ=YEARLY;BYYEARDAY=367", "BYYEARDAY"),
        ("FREQ=MONTHLY;BYYEARDAY=12", "BYYEARDAY cannot be used with FREQ=MONTHLY"),
        ("FREQ=YEARLY;BYWEEKNO=54", "BYWEEKNO"),
        ("FREQ=MONTHLY;BYWEEKNO=2", "BYWEEKNO cannot be used"),
        ("FREQ=WEEKLY;BYDAY=2TU", "numbered BYDAY"),
        ("FREQ=MONTHLY;BYDAY=54TU", "BYDAY position"),
        ("FREQ=MONTHLY;BYDAY=TUESDAY", "BYDAY"),
        ("FREQ=DAILY;BYHOUR=24", "BYHOUR"),
        ("FREQ=DAILY;BYHOUR=9,10", "at most daily"),
        ("FREQ=DAILY;BYMINUTE=60", "BYMINUTE"),
        ("FREQ=DAILY;BYSECOND=61", "BYSECOND"),
        ("FREQ=MONTHLY;BYDAY=TU;BYSETPOS=367", "BYSETPOS"),
        ("FREQ=MONTHLY;BYSETPOS=1", "another BY part"),
        ("FREQ=WEEKLY;WKST=XX", "WKST"),
        ("FREQ=WEEKLY;X-NAME=1", "X-NAME"),
        ("FREQ=WEEKLY;BYDAY=TU;BYDAY=WE", "twice"),
        ("FREQ=WEEKLY;COUNT=²", "COUNT"),
        ("FREQ=HOURLY", "daily, weekly, monthly or yearly"),
        ("BYDAY=TU", "daily, weekly, monthly or yearly"),
        ("FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30", "no meeting within five years"),
        ("FREQ=MONTHLY;BYDAY=6TU", "no meeting within five years"),
        ("FREQ=WEEKLY;BYDAY=MO;UNTIL=20270112T235959Z", "no meeting before its UNTIL"),
    ],
)
def test_a_bad_rule_is_refused_with_a_clear_message_and_nothing_is_created(personas, rule, says):
    count = Meeting.objects.count()
    response = api(personas).post(
        "/api/v1/meetings/", schedule_payload(personas, recurrence=rule), format="json"
    )
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "invalid"
    assert says in body["fields"]["recurrence"][0]
    assert Meeting.objects.count() == count


def test_a_rule_that_never_occurs_is_refused(personas, weekly_meeting):
    count = Meeting.objects.count()
    response = api(personas).post(
        "/api/v1/meetings/",
        schedule_payload(personas, recurrence="FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30"),
        format="json",
    )
    assert response.status_code == 400
    assert "no meeting within five years" in response.json()["fields"]["recurrence"][0]
    assert Meeting.objects.count() == count


def test_a_bad_rule_is_refused_on_change_and_the_meeting_stays_as_it_was(personas, weekly_meeting):
    meeting = weekly_meeting
    response = api(personas).patch(
        f"/api/v1/meetings/{meeting.pk}/",
        {"recurrence": "FREQ=WEEKLY;COUNT=99999999999"},
        format="json",
    )
    assert response.status_code == 400
    assert "COUNT" in response.json()["fields"]["recurrence"][0]
    meeting.refresh_from_db()
    assert (meeting.recurrence, meeting.sequence) == ("FREQ=WEEKLY;COUNT=10", 0)


def test_the_schedule_form_shows_why_a_picked_series_is_refused(personas, weekly_meeting):
    count = Meeting.objects.count()
    response = page(personas).post(
        "/meetings/new/",
        {
            "task_force": personas.task_force.pk,
            "title": "Never",
            "kind": "other",
            "starts_at": "2027-01-12T09:00",
            "ends_at": "2027-01-12T10:00",
            "timezone": "America/Chicago",
            "repeat": "weekly",
            "ends": "on",
            "until": "2026-12-01",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "before the first meeting" in errors["until"][0]
    assert Meeting.objects.count() == count


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29",
        "FREQ=MONTHLY;BYDAY=2TU",
        "FREQ=MONTHLY;BYDAY=-1FR",
        "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1",
        "FREQ=YEARLY;BYWEEKNO=20;BYDAY=TU",
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH;WKST=SU",
        "FREQ=WEEKLY;COUNT=1000",
        "rrule:freq=weekly;byday=tu",
    ],
)
def test_sound_rules_are_accepted(personas, weekly_meeting, rule):
    response = api(personas).post(
        "/api/v1/meetings/", schedule_payload(personas, recurrence=rule), format="json"
    )
    assert response.status_code == 201, response.content


def test_until_in_utc_ends_the_series_at_that_instant(personas, weekly_meeting):
    created = api(personas).post(
        "/api/v1/meetings/",
        schedule_payload(personas, recurrence="FREQ=WEEKLY;UNTIL=20270126T150000Z"),
        format="json",
    )
    assert created.status_code == 201, created.content
    meeting = listed(personas)[created.json()["id"]]
    starts = [o["starts_at"] for o in meeting["occurrences"]]
    assert starts == ["2027-01-12T15:00:00Z", "2027-01-19T15:00:00Z", "2027-01-26T15:00:00Z"]


def test_until_as_a_date_includes_that_day_here_and_in_the_ics(personas, weekly_meeting):
    created = api(personas).post(
        "/api/v1/meetings/",
        schedule_payload(personas, recurrence="FREQ=WEEKLY;UNTIL=20270126"),
        format="json",
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    meeting = listed(personas)[pk]
    assert meeting["occurrences"][-1]["starts_at"] == "2027-01-26T15:00:00Z"
    cal = Calendar.from_ical(api(personas).get(f"/api/v1/meetings/{pk}/ics").content)
    (event,) = cal.walk("VEVENT")
    (until,) = event["RRULE"]["UNTIL"]
    # RFC 5545: with a DTSTART in a zone, UNTIL is a UTC date-time; here the day's end.
    assert until == dt.datetime(2027, 1, 27, 5, 59, 59, tzinfo=UTC)


# Rules stored before the checks (legacy rows, written as the admin or an old version did)

LEGACY_RULES = [
    "FREQ=WEEKLY;COUNT=99999999999",
    "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30",
    "FREQ=HOURLY",
    "FREQ=WEEKLY;X-LEGACY=1",
]


@pytest.fixture
def good_meeting(personas):
    return MeetingFactory(
        actor=personas.user("coordinator"),
        task_force=personas.task_force,
        title="Monthly review",
        kind="case_review",
        starts_at=chicago(2026, 10, 13, 9),
        ends_at=chicago(2026, 10, 13, 10),
        recurrence_rule="FREQ=MONTHLY;BYDAY=2TU",
        invited_agencies=[personas.agency("invited")],
    )


def store_rule(meeting, rule):
    Meeting.objects.filter(pk=meeting.pk).update(recurrence=rule)


@pytest.mark.parametrize("rule", LEGACY_RULES)
def test_a_stored_bad_rule_leaves_the_feed_whole(
    client, personas, weekly_meeting, good_meeting, rule
):
    store_rule(weekly_meeting, rule)
    url = services.feed_rotate(actor=personas.user("invited")).get_absolute_url()
    response = client.get(url)
    assert response.status_code == 200
    summaries = [str(e["SUMMARY"]) for e in Calendar.from_ical(response.content).walk("VEVENT")]
    assert summaries == ["Monthly review"]


def test_a_stored_bad_rule_leaves_the_feed_whole_after_cancellation(
    client, personas, weekly_meeting, good_meeting
):
    services.meeting_cancel(actor=personas.user("coordinator"), meeting=weekly_meeting)
    store_rule(weekly_meeting, "FREQ=WEEKLY;COUNT=99999999999")
    url = services.feed_rotate(actor=personas.user("invited")).get_absolute_url()
    response = client.get(url)
    assert response.status_code == 200
    summaries = [str(e["SUMMARY"]) for e in Calendar.from_ical(response.content).walk("VEVENT")]
    assert summaries == ["Monthly review"]


@pytest.mark.parametrize("rule", LEGACY_RULES)
def test_a_stored_bad_rule_gives_no_occurrences_and_a_warning(
    personas, weekly_meeting, good_meeting, rule, caplog
):
    store_rule(weekly_meeting, rule)
    with caplog.at_level(logging.WARNING, logger="meetings.recurrence"):
        found = listed(personas, "2026-10-01T00:00:00Z", "2026-12-01T00:00:00Z")
    assert found[weekly_meeting.pk]["occurrences"] == []
    assert [o["starts_at"] for o in found[good_meeting.pk]["occurrences"]] == [
        "2026-10-13T14:00:00Z",
        "2026-11-10T15:00:00Z",
    ]
    # The warning names the meeting; an id searched for anywhere in it could also match the
    # digits of the stored rule.
    warning = f"Meeting {weekly_meeting.pk} has an unusable recurrence rule"
    assert any(r.getMessage().startswith(warning) for r in caplog.records)


@pytest.mark.parametrize("rule", ["FREQ=HOURLY", "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30"])
def test_a_stored_bad_rule_leaves_the_other_agencys_list_and_pages_working(
    personas, weekly_meeting, good_meeting, rule
):
    store_rule(weekly_meeting, rule)
    assert listed(personas, persona="coordinator")
    client = page(personas, "invited")
    assert client.get(f"/meetings/{weekly_meeting.pk}/").status_code == 200
    assert client.get("/meetings/?month=2026-11").status_code == 200
    assert client.get("/").status_code == 200


def test_a_meeting_with_a_stored_bad_rule_answers_a_clear_error_for_its_ics(
    personas, weekly_meeting
):
    store_rule(weekly_meeting, "FREQ=WEEKLY;COUNT=99999999999")
    pk = weekly_meeting.pk
    response = api(personas, "invited").get(f"/api/v1/meetings/{pk}/ics")
    assert response.status_code == 409
    assert response.json()["code"] == "not_exportable"
    assert "recurrence rule" in response.json()["detail"]
    from_page = page(personas, "invited").get(f"/meetings/{pk}.ics")
    assert from_page.status_code == 302
    assert from_page["Location"] == f"/meetings/{pk}/"


def test_an_occurrence_of_a_stored_bad_rule_cannot_be_changed(personas, weekly_meeting):
    store_rule(weekly_meeting, "FREQ=HOURLY")
    response = api(personas).post(
        f"/api/v1/meetings/{weekly_meeting.pk}/occurrences/",
        {"original_start": "2026-10-27T09:00:00-05:00", "action": "cancel"},
        format="json",
    )
    assert response.status_code == 400
    assert "original_start" in response.json()["fields"]
    assert not OccurrenceChange.objects.exists()
