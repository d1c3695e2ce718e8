"""The abuse limit of the public tip page and API: tips per address of the sender, counted
in the shared cache (``TIPS_PUBLIC_RATE``); past it, 429 with Retry-After. The address is
only the key of a count that expires: it is stored nowhere else."""

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from agencies.lockout import client_address


class PublicTipThrottle(SimpleRateThrottle):
    scope = "public_tip"

    def __init__(self):
        # The rate is read when asked, not when the class is loaded (tests set their own).
        pass

    def allow_request(self, request, view):
        self.rate = settings.TIPS_PUBLIC_RATE
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request, view):
        return f"throttle:{self.scope}:{client_address(request) or 'unknown'}"


def refusal_wait(request) -> int | None:
    """For the page: the seconds to wait if the limit refuses the request, else ``None``."""
    throttle = PublicTipThrottle()
    if throttle.allow_request(request, None):
        return None
    return int((throttle.wait() or 1) + 0.999)
