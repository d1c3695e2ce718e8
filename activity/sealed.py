"""Data sealed for a trip through a link or a column: encrypted and authenticated (Fernet,
from ``cryptography``) with a key derived from ``SECRET_KEY`` for one purpose, so a key of
one purpose opens nothing of another. Unlike ``django.core.signing``, nobody can read what a
sealed token carries: an e-mail address in a confirmation link stays out of access logs and
browser history. ``SECRET_KEY_FALLBACKS`` still open what older keys sealed.
"""

import base64
import datetime as dt
import json
import time

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.utils.crypto import salted_hmac


class Unreadable(Exception):
    """Altered, sealed for another purpose, or under a key this deployment no longer has."""


class Expired(Exception):
    """Sealed longer ago than the reader accepts."""


def fernet(purpose: str) -> MultiFernet:
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return MultiFernet(
        [
            Fernet(
                base64.urlsafe_b64encode(
                    salted_hmac(purpose, "key", secret=key, algorithm="sha256").digest()
                )
            )
            for key in keys
        ]
    )


def seal(data: dict, *, purpose: str) -> str:
    """A URL-safe token that only this deployment can open, for ``purpose`` only."""
    return fernet(purpose).encrypt(json.dumps(data).encode()).decode()


def unseal(token: str, *, purpose: str, max_age: dt.timedelta | None = None) -> dict:
    """What ``seal`` sealed; ``Unreadable`` or ``Expired`` otherwise."""
    box = fernet(purpose)
    try:
        data = json.loads(box.decrypt(token.encode()))
        sealed_at = box.extract_timestamp(token.encode())
    except (InvalidToken, ValueError, UnicodeError) as exc:
        raise Unreadable from exc
    if max_age is not None and time.time() - sealed_at > max_age.total_seconds():
        raise Expired
    if not isinstance(data, dict):
        raise Unreadable
    return data
