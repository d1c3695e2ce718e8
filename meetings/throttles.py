"""Abuse limits of the public training endpoints (pages and API), which anonymous people
call and the signed-in API's throttle leaves alone: requests per address, and registrations
per e-mail address, counted in the shared cache. Past them: 429 with Retry-After. The rates
are settings (``PUBLIC_THROTTLE_RATES``), read on every request."""

import hashlib

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from agencies.lockout import client_address


class PublicThrottle(SimpleRateThrottle):
    """A count in the cache under ``scope`` per key of the request (the caller's address
    unless a subclass says otherwise); a key of ``None`` counts not."""

    def __init__(self):
        # The rate is read when asked, not when the class is loaded (tests set their own).
        pass

    def allow_request(self, request, view):
        self.rate = settings.PUBLIC_THROTTLE_RATES[self.scope]
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def key(self, request) -> str | None:
        return client_address(request) or "unknown"

    def get_cache_key(self, request, view):
        found = self.key(request)
        return None if found is None else f"throttle:{self.scope}:{found}"


class PublicReadThrottle(PublicThrottle):
    """Reads of the public pages and API from one address."""

    scope = "public_read"


class PublicAddressThrottle(PublicThrottle):
    """Registrations asked from one address."""

    scope = "public_address"


class PublicEmailThrottle(PublicThrottle):
    """Registrations asked for one e-mail address (so nobody floods one mailbox)."""

    scope = "public_email"

    def key(self, request):
        data = getattr(request, "data", None)
        if data is None or not hasattr(data, "get"):
            data = request.POST
        email = data.get("email")
        if not isinstance(email, str) or not email.strip():
            return None
        return hashlib.sha256(email.strip().lower().encode()).hexdigest()


def refusal_wait(request, throttles) -> int | None:
    """For a page: the seconds to wait if any of ``throttles`` refuses the request, else
    ``None``. Every throttle counts the request (as DRF's do)."""
    waits = []
    for throttle_class in throttles:
        throttle = throttle_class()
        if not throttle.allow_request(request, None):
            waits.append(throttle.wait() or 1)
    return int(max(waits) + 0.999) if waits else None
