"""iCalendar (RFC 5545) for meetings, built with the ``icalendar`` library.

One VEVENT per meeting with a stable UID (named by the deployment's host, so two portals'
meetings never merge in one calendar), DTSTART/DTEND in the meeting's zone (TZID) with the
matching VTIMEZONE in RRULE form (``meetings/vtimezone.py``), RRULE and EXDATE for a
recurring meeting, and one more VEVENT with RECURRENCE-ID for each moved occurrence.
SEQUENCE grows with every change. A confidential meeting carries only its time and "Busy":
calendars leave the portal.
"""

import datetime as dt
import logging
from zoneinfo import ZoneInfo

from django.conf import settings
from django.http import HttpResponse
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

from meetings import access, recurrence, vtimezone

logger = logging.getLogger(__name__)

PRODID = "-//Crossroads//Task force calendar//EN"


class RenderError(Exception):
    """A meeting that cannot be written as iCalendar (a rule stored before rules were
    checked, or data no calendar can hold); the message says what a person can do."""


def _uid(meeting) -> str:
    return f"meeting-{meeting.pk}@{settings.CROSSROADS_SITE_HOST}"


def _local(moment: dt.datetime, tz: ZoneInfo) -> dt.datetime:
    return moment.astimezone(tz)


def _describe(event: Event, meeting, url: str) -> None:
    if not access.shows_details(meeting):
        event.add("summary", "Busy")
        event.add("class", "CONFIDENTIAL")
        return
    event.add("summary", meeting.title)
    description = meeting.agenda
    if meeting.video_url:
        description = f"{description}\n\nVideo: {meeting.video_url}".strip()
    if description:
        event.add("description", description)
    if meeting.location:
        event.add("location", meeting.location)
    event.add("url", url)
    organizer = vCalAddress(f"mailto:{meeting.organizer.email or 'noreply@crossroads.invalid'}")
    organizer.params["cn"] = vText(meeting.organizer.get_full_name() or meeting.organizer.username)
    event.add("organizer", organizer)


def meeting_events(meeting, *, url: str, changes=None) -> list[Event]:
    """The VEVENTs of one meeting: the series (or single meeting) and its moved occurrences."""
    tz = ZoneInfo(meeting.timezone)
    changes = list(meeting.occurrence_changes.all()) if changes is None else changes
    stamp = timezone.now()
    status = "CANCELLED" if meeting.is_cancelled else "CONFIRMED"

    main = Event()
    main.add("uid", _uid(meeting))
    main.add("dtstamp", stamp)
    main.add("dtstart", _local(meeting.starts_at, tz))
    main.add("dtend", _local(meeting.ends_at, tz))
    main.add("sequence", meeting.sequence)
    main.add("status", status)
    main.add("last-modified", meeting.updated_at)
    _describe(main, meeting, url)
    events = [main]
    if meeting.recurrence:
        if recurrence.stored_rule(meeting) is None:
            raise RenderError(
                "This meeting's recurrence rule is not valid, so it cannot be exported; "
                "a coordinator of its task force can correct the rule."
            )
        main.add("rrule", recurrence.ical_rule(meeting))
        cancelled = [_local(c.original_start, tz) for c in changes if c.cancelled]
        if cancelled:
            main.add("exdate", cancelled)
        for change in changes:
            if change.cancelled or change.starts_at is None:
                continue
            moved = Event()
            moved.add("uid", _uid(meeting))
            moved.add("dtstamp", stamp)
            moved.add("recurrence-id", _local(change.original_start, tz))
            moved.add("dtstart", _local(change.starts_at, tz))
            moved.add("dtend", _local(change.ends_at, tz))
            moved.add("sequence", change.sequence)
            moved.add("status", status)
            _describe(moved, meeting, url)
            events.append(moved)
    return events


def _events_of(meeting, url: str) -> list[Event]:
    try:
        return meeting_events(meeting, url=url)
    except RenderError:
        raise
    except Exception as exc:  # any one meeting's data, whatever is wrong with it
        raise RenderError("This meeting cannot be written as iCalendar.") from exc


def calendar(meetings, *, url_for, name: str, skip_failures: bool = False) -> bytes:
    """A VCALENDAR with the meetings' events and the VTIMEZONEs they use.

    A meeting that cannot be written raises ``RenderError``; with ``skip_failures`` (the
    subscription feeds) it is left out and logged, so one bad meeting never takes a whole
    calendar down."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    for meeting in meetings:
        try:
            events = _events_of(meeting, url_for(meeting))
        except RenderError:
            if not skip_failures:
                raise
            logger.exception("Meeting %s is left out of the calendar %r.", meeting.pk, name)
            continue
        for event in events:
            cal.add_component(event)
    for tzid in sorted(cal.get_missing_tzids()):
        cal.subcomponents.insert(len(cal.timezones), vtimezone.component(tzid))
    return cal.to_ical()


def response(body: bytes, filename: str) -> HttpResponse:
    """An iCalendar file as an HTTP download."""
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
