"""What leaves the portal as a file: a meeting's iCalendar file, a training's roster, a
person's calendar feed. Exports are reads; each is recorded in the audit trail (the one
write a read may make)."""

import datetime as dt

from activity.services import audit_read
from meetings.models import CalendarFeed, Meeting

# Calendar apps poll a feed every few minutes; one record per this interval says who
# subscribed and when it was read, as for an API token.
FEED_READ_RESOLUTION = dt.timedelta(minutes=5)


def meeting_record_export(*, actor, meeting: Meeting) -> None:
    """Record that ``actor`` downloaded the meeting as an iCalendar file."""
    audit_read(actor=actor, action="meeting.exported", target=meeting, changes={"format": "ics"})


def roster_record_export(*, actor, meeting: Meeting) -> None:
    """Record that ``actor`` (a coordinator) downloaded the training's roster."""
    audit_read(
        actor=actor, action="training.roster_exported", target=meeting, changes={"format": "csv"}
    )


def feed_record_read(*, feed: CalendarFeed) -> None:
    """Record that the person's calendar feed was read (by their calendar app)."""
    audit_read(
        actor=feed.user,
        action="calendar.feed_read",
        target=feed,
        changes={"format": "ics"},
        once_per=FEED_READ_RESOLUTION,
    )
