"""The lock-out of failed sign-ins, on django-axes' records (CJIS 5.5.3).

Axes records every failed sign-in: the password form, the admin's login and the second step
all send Django's ``user_login_failed``. Two rules are decided here:

- an account (a username, whether it exists or not) with ``SIGNIN_FAILURE_LIMIT`` failures in
  a row within ``SIGNIN_FAILURE_WINDOW_MINUTES`` is locked, and stays locked (an
  ``AccountLock``) until ``account_unlock``;
- an address with ``SIGNIN_ADDRESS_FAILURE_LIMIT`` failures within the window, over any
  accounts, is refused until its failures age out of the window.

"In a row" is axes' ``AccessAttempt`` count of the username, cleared by a completed sign-in
and by an unlock; "within the window" is axes' failure log. Both are the latest failures of
the same username, so the failures that are both in a row and recent are the smaller count.
"""

import datetime as dt

from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt, AccessFailureLog
from axes.signals import user_locked_out
from axes.utils import reset as axes_reset
from django.conf import settings
from django.db.models import Sum
from django.utils import timezone

from agencies.models import AccountLock


def client_address(request) -> str | None:
    """The address axes records: the peer uvicorn reports (behind the proxy, rewritten from
    its X-Forwarded-For only), as the audit trail has it."""
    return request.META.get("REMOTE_ADDR") or None


def window_start() -> dt.datetime:
    return timezone.now() - dt.timedelta(minutes=settings.SIGNIN_FAILURE_WINDOW_MINUTES)


def account_locked(username: str | None) -> bool:
    """Whether sign-in to ``username`` is locked."""
    return bool(username) and AccountLock.objects.filter(username=username).exists()


def recent_failures_in_a_row(username: str | None) -> int:
    """Failures of ``username`` since its last success or unlock, within the window."""
    if not username:
        return 0
    in_a_row = (
        AccessAttempt.objects.filter(username=username).aggregate(n=Sum("failures_since_start"))[
            "n"
        ]
        or 0
    )
    if in_a_row == 0:
        return 0
    recent = AccessFailureLog.objects.filter(
        username=username, attempt_time__gte=window_start()
    ).count()
    return min(in_a_row, recent)


def address_throttled(address: str | None) -> bool:
    """Whether ``address`` failed too often within the window to try again now."""
    if not address:
        return False
    recent = AccessFailureLog.objects.filter(ip_address=address, attempt_time__gte=window_start())
    return recent.count() >= settings.SIGNIN_ADDRESS_FAILURE_LIMIT


class SigninAttemptHandler(AxesDatabaseHandler):
    """Axes' database handler with the portal's two rules (see the module's docstring).

    Axes asks ``is_locked`` before a password is checked. Once a failure is recorded (its
    attempt and its line in the failure log), reaching the limit sends axes'
    ``user_locked_out``, which ``agencies.receivers`` turns into an ``AccountLock``.
    """

    def is_locked(self, request, credentials=None) -> bool:
        username = get_client_username(request, credentials)
        return account_locked(username) or address_throttled(request.axes_ip_address)

    def get_failures(self, request, credentials=None) -> int:
        return recent_failures_in_a_row(get_client_username(request, credentials))

    def user_login_failed(self, sender, credentials, request=None, **kwargs):
        # Axes judges the limit before it writes the failure log, which the window counts:
        # the decision is taken again here, with this failure in it.
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is None:
            return
        username = get_client_username(request, credentials)
        if self.get_failures(request, credentials) >= settings.SIGNIN_FAILURE_LIMIT:
            user_locked_out.send(
                "axes", request=request, username=username, ip_address=request.axes_ip_address
            )


def failures_clear(username: str) -> None:
    """End the run of failures of ``username`` (a completed sign-in, an unlock). Only that
    username's: axes' own reset on success would also clear every attempt from the address.
    A password accepted while a second step is owed clears nothing, or guessing codes
    between two correct passwords would never lock."""
    axes_reset(username=username)


def signin_allowed(request, username: str) -> bool:
    """Whether ``username`` may try to sign in from this request now (not locked, address
    not throttled): asked again at the second step, which axes' backend does not see."""
    return AxesProxyHandler.is_allowed(request, {"username": username})
