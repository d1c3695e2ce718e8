"""Who owes a second step at sign-in, and the state an enrolment carries between its pages.

The writes (enrolment, recovery codes, resets, the audit of sign-ins) are in
``agencies.services.signin``; this module only reads.
"""

import secrets
import time
import unicodedata
from binascii import unhexlify
from enum import StrEnum

from django.conf import settings
from django.core import signing
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.models import Device
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

# An enrolment's secret travels to the confirming POST in a signed form field (the page that
# shows it writes nothing), and is good for this long.
ENROLMENT_MAX_AGE = 15 * 60
_ENROLMENT_SALT = "crossroads.mfa.enrolment"
# The first code confirms an authenticator as any later code would: the current time step,
# or one either side for a clock that drifts.
TOTP_STEP, TOTP_DIGITS, TOTP_TOLERANCE = 30, 6, 1


class SecondStep(StrEnum):
    """What a signed-in person still has to do before using the portal."""

    VERIFY = "verify"  # enter a code from their authenticator (or a recovery code)
    ENROL = "enrol"  # set up an authenticator: the portal requires one


def has_authenticator(user) -> bool:
    """Whether ``user`` has a confirmed authenticator (TOTP) device."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def mfa_required() -> bool:
    return settings.REQUIRE_MFA


def second_step(user, *, verified: bool) -> SecondStep | None:
    """The step ``user`` owes after their password: ``None`` once the session is verified,
    or when the portal does not require a second factor and they have no authenticator."""
    if verified or not user.is_authenticated:
        return None
    # The middleware and the page's layout both ask during one request: one query for both.
    enrolled = user.__dict__.get("_has_authenticator")
    if enrolled is None:
        enrolled = user.__dict__["_has_authenticator"] = has_authenticator(user)
    if enrolled:
        return SecondStep.VERIFY
    return SecondStep.ENROL if mfa_required() else None


def session_device(user, session) -> Device | None:
    """The device that verified this session, if it still belongs to ``user``: what
    django-otp's middleware decides, for places without it (the dashboard socket)."""
    persistent_id = session.get(DEVICE_ID_SESSION_KEY)
    device = Device.from_persistent_id(persistent_id) if persistent_id else None
    if device is None or device.user_id != user.pk or not device.confirmed:
        return None
    return device


def printable(text: str, limit: int = 150) -> str:
    """``text`` without control or format characters (a newline could forge a line of a
    log read as text), cut to ``limit`` characters."""
    kept = "".join(ch for ch in str(text) if unicodedata.category(ch)[0] != "C")
    return kept[:limit]


def enrolment_start(user) -> str:
    """A new TOTP secret for ``user``, signed to travel in the enrolment form."""
    key = secrets.token_hex(20)
    return signing.dumps({"user": user.pk, "key": key}, salt=_ENROLMENT_SALT, compress=True)


def enrolment_key(user, signed: str) -> str | None:
    """The secret of an enrolment form, if it was made for ``user`` and is recent enough."""
    try:
        data = signing.loads(signed, salt=_ENROLMENT_SALT, max_age=ENROLMENT_MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("user") != user.pk:
        return None
    key = data.get("key")
    return key if isinstance(key, str) and len(key) == 40 else None


def enrolment_device(user, key: str) -> TOTPDevice:
    """The authenticator the enrolment would create (not saved): its ``config_url`` is what
    the QR code holds."""
    return TOTPDevice(
        user=user, key=key, name="Authenticator app", step=TOTP_STEP, digits=TOTP_DIGITS
    )


def totp_time_step(key: str, token: str) -> int | None:
    """The time step at which ``token`` is a valid code for the secret ``key``, or
    ``None``: checks a first code before any device exists."""
    token = token.strip().replace(" ", "")
    if not (token.isascii() and token.isdigit() and len(token) == TOTP_DIGITS):
        return None
    totp = TOTP(unhexlify(key), step=TOTP_STEP, digits=TOTP_DIGITS)
    totp.time = time.time()
    if not totp.verify(int(token), tolerance=TOTP_TOLERANCE):
        return None
    return totp.t()
