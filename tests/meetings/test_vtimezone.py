"""The VTIMEZONE of every .ics is in RRULE form, which every client reads alike: a second
parser (dateutil's tzical) reads only the VTIMEZONE, not the TZID's name, and must put each
meeting at the instant the portal means."""

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from dateutil.tz import tzical
from icalendar import Calendar

from tests.meetings.factories import MeetingFactory
from tests.personas import api_client

pytestmark = pytest.mark.django_db
UTC = dt.UTC


def ics_of(personas, local: dt.datetime, zone: str) -> Calendar:
    starts = local.replace(tzinfo=ZoneInfo(zone))
    meeting = MeetingFactory(
        actor=personas.user("coordinator"),
        task_force=personas.task_force,
        title="Briefing",
        kind="operation_briefing",
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=1),
        timezone_name=zone,
        invited_agencies=[personas.agency("invited")],
    )
    response = api_client(personas, "invited").get(f"/api/v1/meetings/{meeting.pk}/ics")
    assert response.status_code == 200, response.content
    return Calendar.from_ical(response.content)


def start_through_the_vtimezone(cal: Calendar) -> dt.datetime:
    """DTSTART's wall-clock time read with the file's own VTIMEZONE, as UTC."""
    (vtimezone,) = cal.walk("VTIMEZONE")
    (event,) = cal.walk("VEVENT")
    tzid = event["DTSTART"].params["TZID"]
    zone = tzical(io.StringIO(vtimezone.to_ical().decode())).get(tzid)
    wall = dt.datetime.strptime(event["DTSTART"].to_ical().decode(), "%Y%m%dT%H%M%S")
    return wall.replace(tzinfo=zone).astimezone(UTC)


def observances(cal: Calendar) -> dict[str, list]:
    (vtimezone,) = cal.walk("VTIMEZONE")
    found: dict[str, list] = {}
    for part in vtimezone.subcomponents:
        found.setdefault(part.name, []).append(part)
    return found


@pytest.mark.parametrize(
    ("zone", "local", "utc"),
    [
        ("America/Chicago", dt.datetime(2027, 7, 6, 9), dt.datetime(2027, 7, 6, 14, tzinfo=UTC)),
        ("America/Chicago", dt.datetime(2027, 1, 5, 9), dt.datetime(2027, 1, 5, 15, tzinfo=UTC)),
        ("America/Phoenix", dt.datetime(2027, 7, 6, 9), dt.datetime(2027, 7, 6, 16, tzinfo=UTC)),
        ("America/Phoenix", dt.datetime(2027, 1, 5, 9), dt.datetime(2027, 1, 5, 16, tzinfo=UTC)),
        ("Australia/Sydney", dt.datetime(2027, 7, 6, 9), dt.datetime(2027, 7, 5, 23, tzinfo=UTC)),
        ("Australia/Sydney", dt.datetime(2027, 1, 5, 9), dt.datetime(2027, 1, 4, 22, tzinfo=UTC)),
    ],
)
def test_a_second_parser_reads_the_meeting_at_the_right_instant(personas, zone, local, utc):
    cal = ics_of(personas, local, zone)
    assert start_through_the_vtimezone(cal) == utc


@pytest.mark.parametrize("zone", ["America/Chicago", "Australia/Sydney"])
def test_a_zone_with_daylight_saving_is_two_yearly_rules_without_rdate(personas, zone):
    cal = ics_of(personas, dt.datetime(2027, 7, 6, 9), zone)
    parts = observances(cal)
    assert sorted(parts) == ["DAYLIGHT", "STANDARD"]
    for (part,) in parts.values():
        assert "RDATE" not in part
        assert part["RRULE"]["FREQ"] == ["YEARLY"]
        assert part.decoded("DTSTART").year == 1970
    assert b"RDATE" not in cal.to_ical()


def test_chicago_follows_the_us_rules(personas):
    parts = observances(ics_of(personas, dt.datetime(2027, 1, 5, 9), "America/Chicago"))
    (daylight,), (standard,) = parts["DAYLIGHT"], parts["STANDARD"]
    assert (daylight["RRULE"]["BYMONTH"], daylight["RRULE"]["BYDAY"]) == ([3], ["2SU"])
    assert (standard["RRULE"]["BYMONTH"], standard["RRULE"]["BYDAY"]) == ([11], ["1SU"])
    assert daylight.decoded("TZOFFSETFROM") == standard.decoded("TZOFFSETTO")
    assert daylight.decoded("TZOFFSETTO") == dt.timedelta(hours=-5)
    assert (str(daylight["TZNAME"]), str(standard["TZNAME"])) == ("CDT", "CST")


def test_a_zone_without_daylight_saving_is_one_standard_observance(personas):
    cal = ics_of(personas, dt.datetime(2027, 7, 6, 9), "America/Phoenix")
    (standard,) = observances(cal)["STANDARD"]
    assert "DAYLIGHT" not in observances(cal)
    assert "RRULE" not in standard and "RDATE" not in standard
    assert standard.decoded("TZOFFSETFROM") == standard.decoded("TZOFFSETTO")
    assert standard.decoded("TZOFFSETTO") == dt.timedelta(hours=-7)


def test_a_zone_its_footer_cannot_describe_keeps_icalendars_listed_transitions(personas):
    # Africa/Casablanca lists its Ramadan changes decades ahead; its footer knows none of
    # them, so its VTIMEZONE stays in icalendar's RDATE form.
    zone, local = "Africa/Casablanca", dt.datetime(2027, 7, 6, 9)
    cal = ics_of(personas, local, zone)
    assert b"RDATE" in cal.to_ical()
    assert start_through_the_vtimezone(cal) == local.replace(tzinfo=ZoneInfo(zone)).astimezone(UTC)
