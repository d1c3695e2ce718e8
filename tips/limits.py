"""How many identifiers one person (``TIPS_IDENTIFIER_RATE``, such as "30/hour") and one
agency (``TIPS_IDENTIFIER_AGENCY_RATE``, "120/hour") may attach in a window, counted in the
shared cache. Deconfliction answers only for identifiers attached to one's own case or tip;
these limits keep anyone, or an agency's people together, from attaching many to learn
which are known.

Counting is atomic (``cache.add`` then ``cache.incr``), so concurrent requests on several
workers cannot each read the same count and all pass. A window starts with the first
identifier counted in it and lasts the period."""

import contextlib
import time

from django.conf import settings
from django.core.cache import cache

from agencies.access import acting_agency

PERIODS = {"s": 1, "sec": 1, "min": 60, "m": 60, "hour": 3600, "h": 3600, "day": 86400, "d": 86400}


class RateLimited(Exception):
    """Too many identifiers attached lately; ``wait`` is the seconds until one more fits."""

    def __init__(self, wait: int):
        super().__init__(f"Too many identifiers attached lately; try again in {wait} seconds.")
        self.wait = wait


def _rate(value: str) -> tuple[int, int]:
    count, _, period = value.partition("/")
    return int(count), PERIODS[period]


def _give_back(key: str, count: int) -> None:
    # The window may have ended meanwhile: then there is nothing left to give back.
    with contextlib.suppress(ValueError):
        cache.decr(key, count)


def _count(key: str, count: int, rate: str) -> None:
    """Add ``count`` to the window's counter of ``key``; ``RateLimited`` (and the count
    taken back) when that passes the limit."""
    limit, period = _rate(rate)
    now = time.time()
    cache.add(f"{key}:start", now, period)
    cache.add(key, 0, period)
    try:
        total = cache.incr(key, count)
    except ValueError:
        # The window ended between add and incr: start a new one.
        cache.add(key, 0, period)
        total = cache.incr(key, count)
    if total > limit:
        _give_back(key, count)
        start = cache.get(f"{key}:start", now)
        raise RateLimited(max(1, int(start + period - now + 0.999)))


def take(user, count: int = 1) -> None:
    """Count ``count`` identifiers attached by ``user`` now, for them and for their agency;
    ``RateLimited`` (nothing counted) when that would pass either limit."""
    if count <= 0:
        return
    person = f"tips:identifiers:user:{user.pk}"
    _count(person, count, settings.TIPS_IDENTIFIER_RATE)
    agency = acting_agency(user)
    if agency is None:
        return
    try:
        _count(f"tips:identifiers:agency:{agency.pk}", count, settings.TIPS_IDENTIFIER_AGENCY_RATE)
    except RateLimited:
        _give_back(person, count)
        raise
