"""Recurring meetings: RRULE validation and expansion in the meeting's own time zone.

Rules are expanded on local wall-clock times and only then converted to UTC, so a weekly
09:00 America/Chicago meeting stays at 09:00 local across daylight-saving changes.

A rule is checked when it is written (``parse_rule``): RFC 5545's grammar and ranges, bounds
that keep a series finite in practice (COUNT, UNTIL, INTERVAL), a round trip through
icalendar (which writes the .ics files), and a first occurrence within a few years of the
first start. A rule stored before those checks that fails them gives no occurrences and a
warning in the log, never an error or a search to the year 9999.
"""

import datetime as dt
import functools
import logging
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from dateutil.rrule import rrulestr
from django.core.exceptions import ValidationError
from icalendar import vRecur

logger = logging.getLogger(__name__)

# Meetings repeat at most daily; anything finer is a mistake, not a meeting.
ALLOWED_FREQUENCIES = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")
MAX_OCCURRENCES = 1000
MAX_INTERVAL = 99
UNTIL_HORIZON = relativedelta(years=10)
# Long enough for a rule that only meets on February 29.
FIRST_OCCURRENCE_WITHIN = relativedelta(years=5)

WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
# RFC 5545 section 3.3.10: each numeric BY part's range, whether it may count from the end
# (a negative value), and the frequencies it may be used with (among those allowed here).
# BYSECOND stops at 59: a leap second is no time for a meeting, and dateutil refuses it.
NUMERIC_PARTS = {
    "BYSECOND": (0, 59, False, ALLOWED_FREQUENCIES),
    "BYMINUTE": (0, 59, False, ALLOWED_FREQUENCIES),
    "BYHOUR": (0, 23, False, ALLOWED_FREQUENCIES),
    "BYMONTHDAY": (1, 31, True, ("DAILY", "MONTHLY", "YEARLY")),
    "BYYEARDAY": (1, 366, True, ("YEARLY",)),
    "BYWEEKNO": (1, 53, True, ("YEARLY",)),
    "BYMONTH": (1, 12, False, ALLOWED_FREQUENCIES),
    "BYSETPOS": (1, 366, True, ALLOWED_FREQUENCIES),
}
KNOWN_PARTS = {"FREQ", "UNTIL", "COUNT", "INTERVAL", "BYDAY", "WKST", *NUMERIC_PARTS}
# Several values of these would make several meetings a day.
ONE_VALUE_PARTS = ("BYHOUR", "BYMINUTE", "BYSECOND")

_NUMBER = re.compile(r"([+-]?)([0-9]{1,3})")
_WEEKDAY = re.compile(r"([+-]?)([0-9]{1,2})?(MO|TU|WE|TH|FR|SA|SU)")
_UNTIL = re.compile(r"([0-9]{4})([0-9]{2})([0-9]{2})(?:T([0-9]{2})([0-9]{2})([0-9]{2})(Z?))?")

# dateutil looks for a rule's next occurrence until one matches or the year 9999 is passed.
# The Gregorian calendar repeats exactly every 400 years (146097 days, 20871 whole weeks), so a
# rule anchored 400·k years later gives the same occurrences 400·k years later: anchored within
# 400 years of 9999, the search for a first occurrence ends within 400 years even when there
# is none. The anchor stays early enough for FIRST_OCCURRENCE_WITHIN to fit before 9999.
_SEARCH_ANCHOR_YEAR = 9993
_GREGORIAN_CYCLE_YEARS = 400


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
    # A trailing ";" is a common slip and changes nothing.
    text = text.strip().upper().rstrip(";")
    return text[len("RRULE:") :] if text.startswith("RRULE:") else text


def _refuse(message: str):
    raise ValidationError({"recurrence": message})


def _split(rule_text: str) -> dict[str, str]:
    parts: dict[str, str] = {}
    for item in rule_text.split(";"):
        name, equals, value = item.partition("=")
        if not equals or not name or not value:
            _refuse(f"{item!r} is not NAME=VALUE; e.g. FREQ=WEEKLY;BYDAY=TU.")
        if name not in KNOWN_PARTS:
            _refuse(f"{name} is not a rule part of RFC 5545; e.g. FREQ=MONTHLY;BYDAY=2TU.")
        if name in parts:
            _refuse(f"{name} is given twice.")
        parts[name] = value
    return parts


def _bounded_int(name: str, value: str, low: int, high: int) -> int:
    if not re.fullmatch(r"[0-9]{1,9}", value) or not low <= int(value) <= high:
        _refuse(f"{name} must be a whole number from {low} to {high}.")
    return int(value)


def _check_numeric(parts: dict[str, str], freq: str) -> None:
    for name, (low, high, signed, frequencies) in NUMERIC_PARTS.items():
        if name not in parts:
            continue
        if freq not in frequencies:
            _refuse(f"{name} cannot be used with FREQ={freq} (RFC 5545).")
        values = parts[name].split(",")
        if name in ONE_VALUE_PARTS and len(values) > 1:
            _refuse(f"Meetings repeat at most daily: give one {name} value.")
        for value in values:
            match = _NUMBER.fullmatch(value)
            number = int(match.group(2)) if match else -1
            if not match or (match.group(1) and not signed) or not low <= number <= high:
                span = f"±{low} to ±{high}" if signed else f"{low} to {high}"
                _refuse(f"{name} values are whole numbers from {span}; {value!r} is not.")
    if "BYSETPOS" in parts and not any(
        name.startswith("BY") and name != "BYSETPOS" for name in parts
    ):
        _refuse("BYSETPOS only picks among the occurrences of another BY part (RFC 5545).")


def _check_byday(parts: dict[str, str], freq: str) -> None:
    days = parts["BYDAY"].split(",") if "BYDAY" in parts else []
    for value in days:
        match = _WEEKDAY.fullmatch(value)
        if not match or (match.group(1) and not match.group(2)):
            _refuse(f"BYDAY takes weekdays such as TU or 2TU; {value!r} is not one.")
        if match.group(2):
            if not 1 <= int(match.group(2)) <= 53:
                _refuse(f"A BYDAY position is from ±1 to ±53; {value!r} is not.")
            if freq not in ("MONTHLY", "YEARLY"):
                _refuse(f"A numbered BYDAY ({value}) needs FREQ=MONTHLY or FREQ=YEARLY.")
            if "BYWEEKNO" in parts:
                _refuse("A numbered BYDAY cannot be used with BYWEEKNO (RFC 5545).")
    if "WKST" in parts and parts["WKST"] not in WEEKDAYS:
        _refuse(f"WKST is a weekday ({', '.join(WEEKDAYS)}).")


def _until(value: str, tz: ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
    """UNTIL as (local wall-clock time, UTC instant). A date means the end of that day in
    the meeting's zone; a date-time without Z is wall-clock time there."""
    match = _UNTIL.fullmatch(value)
    if not match:
        _refuse("UNTIL is a date or a UTC date-time, e.g. UNTIL=20271231T235959Z.")
    year, month, day, hour, minute, second, utc = match.groups()
    try:
        if hour is None:
            local = dt.datetime(int(year), int(month), int(day), 23, 59, 59)
            return local, local.replace(tzinfo=tz).astimezone(dt.UTC)
        moment = dt.datetime(*map(int, (year, month, day, hour, minute, second)))
        if utc:
            instant = moment.replace(tzinfo=dt.UTC)
            return instant.astimezone(tz).replace(tzinfo=None), instant
        return moment, moment.replace(tzinfo=tz).astimezone(dt.UTC)
    except (ValueError, OverflowError):
        _refuse(f"UNTIL={value} is not a date that exists.")


def _first_occurrence(rule_text: str, local_start: dt.datetime) -> dt.datetime | None:
    """The first occurrence of the rule without COUNT or UNTIL, found in bounded time."""
    cycles = (_SEARCH_ANCHOR_YEAR - local_start.year) // _GREGORIAN_CYCLE_YEARS
    shift = cycles * _GREGORIAN_CYCLE_YEARS
    rule = rrulestr(rule_text, dtstart=local_start.replace(year=local_start.year + shift))
    first = next(iter(rule), None)
    return None if first is None else first.replace(year=first.year - shift)


def _local_start(first_start: dt.datetime, tz: ZoneInfo) -> dt.datetime:
    return first_start.astimezone(tz).replace(tzinfo=None)


def parse_rule(text: str, *, first_start: dt.datetime, time_zone: str):
    """The dateutil rule for ``text`` anchored at the first start, in local time; raises
    ``ValidationError`` with a message a person can act on."""
    rule_text = normalise_rule(text)
    if "\n" in rule_text or "DTSTART" in rule_text:
        _refuse("Give a single RRULE, e.g. FREQ=WEEKLY;BYDAY=TU.")
    tz = ZoneInfo(time_zone)
    local_start = _local_start(first_start, tz)
    parts = _split(rule_text)
    freq = parts.get("FREQ")
    if freq not in ALLOWED_FREQUENCIES:
        _refuse(
            "Meetings repeat daily, weekly, monthly or yearly: "
            "FREQ=DAILY, WEEKLY, MONTHLY or YEARLY."
        )
    if "COUNT" in parts and "UNTIL" in parts:
        _refuse("Give COUNT or UNTIL, not both.")
    if "COUNT" in parts:
        _bounded_int("COUNT", parts["COUNT"], 1, MAX_OCCURRENCES)
    if "INTERVAL" in parts:
        _bounded_int("INTERVAL", parts["INTERVAL"], 1, MAX_INTERVAL)
    _check_numeric(parts, freq)
    _check_byday(parts, freq)
    until_local = None
    if "UNTIL" in parts:
        until_local, until_utc = _until(parts["UNTIL"], tz)
        if until_utc < first_start:
            _refuse("UNTIL is before the first meeting.")
        if until_utc > first_start + UNTIL_HORIZON:
            _refuse("UNTIL is at most ten years after the first meeting.")
        parts["UNTIL"] = f"{until_local:%Y%m%dT%H%M%S}"
    try:
        vRecur.from_ical(vRecur.from_ical(rule_text).to_ical().decode())
        rule = rrulestr(";".join(f"{k}={v}" for k, v in parts.items()), dtstart=local_start)
        unbounded = ";".join(f"{k}={v}" for k, v in parts.items() if k not in ("COUNT", "UNTIL"))
        first = _first_occurrence(unbounded, local_start)
    except (ValueError, TypeError, OverflowError) as exc:
        # The libraries' own words ("not enough values to unpack") mean nothing to a person.
        logger.info("Recurrence rule %r refused by the parsers: %r", rule_text, exc)
        raise ValidationError(
            {
                "recurrence": "This rule cannot be read as an RFC 5545 RRULE; "
                "e.g. FREQ=MONTHLY;BYDAY=2TU."
            }
        ) from exc
    if first is None or first > local_start + FIRST_OCCURRENCE_WITHIN:
        _refuse(
            "This rule gives no meeting within five years of the first start; "
            "check its BYMONTH, BYMONTHDAY, BYDAY and similar parts."
        )
    if until_local is not None and first > until_local:
        _refuse("This rule gives no meeting before its UNTIL.")
    return rule


@functools.lru_cache(maxsize=4096)
def _stored_rule(meeting_id, text: str, first_start: dt.datetime, time_zone: str):
    try:
        return parse_rule(text, first_start=first_start, time_zone=time_zone)
    except (ValidationError, ValueError, KeyError, OverflowError) as exc:
        reason = " ".join(exc.messages) if isinstance(exc, ValidationError) else repr(exc)
        logger.warning(
            "Meeting %s has an unusable recurrence rule %r (%s); it shows no occurrences.",
            meeting_id,
            text,
            reason,
        )
        return None


def stored_rule(meeting):
    """The meeting's rule, or None when the stored rule is not usable (written before the
    checks of ``parse_rule``). The check runs once per rule, start and zone."""
    if not meeting.recurrence:
        return None
    return _stored_rule(meeting.pk, meeting.recurrence, meeting.starts_at, meeting.timezone)


def ical_rule(meeting) -> vRecur:
    """The meeting's rule as icalendar writes it: UNTIL as a UTC date-time, as RFC 5545
    asks of a rule whose DTSTART carries a time zone, and as expansion here reads it."""
    text = normalise_rule(meeting.recurrence)
    rule = vRecur.from_ical(text)
    parts = _split(text)
    if "UNTIL" in parts:
        rule["UNTIL"] = [_until(parts["UNTIL"], ZoneInfo(meeting.timezone))[1]]
    return rule


def _to_utc(local_naive: dt.datetime, tz: ZoneInfo) -> dt.datetime:
    return local_naive.replace(tzinfo=tz).astimezone(dt.UTC)


# Expansion never looks past this: far beyond any meeting, and safe from datetime's limits.
_FAR_FUTURE = dt.datetime(9000, 1, 1, tzinfo=dt.UTC)


def rule_starts(meeting, start: dt.datetime, end: dt.datetime) -> list[dt.datetime]:
    """The starts (UTC) the meeting's rule gives for occurrences overlapping [start, end)."""
    duration = meeting.ends_at - meeting.starts_at
    if not meeting.recurrence:
        overlaps = meeting.starts_at < end and meeting.ends_at > start
        return [meeting.starts_at] if overlaps else []
    rule = stored_rule(meeting)
    if rule is None:
        return []
    # No occurrence starts before the first, so an earlier start changes nothing.
    start, end = max(start, meeting.starts_at), min(end, _FAR_FUTURE)
    if end <= start:
        return []
    tz = ZoneInfo(meeting.timezone)
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
    if not meeting.starts_at <= original_start < _FAR_FUTURE:
        return False
    window_end = original_start + dt.timedelta(seconds=1)
    return original_start in rule_starts(meeting, original_start, window_end)
