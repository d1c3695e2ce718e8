"""VTIMEZONE components in the RRULE form that calendar clients read alike.

icalendar's ``add_missing_timezones()`` lists each transition of a zone in RDATE lists, and
some clients (ical.js 2.2, the library of Thunderbird's calendar) read only the first date of
each list, so for them half the year is an hour off. Google and Outlook publish the RRULE
form instead: a STANDARD and a DAYLIGHT observance, each repeating yearly from 1970. That
form is derived here from the zone's POSIX TZ string, the footer of its TZif file (RFC 8536
section 3.3), which states the rule the zone follows after its listed transitions.

No maintained Python library writes this form: icalendar writes RDATE lists, ics-vtimezones
(vzic's files) needs Python 3.14, and vobject would bring a second iCalendar stack.
"""

import calendar as month_calendar
import datetime as dt
import functools
import importlib.resources
import logging
import re
import zoneinfo
from pathlib import Path

from dateutil.rrule import rrulestr
from icalendar import Timezone, TimezoneDaylight, TimezoneStandard, vRecur

logger = logging.getLogger(__name__)

_NAME = r"(?:<([A-Za-z0-9+-]+)>|([A-Za-z]{3,}))"
_OFFSET = r"([+-]?[0-9]{1,2}(?::[0-9]{2}){0,2})"
_RULE = r"(M[0-9]{1,2}\.[0-9]\.[0-9]|J?[0-9]{1,3})(?:/([+-]?[0-9]{1,3}(?::[0-9]{2}){0,2}))?"
_POSIX = re.compile(rf"{_NAME}{_OFFSET}(?:{_NAME}{_OFFSET}?(?:,{_RULE},{_RULE})?)?")
_MONTH_WEEK_DAY = re.compile(r"M([0-9]{1,2})\.([1-5])\.([0-6])")
# POSIX counts weekdays from Sunday (0).
_DAY_CODES = ("SU", "MO", "TU", "WE", "TH", "FR", "SA")
_DAY = 24 * 3600
_FIRST_YEAR = 1970
# The footer is checked against the zone's full data over these years around today.
_CHECK_YEARS_BEFORE, _CHECK_YEARS_AFTER = 1, 20


def _tzif(name: str) -> bytes | None:
    """The zone's TZif file, found as ``zoneinfo`` finds it: the system's first, then the
    ``tzdata`` package's."""
    for directory in zoneinfo.TZPATH:
        path = Path(directory, name)
        if path.is_file():
            return path.read_bytes()
    try:
        package = importlib.resources.files("tzdata")
        return package.joinpath("zoneinfo", *name.split("/")).read_bytes()
    except (ModuleNotFoundError, FileNotFoundError, IsADirectoryError):
        return None


def _footer(data: bytes | None) -> str | None:
    # Version 2 and later files end with "\n<POSIX TZ string>\n".
    if not data or not data.startswith(b"TZif") or data[4:5] < b"2" or not data.endswith(b"\n"):
        return None
    return data[:-1].rsplit(b"\n", 1)[-1].decode("ascii", "replace")


def _seconds(text: str) -> int:
    sign = -1 if text.startswith("-") else 1
    fields = [int(field) for field in text.lstrip("+-").split(":")] + [0, 0]
    return sign * (fields[0] * 3600 + fields[1] * 60 + fields[2])


def _yearly(rule: str, seconds: int) -> tuple[str, dt.time] | None:
    """The RRULE and local time of a POSIX ``Mm.w.d/time`` transition rule, or None.

    A time outside 0-24 h (TZif version 3, e.g. Asia/Jerusalem's ``M3.4.4/26``) moves the
    transition to another weekday; it is expressible while the days it can fall on stay
    inside the month (BYDAY with a BYMONTHDAY range)."""
    match = _MONTH_WEEK_DAY.fullmatch(rule)
    if not match:
        return None  # Julian-day rules (Jn, n) have no yearly RRULE of this form.
    month, week, weekday = map(int, match.groups())
    if not 1 <= month <= 12:
        return None
    shift, seconds = divmod(seconds, _DAY)
    at = dt.time(seconds // 3600, seconds % 3600 // 60, seconds % 60)
    code = _DAY_CODES[(weekday + shift) % 7]
    if shift == 0:
        position = -1 if week == 5 else week  # week 5 is the last such weekday
        return f"FREQ=YEARLY;BYMONTH={month};BYDAY={position}{code}", at
    shortest = 28 if month == 2 else month_calendar.monthrange(2001, month)[1]
    if week == 5:
        days = range(-7 + shift, shift)  # counted from the month's end
        fits = shift <= 0 and days[0] >= -shortest
    else:
        days = range(7 * (week - 1) + 1 + shift, 7 * week + 1 + shift)
        fits = days[0] >= 1 and days[-1] <= shortest
    if not fits:
        return None
    monthdays = ",".join(map(str, days))
    return f"FREQ=YEARLY;BYMONTH={month};BYDAY={code};BYMONTHDAY={monthdays}", at


def _observances(footer: str) -> list[dict] | None:
    """The observances a POSIX TZ string describes, or None when it cannot be expressed."""
    match = _POSIX.fullmatch(footer)
    if not match:
        return None
    std_name = match.group(1) or match.group(2)
    std = dt.timedelta(seconds=-_seconds(match.group(3)))  # POSIX offsets count westward
    dst_name = match.group(4) or match.group(5)
    if dst_name is None:
        start = dt.datetime(_FIRST_YEAR, 1, 1)
        return [{"kind": "STANDARD", "name": std_name, "from": std, "to": std, "start": start}]
    if match.group(7) is None:
        return None  # DST without rules: the POSIX default rule is not the zone's.
    dst = (
        dt.timedelta(seconds=-_seconds(match.group(6)))
        if match.group(6)
        else std + dt.timedelta(hours=1)
    )
    observances = []
    for kind, name, before, after, rule, time in (
        ("DAYLIGHT", dst_name, std, dst, match.group(7), match.group(8)),
        ("STANDARD", std_name, dst, std, match.group(9), match.group(10)),
    ):
        yearly = _yearly(rule, _seconds(time) if time else 2 * 3600)
        if yearly is None:
            return None
        rrule, at = yearly
        first = rrulestr(rrule, dtstart=dt.datetime.combine(dt.date(_FIRST_YEAR, 1, 1), at))[0]
        observances.append(
            {
                "kind": kind,
                "name": name,
                "from": before,
                "to": after,
                "start": first,
                "rrule": rrule,
            }
        )
    return observances


def _onsets(observances: list[dict], years: range) -> list[tuple[dt.datetime, dict]]:
    """Each observance's start (UTC) in ``years``."""
    onsets = []
    for observance in observances:
        if "rrule" not in observance:
            continue
        rule = rrulestr(observance["rrule"], dtstart=observance["start"])
        for local in rule.between(
            dt.datetime(years.start, 1, 1), dt.datetime(years.stop, 1, 1), inc=True
        ):
            onsets.append((local.replace(tzinfo=dt.UTC) - observance["from"], observance))
    return sorted(onsets, key=lambda onset: onset[0])


def _agrees(zone: zoneinfo.ZoneInfo, observances: list[dict], years: range) -> bool:
    """Whether the footer's rule gives the offsets of the zone's full data over ``years``.

    The footer describes a zone only after its last listed transition: Africa/Casablanca
    lists Ramadan's changes up to 2087, so its footer alone would be wrong every spring."""

    def offset(moment: dt.datetime) -> dt.timedelta:
        return moment.astimezone(zone).utcoffset()

    onsets = _onsets(observances, range(years.start - 1, years.stop))
    for moment, observance in onsets:
        if offset(moment - dt.timedelta(seconds=1)) != observance["from"]:
            return False
        if offset(moment) != observance["to"]:
            return False
    # Weekly samples catch transitions the footer does not know of (a month of Ramadan).
    current = onsets[0][1]["from"] if onsets else observances[0]["to"]
    index = 0
    moment = dt.datetime(years.start, 1, 1, 12, tzinfo=dt.UTC)
    while moment.year < years.stop:
        while index < len(onsets) and onsets[index][0] <= moment:
            current = onsets[index][1]["to"]
            index += 1
        if offset(moment) != current:
            return False
        moment += dt.timedelta(days=7)
    return True


def _component(name: str, observances: list[dict]) -> Timezone:
    timezone = Timezone()
    timezone.add("tzid", name)
    for observance in observances:
        part = TimezoneDaylight() if observance["kind"] == "DAYLIGHT" else TimezoneStandard()
        part.add("dtstart", observance["start"])
        if "rrule" in observance:
            part.add("rrule", vRecur.from_ical(observance["rrule"]))
        part.add("tzoffsetfrom", observance["from"])
        part.add("tzoffsetto", observance["to"])
        part.add("tzname", observance["name"])
        timezone.add_component(part)
    return timezone


@functools.cache
def _ical(name: str) -> bytes:
    zone = zoneinfo.ZoneInfo(name)
    footer = _footer(_tzif(name))
    observances = _observances(footer) if footer else None
    this_year = dt.datetime.now(dt.UTC).year
    years = range(this_year - _CHECK_YEARS_BEFORE, this_year + _CHECK_YEARS_AFTER + 1)
    if observances is None or not _agrees(zone, observances, years):
        logger.info("Time zone %s is written in icalendar's RDATE form (footer %r).", name, footer)
        return Timezone.from_tzid(name).to_ical()
    return _component(name, observances).to_ical()


def component(name: str) -> Timezone:
    """The VTIMEZONE of the IANA zone ``name``, in RRULE form where its footer can say it.

    Otherwise (a footer with Julian-day rules or a transition that leaves its month, or a
    zone whose listed transitions still run ahead of today) icalendar's own RDATE form is
    the one that is right, even if some clients read it partly. Built once per zone."""
    return Timezone.from_ical(_ical(name))
