"""Recurrence rules in words, and the simple rules a person picks on the meeting form.

People read "Monthly on the second Tuesday", never ``FREQ=MONTHLY;BYDAY=2TU``; the raw rule
is for the API. ``describe`` words any rule the portal accepts (a part it has no words for
leaves a plainer sentence rather than an error). ``build`` writes the rule of a choice made
on the form, and ``pick`` reads a stored rule back into those choices (``None`` when the rule
is one the form cannot show, such as a yearly or a set-position rule written over the API).
"""

import datetime as dt
import re
from dataclasses import dataclass, field

from django.utils.formats import date_format

WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
WEEKDAY_NAMES = dict(
    zip(
        WEEKDAY_CODES,
        ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
        strict=True,
    )
)
POSITIONS = {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth", -1: "last"}
POSITION_CHOICES = [(str(number), word) for number, word in POSITIONS.items()]
MONTH_NAMES = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
UNITS = {"DAILY": "day", "WEEKLY": "week", "MONTHLY": "month", "YEARLY": "year"}
ADVERBS = {"DAILY": "Daily", "WEEKLY": "Weekly", "MONTHLY": "Monthly", "YEARLY": "Yearly"}

_WEEKDAY = re.compile(r"([+-]?[0-9]{1,2})?(MO|TU|WE|TH|FR|SA|SU)")
_UNTIL = re.compile(r"([0-9]{4})([0-9]{2})([0-9]{2})")


def _parts(rule: str) -> dict[str, str]:
    text = rule.strip().upper().rstrip(";").removeprefix("RRULE:")
    parts = {}
    for item in text.split(";"):
        name, _, value = item.partition("=")
        if name and value:
            parts[name] = value
    return parts


def _join(words: list[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def _ordinal(number: int) -> str:
    if number < 0:
        return "last" if number == -1 else f"{_ordinal(-number)} to last"
    if 10 <= number % 100 <= 20:
        return f"{number}th"
    return f"{number}{({1: 'st', 2: 'nd', 3: 'rd'}).get(number % 10, 'th')}"


def _day_words(value: str) -> str | None:
    days = []
    for code in value.split(","):
        match = _WEEKDAY.fullmatch(code)
        if not match:
            return None
        position, day = match.groups()
        name = WEEKDAY_NAMES[day]
        if position:
            number = int(position)
            days.append(f"the {POSITIONS.get(number) or _ordinal(number)} {name}")
        else:
            days.append(name)
    return _join(days)


def _until_words(value: str) -> str | None:
    match = _UNTIL.match(value)
    if not match:
        return None
    try:
        day = dt.date(*map(int, match.groups()))
    except ValueError:
        return None
    return date_format(day, "DATE_FORMAT")


def describe(rule: str) -> str:
    """The rule in words: "Monthly on the second Tuesday", "Every 2 weeks on Monday and
    Thursday, 10 times", "Daily, until March 12, 2026"."""
    if not rule:
        return "Does not repeat"
    parts = _parts(rule)
    freq = parts.get("FREQ")
    if freq not in UNITS:
        return "Repeats on a custom rule"
    interval = parts.get("INTERVAL", "1")
    interval = int(interval) if interval.isdigit() and int(interval) > 0 else 1
    text = ADVERBS[freq] if interval == 1 else f"Every {interval} {UNITS[freq]}s"
    details = []
    if "BYMONTH" in parts:
        months = [
            MONTH_NAMES[int(m) - 1]
            for m in parts["BYMONTH"].split(",")
            if m.isdigit() and 0 < int(m) <= 12
        ]
        if months:
            details.append(f"in {_join(months)}")
    if "BYMONTHDAY" in parts:
        numbers = [int(d) for d in parts["BYMONTHDAY"].split(",") if d.lstrip("+-").isdigit()]
        if numbers:
            details.append("on the " + _join([_ordinal(n) for n in numbers]) + " day")
    if "BYDAY" in parts:
        days = _day_words(parts["BYDAY"])
        if days:
            details.append(f"on {days}")
    if details:
        text += " " + " ".join(details)
    known = {"FREQ", "INTERVAL", "BYMONTH", "BYMONTHDAY", "BYDAY", "COUNT", "UNTIL", "WKST"}
    if set(parts) - known:
        text += " (custom rule)"
    if parts.get("COUNT", "").isdigit():
        count = int(parts["COUNT"])
        text += ", once" if count == 1 else f", {count} times"
    elif "UNTIL" in parts and (until := _until_words(parts["UNTIL"])):
        text += f", until {until}"
    return text


# The choices of the form's picker.
NEVER, DAILY, WEEKLY, MONTHLY = "none", "daily", "weekly", "monthly"
BY_WEEKDAY, BY_MONTHDAY = "weekday", "monthday"
ENDS_NEVER, ENDS_ON, ENDS_AFTER = "never", "on", "after"


@dataclass
class Picked:
    """What a person chose on the form's recurrence picker."""

    repeat: str = NEVER
    interval: int = 1
    weekdays: list[str] = field(default_factory=list)
    monthly_by: str = BY_WEEKDAY
    month_position: int | None = None
    month_weekday: str | None = None
    month_day: int | None = None
    ends: str = ENDS_NEVER
    until: dt.date | None = None
    count: int | None = None


def build(picked: Picked, *, first_start: dt.datetime) -> str:
    """The RRULE of the picker's choices. A monthly rule whose day was left open takes the
    first meeting's (its weekday and its place in the month, or its day of the month)."""
    if picked.repeat == NEVER:
        return ""
    freq = {DAILY: "DAILY", WEEKLY: "WEEKLY", MONTHLY: "MONTHLY"}[picked.repeat]
    parts = [f"FREQ={freq}"]
    if picked.interval and picked.interval > 1:
        parts.append(f"INTERVAL={picked.interval}")
    if picked.repeat == WEEKLY and picked.weekdays:
        ordered = [code for code in WEEKDAY_CODES if code in picked.weekdays]
        parts.append("BYDAY=" + ",".join(ordered))
    if picked.repeat == MONTHLY:
        if picked.monthly_by == BY_MONTHDAY:
            parts.append(f"BYMONTHDAY={picked.month_day or first_start.day}")
        else:
            position = picked.month_position or (first_start.day - 1) // 7 + 1
            weekday = picked.month_weekday or WEEKDAY_CODES[first_start.weekday()]
            parts.append(f"BYDAY={position}{weekday}")
    if picked.ends == ENDS_AFTER and picked.count:
        parts.append(f"COUNT={picked.count}")
    elif picked.ends == ENDS_ON and picked.until:
        parts.append(f"UNTIL={picked.until:%Y%m%d}")
    return ";".join(parts)


def pick(rule: str) -> Picked | None:
    """The picker's choices that write ``rule`` again, or ``None`` when the picker cannot
    show it."""
    if not rule:
        return Picked()
    parts = _parts(rule)
    freq = parts.pop("FREQ", None)
    picked = Picked()
    try:
        picked.interval = int(parts.pop("INTERVAL", "1"))
        if "COUNT" in parts:
            picked.ends, picked.count = ENDS_AFTER, int(parts.pop("COUNT"))
        elif "UNTIL" in parts:
            match = _UNTIL.match(parts.pop("UNTIL"))
            picked.ends, picked.until = ENDS_ON, dt.date(*map(int, match.groups()))
    except (ValueError, TypeError, AttributeError):
        return None
    parts.pop("WKST", None)
    if freq == "DAILY" and not parts:
        picked.repeat = DAILY
    elif freq == "WEEKLY" and set(parts) <= {"BYDAY"}:
        days = parts.get("BYDAY", "").split(",") if parts else []
        if any(day not in WEEKDAY_CODES for day in days):
            return None
        picked.repeat, picked.weekdays = WEEKLY, days
    elif freq == "MONTHLY" and set(parts) == {"BYDAY"}:
        match = _WEEKDAY.fullmatch(parts["BYDAY"])
        if not match or not match.group(1) or int(match.group(1)) not in POSITIONS:
            return None
        picked.repeat, picked.monthly_by = MONTHLY, BY_WEEKDAY
        picked.month_position, picked.month_weekday = int(match.group(1)), match.group(2)
    elif freq == "MONTHLY" and not parts:
        # The day of the first meeting: the picker writes it out, which repeats the same.
        picked.repeat, picked.monthly_by = MONTHLY, BY_MONTHDAY
    elif freq == "MONTHLY" and set(parts) == {"BYMONTHDAY"} and parts["BYMONTHDAY"].isdigit():
        picked.repeat, picked.monthly_by = MONTHLY, BY_MONTHDAY
        picked.month_day = int(parts["BYMONTHDAY"])
        if not 1 <= picked.month_day <= 31:
            return None
    else:
        return None
    return picked
