"""When meetings may be: the bounds of meeting times and of the windows lists look at.

A time far outside them is a typing slip or a probe. Refusing it with a clear message keeps
every date computation (conflict horizons, list windows, recurrence expansion, time zone
conversion) far from the limits of ``datetime``, where it would fail with an overflow.
"""

import datetime as dt

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.utils import timezone

EARLIEST = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
SCHEDULE_AHEAD = relativedelta(years=10)
MAX_DURATION = dt.timedelta(days=31)
# A series that starts ten years ahead may be looked at for ten years more.
WINDOW_AHEAD = relativedelta(years=20)


def time_errors(
    *,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    registration_deadline: dt.datetime | None = None,
    what: str = "meeting",
) -> dict[str, str]:
    """What is wrong with a meeting's (or an occurrence's) times, by field: it starts before
    2000 or more than ten years from now, ends before it starts, or lasts over 31 days."""
    latest = timezone.now() + SCHEDULE_AHEAD
    errors = {}
    if starts_at < EARLIEST:
        errors["starts_at"] = f"A {what} starts in {EARLIEST.year} or later."
    elif starts_at > latest:
        errors["starts_at"] = f"A {what} starts at most ten years from now."
    if ends_at <= starts_at:
        errors["ends_at"] = f"The {what} must end after it starts."
    elif ends_at - starts_at > MAX_DURATION:
        errors["ends_at"] = f"A {what} lasts at most {MAX_DURATION.days} days."
    if registration_deadline is not None and not EARLIEST <= registration_deadline <= latest:
        errors["registration_deadline"] = (
            f"The registration deadline falls between {EARLIEST.year} and ten years from now."
        )
    return errors


def window(
    start: dt.datetime | None,
    end: dt.datetime | None,
    *,
    default_span: dt.timedelta,
    max_span: dt.timedelta,
) -> tuple[dt.datetime, dt.datetime]:
    """The [start, end) a list looks at: by default from yesterday for ``default_span``;
    within 2000 and twenty years from now, and at most ``max_span`` long."""
    now = timezone.now()
    latest = now + WINDOW_AHEAD
    bounds = f"between {EARLIEST.year} and twenty years from now"
    start = now - dt.timedelta(days=1) if start is None else start
    if not EARLIEST <= start < latest:
        raise ValidationError({"from": f"Ask for a window {bounds}."})
    end = min(start + default_span, latest) if end is None else end
    if end <= start:
        raise ValidationError({"to": "'to' must be after 'from'."})
    if end > latest:
        raise ValidationError({"to": f"Ask for a window {bounds}."})
    if end - start > max_span:
        raise ValidationError({"to": f"Ask for at most {max_span.days} days at a time."})
    return start, end


def in_window_range(day: dt.date) -> bool:
    """Whether a page may show the calendar around ``day`` (a month or a week)."""
    return EARLIEST.date() <= day <= (timezone.now() + WINDOW_AHEAD).date()
