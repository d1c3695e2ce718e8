"""The period a report covers: a quarter by default (the current one in the task force's
zone), or any range of whole days, and the quarters before it for the series.

Days are the task force's: a case opened at 23:30 in Kansas City on 31 March counts in the
first quarter, though it is 1 April in UTC.
"""

import datetime as dt
import zoneinfo
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone

# A report longer than this is refused: ten years answers every grant question, and a
# longer range only costs the database.
MAX_DAYS = 3660
EARLIEST = dt.date(1990, 1, 1)
SERIES_QUARTERS = 8


@dataclass(frozen=True)
class Period:
    """Whole days, first and last included, in ``zone``."""

    first: dt.date
    last: dt.date
    zone: str

    @property
    def starts_at(self) -> dt.datetime:
        return _midnight(self.first, self.zone)

    @property
    def ends_at(self) -> dt.datetime:
        """The moment after the period (its end, excluded)."""
        return _midnight(self.last + dt.timedelta(days=1), self.zone)

    @property
    def label(self) -> str:
        if (self.first, self.last) == quarter_bounds(self.first):
            return quarter_label(self.first)
        return f"{self.first.isoformat()} to {self.last.isoformat()}"

    @property
    def is_quarter(self) -> bool:
        return (self.first, self.last) == quarter_bounds(self.first)


def _midnight(day: dt.date, zone: str) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=zoneinfo.ZoneInfo(zone))


def quarter_bounds(day: dt.date) -> tuple[dt.date, dt.date]:
    first_month = (day.month - 1) // 3 * 3 + 1
    first = dt.date(day.year, first_month, 1)
    if first_month == 10:
        following = dt.date(day.year + 1, 1, 1)
    else:
        following = dt.date(day.year, first_month + 3, 1)
    return first, following - dt.timedelta(days=1)


def quarter_label(day: dt.date) -> str:
    return f"Q{(day.month - 1) // 3 + 1} {day.year}"


def today_in(zone: str) -> dt.date:
    return timezone.now().astimezone(zoneinfo.ZoneInfo(zone)).date()


def _day(value: str, name: str) -> dt.date:
    try:
        day = dt.date.fromisoformat(value.strip())
    except (ValueError, TypeError, AttributeError) as exc:
        raise ValidationError({name: "Give a day as YYYY-MM-DD."}) from exc
    if day < EARLIEST or day.year > 9000:
        raise ValidationError({name: f"Give a day from {EARLIEST.isoformat()} on."})
    return day


def period_from(params, zone: str) -> Period:
    """The period ``?from=&to=`` asks for, in ``zone``; the current quarter when neither is
    given; from a day to today, or from the start of time's first quarter to a day, when one
    is. Refuses unreadable days, a start after the end and a range past ``MAX_DAYS``."""
    raw_first, raw_last = (params.get("from") or "").strip(), (params.get("to") or "").strip()
    today = today_in(zone)
    if not raw_first and not raw_last:
        first, last = quarter_bounds(today)
        return Period(first, last, zone)
    last = _day(raw_last, "to") if raw_last else max(today, _day(raw_first, "from"))
    first = _day(raw_first, "from") if raw_first else quarter_bounds(last)[0]
    if first > last:
        raise ValidationError({"from": "The period starts after it ends."})
    if (last - first).days + 1 > MAX_DAYS:
        raise ValidationError({"to": f"A report covers at most {MAX_DAYS:,} days."})
    return Period(first, last, zone)


QUARTER_ONLY = (
    "A task force report covers one calendar quarter (from its first day to its last); "
    "your own agency's report takes any dates."
)


def quarter_from(params, zone: str) -> Period:
    """The period of a report that hides small figures: exactly one calendar quarter, the
    current one when no dates are given. Any other range is refused, since two ranges that
    differ by a day (or a quarter) would give a hidden figure away by difference."""
    period = period_from(params, zone)
    if not period.is_quarter:
        raise ValidationError({"from": QUARTER_ONLY})
    return period


def previous_quarters(period: Period, count: int = SERIES_QUARTERS) -> list[Period]:
    """The ``count`` quarters that end with the quarter of the period's last day, oldest
    first."""
    quarters = []
    first, last = quarter_bounds(period.last)
    for _ in range(count):
        quarters.append(Period(first, last, period.zone))
        first, last = quarter_bounds(first - dt.timedelta(days=1))
    return quarters[::-1]
