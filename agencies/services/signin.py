"""Sign-in: the audit of its steps, the second factor's check, locks and their lifting."""

import django_otp
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from activity.models import AuditOutcome
from activity.services import audit_record
from agencies import access
from agencies.lockout import failures_clear
from agencies.models import AccountLock
from agencies.signin import printable

User = get_user_model()


def _account(username: str):
    return User._default_manager.filter(username=username).first() if username else None


def _agency_id(account) -> int | None:
    """The agency of the account a sign-in concerns: its admins read what happened to it."""
    profile = getattr(account, "profile", None) if account is not None else None
    return profile.agency_id if profile is not None else None


@transaction.atomic
def signin_complete(*, user, factors: list[str]) -> None:
    """Record that ``user`` finished signing in with ``factors`` (``password``, then
    ``totp`` or ``recovery_code``), and end their run of failed attempts."""
    failures_clear(user.get_username())
    audit_record(actor=user, action="signin.succeeded", target=user, changes={"factors": factors})


@transaction.atomic
def signin_password_accepted(*, user) -> None:
    """Record a correct password for ``user``, who still owes the second step."""
    audit_record(actor=user, action="signin.password_accepted", target=user)


@transaction.atomic
def signin_fail(*, username: str, step: str) -> None:
    """Record a failed sign-in for the name that was tried (cleaned of control characters,
    so it cannot forge a line of a log); the account, when it exists, is the target."""
    account = _account(username)
    audit_record(
        actor=None,
        action="signin.failed",
        target=account,
        changes={"username": printable(username), "step": printable(step, 20)},
        outcome=AuditOutcome.FAILURE,
        agency_id=_agency_id(account),
    )


@transaction.atomic
def signout_record(*, user) -> None:
    """Record that ``user`` signed out."""
    audit_record(actor=user, action="signin.signed_out", target=user)


def second_factor_check(*, user, token: str) -> Device | None:
    """The device that accepts ``token`` for ``user``: a code of their authenticator, else
    one of their recovery codes (used up by this). ``None`` when neither does.

    django-otp verifies under a row lock, slows repeated failures down, and refuses a code
    already used; the caller records the outcome (a failure counts toward the lock-out).
    """
    token = "".join(token.split()).replace("-", "").lower()[:16]
    if not token:
        return None
    devices = [
        *TOTPDevice.objects.filter(user=user, confirmed=True),
        *StaticDevice.objects.filter(user=user, confirmed=True),
    ]
    for device in devices:
        verified = django_otp.verify_token(user, device.persistent_id, token)
        if verified is not None:
            return verified
    return None


@transaction.atomic
def account_lock(*, username: str, address: str | None) -> AccountLock | None:
    """Lock sign-in to ``username`` after too many failures (django-axes decided it). Once:
    a lock already in place is left as it is. Returns the new lock, else ``None``."""
    lock, created = AccountLock.objects.get_or_create(
        username=username[:255], defaults={"ip_address": address}
    )
    if not created:
        return None
    account = _account(username)
    audit_record(
        actor=None,
        action="signin.locked",
        target=account,
        changes={"username": printable(username)},
        agency_id=_agency_id(account),
    )
    return lock


@transaction.atomic
def account_unlock(*, actor, user) -> bool:
    """Lift the lock on ``user``'s sign-in and clear their failed attempts. Their agency's
    admins and superusers may; anyone else is refused (``PermissionDenied``). Returns
    whether there was a lock."""
    if not access.can_manage_person(actor, user):
        raise PermissionDenied("You cannot manage this person's account.")
    username = user.get_username()
    failures_clear(username)
    deleted, _ = AccountLock.objects.filter(username=username).delete()
    if not deleted:
        return False
    audit_record(actor=actor, action="signin.unlocked", target=user)
    return True
