"""Every .ics and feed the portal produces is parsed with icalendar and checked."""

import datetime as dt

import pytest
from icalendar import Calendar
from rest_framework.test import APIClient

from meetings import services
from tests.clock import CHICAGO, chicago
from tests.personas import api_client

pytestmark = pytest.mark.django_db


def parse(response) -> Calendar:
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/calendar")
    return Calendar.from_ical(response.content)


def events(cal):
    return [c for c in cal.walk("VEVENT")]


def fetch_ics(personas, meeting, persona="invited"):
    return parse(api_client(personas, persona).get(f"/api/v1/meetings/{meeting.pk}/ics"))


def test_the_meeting_ics_carries_what_calendars_need(personas, weekly_meeting, settings):
    settings.CROSSROADS_SITE_HOST = "crossroads.example.org"
    cal = fetch_ics(personas, weekly_meeting)
    (event,) = events(cal)
    assert str(event["UID"]) == f"meeting-{weekly_meeting.pk}@crossroads.example.org"
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
    assert str(event["URL"]).endswith(f"/meetings/{weekly_meeting.pk}/")


@pytest.mark.parametrize("host", ["crossroads.example.org", "calendar.task-force.example"])
def test_uids_name_the_deployments_host(client, personas, weekly_meeting, settings, host):
    settings.CROSSROADS_SITE_HOST = host
    coordinator, meeting = personas.user("coordinator"), weekly_meeting
    services.occurrence_move(
        actor=coordinator,
        meeting=meeting,
        original_start=chicago(2026, 11, 3, 9),
        starts_at=chicago(2026, 11, 4, 13),
        ends_at=chicago(2026, 11, 4, 14),
    )
    from_api = events(fetch_ics(personas, weekly_meeting))
    from_feed = events(parse(client.get(feed_url(personas, "invited"))))
    uids = {str(event["UID"]) for event in from_api + from_feed}
    assert uids == {f"meeting-{meeting.pk}@{host}"}


def test_changed_and_cancelled_occurrences_and_a_growing_sequence(personas, weekly_meeting):
    coordinator, meeting = personas.user("coordinator"), weekly_meeting
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
    main, moved = events(fetch_ics(personas, weekly_meeting))
    exdates = [d.dt for d in main["EXDATE"].dts]
    assert exdates == [chicago(2026, 10, 27, 9)]
    assert main["SEQUENCE"] == 2
    assert moved.decoded("RECURRENCE-ID") == chicago(2026, 11, 3, 9)
    assert moved.decoded("DTSTART") == chicago(2026, 11, 4, 13)
    assert moved["UID"] == main["UID"]
    assert moved["SEQUENCE"] == 2


def test_a_cancelled_meeting_says_so(personas, weekly_meeting):
    services.meeting_cancel(actor=personas.user("coordinator"), meeting=weekly_meeting)
    (event,) = events(fetch_ics(personas, weekly_meeting))
    assert str(event["STATUS"]) == "CANCELLED"
    assert event["SEQUENCE"] == 1


def test_a_confidential_meeting_is_only_busy_time(personas, weekly_meeting):
    services.meeting_update(
        actor=personas.user("coordinator"), meeting=weekly_meeting, confidential=True
    )
    cal = fetch_ics(personas, weekly_meeting)
    (event,) = events(cal)
    assert str(event["SUMMARY"]) == "Busy"
    for field in ("LOCATION", "DESCRIPTION", "URL", "ORGANIZER"):
        assert field not in event
    text = cal.to_ical().decode()
    assert "Weekly deconfliction" not in text and "Room 4" not in text and "Targets" not in text
    assert event.decoded("DTSTART") == chicago(2026, 10, 20, 9)


def test_the_dst_change_keeps_the_local_time_in_the_rule(personas, weekly_meeting):
    (event,) = events(fetch_ics(personas, weekly_meeting))
    # The rule is expressed in local time with TZID: clients keep 09:00 across DST.
    assert event.decoded("DTSTART").tzinfo is not None
    assert event.decoded("DTSTART").astimezone(CHICAGO).hour == 9
    assert "UNTIL" not in event["RRULE"] or event["RRULE"]["UNTIL"]


# Subscription feeds


def feed_url(personas, persona):
    """The person's subscription URL, made as the calendar page makes it."""
    user = personas.user(persona)
    feed = services.feed_for(user) or services.feed_rotate(actor=user)
    return feed.get_absolute_url()


def test_the_feed_lists_the_agencys_meetings_without_a_session(client, personas, weekly_meeting):
    cal = parse(client.get(feed_url(personas, "invited")))
    assert [str(e["SUMMARY"]) for e in events(cal)] == ["Weekly deconfliction call"]


def test_the_feed_shows_nothing_the_person_may_not_see(client, personas, weekly_meeting):
    cal = parse(client.get(feed_url(personas, "member")))
    assert events(cal) == []
    assert b"Weekly deconfliction" not in cal.to_ical()


def test_a_rotated_feed_url_stops_working(client, personas):
    old = feed_url(personas, "invited")
    services.feed_rotate(actor=personas.user("invited"))
    assert client.get(old).status_code == 404
    assert client.get(feed_url(personas, "invited")).status_code == 200


def test_a_feed_dies_with_its_account_or_agency(client, personas):
    from agencies.services import agency_set_active, person_set_active

    url = feed_url(personas, "invited")
    person_set_active(actor=None, user=personas.user("invited"), active=False)
    assert client.get(url).status_code == 404
    person_set_active(actor=None, user=personas.user("invited"), active=True)
    agency_set_active(actor=None, agency=personas.agency("invited"), active=False)
    assert client.get(url).status_code == 404


def test_an_unknown_feed_token_is_404(client, db):
    assert client.get("/calendar/feed/not-a-token.ics").status_code == 404


def test_me_gives_the_feed_url(personas):
    client = APIClient()
    client.force_login(personas.user("invited"))
    assert client.get("/api/v1/me/").json()["calendar_feed_url"] is None
    services.feed_rotate(actor=personas.user("invited"))
    url = client.get("/api/v1/me/").json()["calendar_feed_url"]
    assert url.startswith("http://testserver/calendar/feed/") and url.endswith(".ics")


def test_the_page_ics_follows_the_policy(client, personas, weekly_meeting):
    client.force_login(personas.user("member"))
    assert client.get(f"/meetings/{weekly_meeting.pk}.ics").status_code == 404
    client.force_login(personas.user("invited"))
    parse(client.get(f"/meetings/{weekly_meeting.pk}.ics"))


def test_dates_use_timezone_aware_values(personas, weekly_meeting):
    (event,) = events(fetch_ics(personas, weekly_meeting))
    assert isinstance(event.decoded("DTEND"), dt.datetime)
