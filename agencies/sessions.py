"""When a signed-in session ends: idle too long, or too old (CJIS 5.5.5, 5.5.6).

A session starts at sign-in (``session_start``): it records the time and gets an absolute
expiry, which activity never extends. The time of the last activity is not saved in the
session, since a read may write nothing to the database: it travels in a separate signed
cookie, bound to the session's key and renewed on every response. A session whose last
activity (that cookie, or the sign-in when the cookie is missing or belongs to another
session) is older than the idle limit, or whose absolute expiry has passed, has ended: it
opens nothing, and nothing can revive it, since only the server signs a fresher cookie, and
only for a session that has not ended. Sign in again.
"""

import datetime as dt
import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core import signing
from django.utils import timezone

SIGNED_IN_AT = "crossroads.signed_in_at"
_ACTIVITY_SALT = "crossroads.session.activity"


def idle_limit() -> dt.timedelta:
    return dt.timedelta(minutes=settings.SESSION_IDLE_MINUTES)


def absolute_limit() -> dt.timedelta:
    return dt.timedelta(seconds=settings.SESSION_COOKIE_AGE)


def session_start(session) -> None:
    """Mark the sign-in in ``session`` and fix its expiry: sign-in time plus the lifetime."""
    now = timezone.now()
    session[SIGNED_IN_AT] = int(now.timestamp())
    session.set_expiry(now + absolute_limit())


def _binding(session_key: str) -> str:
    # The cookie names its session without carrying the session key itself.
    return hashlib.sha256(f"{_ACTIVITY_SALT}:{session_key}".encode()).hexdigest()[:32]


def activity_cookie(session_key: str) -> str:
    """The signed value of the activity cookie for ``session_key``, dated now."""
    now = int(timezone.now().timestamp())
    return signing.dumps({"s": _binding(session_key), "t": now}, salt=_ACTIVITY_SALT)


def _activity_time(session_key: str | None, cookie: str | None) -> int | None:
    if not session_key or not cookie:
        return None
    try:
        data = signing.loads(cookie, salt=_ACTIVITY_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("s") != _binding(session_key):
        return None
    moment = data.get("t")
    return moment if isinstance(moment, int) else None


@dataclass(frozen=True)
class SessionState:
    """What a signed-in session's dates say: ``ended`` is ``None`` while it may be used,
    else ``"idle"`` or ``"expired"``."""

    ended: str | None
    last_activity: dt.datetime | None
    expires_at: dt.datetime | None


def _moment(timestamp: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(timestamp, tz=dt.UTC)


def session_state(session, activity_cookie_value: str | None) -> SessionState | None:
    """The state of a signed-in ``session`` now, ``None`` when nobody is signed in to it.

    A signed-in session without a sign-in time predates these rules: it has ended.
    """
    if SESSION_KEY not in session:
        return None
    signed_in = session.get(SIGNED_IN_AT)
    if not isinstance(signed_in, int):
        return SessionState(ended="expired", last_activity=None, expires_at=None)
    active = max(signed_in, _activity_time(session.session_key, activity_cookie_value) or 0)
    last_activity, expires_at = _moment(active), _moment(signed_in) + absolute_limit()
    now = timezone.now()
    if now >= expires_at:
        ended = "expired"
    elif now - last_activity > idle_limit():
        ended = "idle"
    else:
        ended = None
    return SessionState(ended=ended, last_activity=last_activity, expires_at=expires_at)
