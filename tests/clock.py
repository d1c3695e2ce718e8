"""Moments for tests, relative to the clock, that hold whatever the hour or the date: the
suite also runs with the clock moved (CROSSROADS_TEST_CLOCK_SHIFT_HOURS)."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import timezone

CHICAGO = ZoneInfo("America/Chicago")


def chicago(*args) -> dt.datetime:
    """A wall-clock time in America/Chicago, the task forces' zone."""
    return dt.datetime(*args, tzinfo=CHICAGO)


def soon(days: int, hour: int = 9) -> dt.datetime:
    """``hour`` o'clock UTC, ``days`` days from today (UTC): with two days or more, a moment
    still to come whatever the hour now; with a negative number, one past."""
    day = timezone.now().date() + dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(hour), tzinfo=dt.UTC)


def local_noon(days: int) -> dt.datetime:
    """Noon in the portal's zone, ``days`` local days from today. Expiry compares local
    dates: ``now + timedelta(days=2)`` is not two dates later at every hour (across the
    night of a daylight-saving change it can be the next date only)."""
    day = timezone.localdate() + dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(12), tzinfo=timezone.get_current_timezone())
