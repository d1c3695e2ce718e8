"""How many identifiers one person may attach in a window (``TIPS_IDENTIFIER_RATE``, such
as "30/hour"), counted in the shared cache. Deconfliction answers only for identifiers
attached to one's own case or tip; this limit keeps anyone from attaching many to learn
which are known."""

import time

from django.conf import settings
from django.core.cache import cache

PERIODS = {"s": 1, "sec": 1, "min": 60, "m": 60, "hour": 3600, "h": 3600, "day": 86400, "d": 86400}


class RateLimited(Exception):
    """Too many identifiers attached lately; ``wait`` is the seconds until one more fits."""

    def __init__(self, wait: int):
        super().__init__(f"Too many identifiers attached lately; try again in {wait} seconds.")
        self.wait = wait


def _rate() -> tuple[int, int]:
    count, _, period = settings.TIPS_IDENTIFIER_RATE.partition("/")
    return int(count), PERIODS[period]


def take(user, count: int = 1) -> None:
    """Count ``count`` identifiers attached by ``user`` now; ``RateLimited`` (nothing
    counted) when that would pass the limit."""
    if count <= 0:
        return
    limit, period = _rate()
    key = f"tips:identifiers:{user.pk}"
    now = time.time()
    history = [at for at in cache.get(key, []) if at > now - period]
    if len(history) + count > limit:
        oldest = sorted(history)[max(0, len(history) + count - limit - 1)] if history else now
        raise RateLimited(max(1, int(oldest + period - now + 0.999)))
    cache.set(key, history + [now] * count, period)
