"""Every .ics and feed the portal produces is parsed with icalendar and checked."""

import datetime as dt

import pytest
from icalendar import Calendar
from rest_framework.test import APIClient

from meetings import services
from tests.meetings.conftest import CHICAGO, chicago

pytestmark = pytest.mark.django_db


def parse(response) -> Calendar:
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/calendar")
    return Calendar.from_ical(response.content)


def events(cal):
    return [c for c in cal.walk("VEVENT")]


def fetch_ics(world, persona="invited"):
    client = APIClient()
    client.force_login(world.user(persona))
    return parse(client.get(f"/api/v1/meetings/{world.meeting.pk}/ics"))


def test_the_meeting_ics_carries_what_calendars_need(meeting_world, settings):
    settings.CROSSROADS_SITE_HOST = "crossroads.example.org"
    cal = fetch_ics(meeting_world)
    (event,) = events(cal)
    assert str(event["UID"]) == f"meeting-{meeting_world.meeting.pk}@crossroads.example.org"
    start = event.decoded("DTSTART")
    assert start == chicago(2026, 10, 20, 9)
    assert event["DTSTART"].params["TZID"] == "America/Chicago"
    assert event["DTEND"].params["TZID"] == "America/Chicago"
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["America/Chicago"]
    assert event["RRULE"]["FREQ"] == ["WEEKLY"]
    assert event["SEQUENCE"] == 0
    assert str(event["STATUS"]) == "CONFIRMED"
    assert str(event["SUMMARY"]) == "Weekly deconfliction call"
    assert str(event["LOCATION"]) == "Room 4"
    assert str(event["ORGANIZER"]).startswith("mailto:")
    assert str(event["URL"]).endswith(f"/meetings/{meeting_world.meeting.pk}/")


@pytest.mark.parametrize("host", ["crossroads.example.org", "calendar.task-force.example"])
def test_uids_name_the_deployments_host(client, meeting_world, settings, host):
    settings.CROSSROADS_SITE_HOST = host
    coordinator, meeting = meeting_world.user("coordinator"), meeting_world.meeting
    services.occurrence_move(
        actor=coordinator,
        meeting=meeting,
        original_start=chicago(2026, 11, 3, 9),
        starts_at=chicago(2026, 11, 4, 13),
        ends_at=chicago(2026, 11, 4, 14),
    )
    from_api = events(fetch_ics(meeting_world))
    from_feed = events(parse(client.get(feed_url(meeting_world, "invited"))))
    uids = {str(event["UID"]) for event in from_api + from_feed}
    assert uids == {f"meeting-{meeting.pk}@{host}"}


def test_changed_and_cancelled_occurrences_and_a_growing_sequence(meeting_world):
    coordinator, meeting = meeting_world.user("coordinator"), meeting_world.meeting
    services.occurrence_cancel(
        actor=coordinator, meeting=meeting, original_start=chicago(2026, 10, 27, 9)
    )
    services.occurrence_move(
        actor=coordinator,
        meeting=meeting,
        original_start=chicago(2026, 11, 3, 9),
        starts_at=chicago(2026, 11, 4, 13),
        ends_at=chicago(2026, 11, 4, 14),
    )
    main, moved = events(fetch_ics(meeting_world))
    exdates = [d.dt for d in main["EXDATE"].dts]
    assert exdates == [chicago(2026, 10, 27, 9)]
    assert main["SEQUENCE"] == 2
    assert moved.decoded("RECURRENCE-ID") == chicago(2026, 11, 3, 9)
    assert moved.decoded("DTSTART") == chicago(2026, 11, 4, 13)
    assert moved["UID"] == main["UID"]
    assert moved["SEQUENCE"] == 2


def test_a_cancelled_meeting_says_so(meeting_world):
    services.meeting_cancel(actor=meeting_world.user("coordinator"), meeting=meeting_world.meeting)
    (event,) = events(fetch_ics(meeting_world))
    assert str(event["STATUS"]) == "CANCELLED"
    assert event["SEQUENCE"] == 1


def test_a_confidential_meeting_is_only_busy_time(meeting_world):
    services.meeting_update(
        actor=meeting_world.user("coordinator"), meeting=meeting_world.meeting, confidential=True
    )
    cal = fetch_ics(meeting_world)
    (event,) = events(cal)
    assert str(event["SUMMARY"]) == "Busy"
    for field in ("LOCATION", "DESCRIPTION", "URL", "ORGANIZER"):
        assert field not in event
    text = cal.to_ical().decode()
    assert "Weekly deconfliction" not in text and "Room 4" not in text and "Targets" not in text
    assert event.decoded("DTSTART") == chicago(2026, 10, 20, 9)


def test_the_dst_change_keeps_the_local_time_in_the_rule(meeting_world):
    (event,) = events(fetch_ics(meeting_world))
    # The rule is expressed in local time with TZID: clients keep 09:00 across DST.
    assert event.decoded("DTSTART").tzinfo is not None
    assert event.decoded("DTSTART").astimezone(CHICAGO).hour == 9
    assert "UNTIL" not in event["RRULE"] or event["RRULE"]["UNTIL"]


# Subscription feeds


def feed_url(world, persona):
    """The person's subscription URL, made as the calendar page makes it."""
    user = world.user(persona)
    feed = services.feed_for(user) or services.feed_rotate(actor=user)
    return feed.get_absolute_url()


def test_the_feed_lists_the_agencys_meetings_without_a_session(client, meeting_world):
    cal = parse(client.get(feed_url(meeting_world, "invited")))
    assert [str(e["SUMMARY"]) for e in events(cal)] == ["Weekly deconfliction call"]


def test_the_feed_shows_nothing_the_person_may_not_see(client, meeting_world):
    cal = parse(client.get(feed_url(meeting_world, "uninvited")))
    assert events(cal) == []
    assert b"Weekly deconfliction" not in cal.to_ical()


def test_a_rotated_feed_url_stops_working(client, meeting_world):
    old = feed_url(meeting_world, "invited")
    services.feed_rotate(actor=meeting_world.user("invited"))
    assert client.get(old).status_code == 404
    assert client.get(feed_url(meeting_world, "invited")).status_code == 200


def test_a_feed_dies_with_its_account_or_agency(client, meeting_world):
    from agencies.services import agency_set_active, person_set_active

    url = feed_url(meeting_world, "invited")
    person_set_active(actor=None, user=meeting_world.user("invited"), active=False)
    assert client.get(url).status_code == 404
    person_set_active(actor=None, user=meeting_world.user("invited"), active=True)
    agency_set_active(actor=None, agency=meeting_world.agencies["invited"], active=False)
    assert client.get(url).status_code == 404


def test_an_unknown_feed_token_is_404(client, db):
    assert client.get("/calendar/feed/not-a-token.ics").status_code == 404


def test_me_gives_the_feed_url(meeting_world):
    client = APIClient()
    client.force_login(meeting_world.user("invited"))
    assert client.get("/api/v1/me/").json()["calendar_feed_url"] is None
    services.feed_rotate(actor=meeting_world.user("invited"))
    url = client.get("/api/v1/me/").json()["calendar_feed_url"]
    assert url.startswith("http://testserver/calendar/feed/") and url.endswith(".ics")


def test_the_page_ics_follows_the_policy(client, meeting_world):
    client.force_login(meeting_world.user("uninvited"))
    assert client.get(f"/meetings/{meeting_world.meeting.pk}.ics").status_code == 404
    client.force_login(meeting_world.user("invited"))
    parse(client.get(f"/meetings/{meeting_world.meeting.pk}.ics"))


def test_dates_use_timezone_aware_values(meeting_world):
    (event,) = events(fetch_ics(meeting_world))
    assert isinstance(event.decoded("DTEND"), dt.datetime)
