"""How often the API may be called: each token has its own allowance, and each person's
browser session its own, counted in the shared cache (Redis in production, so every worker
counts together). Past it, 429 with Retry-After, in the API's one error shape.

Reads and writes are counted apart: an integration that polls does not use up what it needs
to write. The rates are settings (``API_THROTTLE_RATES``), read on every request, so tests
and the benchmark can set their own.
"""

from django.conf import settings
from rest_framework.permissions import SAFE_METHODS
from rest_framework.throttling import SimpleRateThrottle

from agencies.models import ApiToken


class PrincipalRateThrottle(SimpleRateThrottle):
    """One count per token, or per person for a session; none for anonymous callers, who
    are refused (401) before any throttle is asked."""

    def allow_request(self, request, view):
        self.scope = "read" if request.method in SAFE_METHODS else "write"
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_rate(self):
        return settings.API_THROTTLE_RATES.get(self.scope)

    def get_cache_key(self, request, view):
        if isinstance(request.auth, ApiToken):
            who = f"token:{request.auth.pk}"
        elif request.user is not None and request.user.is_authenticated:
            who = f"user:{request.user.pk}"
        else:
            return None
        return f"throttle:{self.scope}:{who}"
