"""Recurring meetings: RRULE validation and expansion in the meeting's own time zone.

Rules are expanded on local wall-clock times and only then converted to UTC, so a weekly
09:00 America/Chicago meeting stays at 09:00 local across daylight-saving changes.
"""

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from dateutil.rrule import DAILY, MONTHLY, WEEKLY, YEARLY, rrulestr
from django.core.exceptions import ValidationError

# Meetings repeat at most daily; anything finer is a mistake, not a meeting.
ALLOWED_FREQUENCIES = {DAILY, WEEKLY, MONTHLY, YEARLY}
MAX_OCCURRENCES = 1000


@dataclass(frozen=True)
class Occurrence:
    """One occurrence of a meeting; ``original_start`` identifies it (RECURRENCE-ID)."""

    meeting: object
    original_start: dt.datetime
    starts_at: dt.datetime
    ends_at: dt.datetime
    cancelled: bool = False
    moved: bool = False


def normalise_rule(text: str) -> str:
    text = text.strip()
    return text[len("RRULE:") :] if text.upper().startswith("RRULE:") else text


def parse_rule(text: str, *, first_start: dt.datetime, time_zone: str):
    """The dateutil rule for ``text`` anchored at the first start, in local time; raises
    ``ValidationError`` with a message a person can act on."""
    rule_text = normalise_rule(text)
    if "\n" in rule_text or "DTSTART" in rule_text.upper():
        raise ValidationError({"recurrence": "Give a single RRULE, e.g. FREQ=WEEKLY;BYDAY=TU."})
    local_start = first_start.astimezone(ZoneInfo(time_zone)).replace(tzinfo=None)
    try:
        rule = rrulestr(rule_text, dtstart=local_start)
    except (ValueError, TypeError) as exc:
        raise ValidationError(
            {"recurrence": f"Not a valid RRULE ({exc}); e.g. FREQ=MONTHLY;BYDAY=2TU."}
        ) from exc
    if getattr(rule, "_freq", None) not in ALLOWED_FREQUENCIES:
        raise ValidationError({"recurrence": "Meetings repeat daily, weekly, monthly or yearly."})
    return rule


def _to_utc(local_naive: dt.datetime, tz: ZoneInfo) -> dt.datetime:
    return local_naive.replace(tzinfo=tz).astimezone(dt.UTC)


def rule_starts(meeting, start: dt.datetime, end: dt.datetime) -> list[dt.datetime]:
    """The starts (UTC) the meeting's rule gives for occurrences overlapping [start, end)."""
    duration = meeting.ends_at - meeting.starts_at
    if not meeting.recurrence:
        overlaps = meeting.starts_at < end and meeting.ends_at > start
        return [meeting.starts_at] if overlaps else []
    tz = ZoneInfo(meeting.timezone)
    rule = parse_rule(meeting.recurrence, first_start=meeting.starts_at, time_zone=meeting.timezone)
    # Widen by a day each side: local wall-clock bounds shift with the UTC offset.
    low = (start - duration - dt.timedelta(days=1)).astimezone(tz).replace(tzinfo=None)
    high = (end + dt.timedelta(days=1)).astimezone(tz).replace(tzinfo=None)
    starts = []
    for local in rule.xafter(low, count=MAX_OCCURRENCES, inc=True):
        if local > high:
            break
        utc = _to_utc(local, tz)
        if utc < end and utc + duration > start:
            starts.append(utc)
    return starts


def occurrences(meeting, start: dt.datetime, end: dt.datetime, changes=None) -> list[Occurrence]:
    """Occurrences overlapping [start, end), with cancelled and moved ones applied.

    ``changes`` are the meeting's ``OccurrenceChange`` rows (fetched if not given)."""
    if changes is None:
        changes = list(meeting.occurrence_changes.all())
    by_start = {change.original_start: change for change in changes}
    duration = meeting.ends_at - meeting.starts_at
    found = {}
    for original in rule_starts(meeting, start, end):
        change = by_start.get(original)
        if change is not None and change.starts_at is not None:
            continue  # moved: added below if its new time falls in the range
        found[original] = Occurrence(
            meeting,
            original,
            original,
            original + duration,
            cancelled=bool(change and change.cancelled),
        )
    for change in changes:
        if change.starts_at is None or change.cancelled:
            continue
        if change.starts_at < end and change.ends_at > start:
            found[change.original_start] = Occurrence(
                meeting, change.original_start, change.starts_at, change.ends_at, moved=True
            )
    return sorted(found.values(), key=lambda occurrence: occurrence.starts_at)


def is_rule_start(meeting, original_start: dt.datetime) -> bool:
    """Whether ``original_start`` is one of the starts the rule gives."""
    window_end = original_start + dt.timedelta(seconds=1)
    return original_start in rule_starts(meeting, original_start, window_end)
