"""The second factor: enrolment of an authenticator, recovery codes, removal and reset."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from activity import live
from activity.services import audit_record
from agencies import access
from agencies.services.signin import second_factor_check
from agencies.signin import enrolment_device, has_authenticator, totp_time_step

RECOVERY_CODE_COUNT = 10


def _new_recovery_codes(user) -> list[str]:
    device, _ = StaticDevice.objects.get_or_create(
        user=user, defaults={"name": "Recovery codes", "confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def _remove_devices(user) -> int:
    removed = 0
    for model in (TOTPDevice, StaticDevice):
        # Counted before the delete, whose count includes the recovery codes it cascades to.
        devices = model.objects.filter(user=user)
        removed += devices.count()
        devices.delete()
    return removed


@transaction.atomic
def mfa_enrol(*, user, key: str, token: str) -> tuple[TOTPDevice, list[str]]:
    """Confirm ``user``'s authenticator for the secret ``key`` with a first code from it,
    and give them a fresh set of one-time recovery codes, to be shown once. A wrong code is
    a ``ValidationError``; a person with an authenticator already removes it first."""
    if has_authenticator(user):
        raise ValidationError("You already have an authenticator: remove it first.")
    time_step = totp_time_step(key, token)
    if time_step is None:
        raise ValidationError(
            "That code does not match. Check the time on your phone and try again."
        )
    device = enrolment_device(user, key)
    device.confirmed = True
    # The code just used cannot be used again to sign in.
    device.last_t = time_step
    device.full_clean()
    device.save()
    codes = _new_recovery_codes(user)
    audit_record(actor=user, action="mfa.enrolled", target=user)
    return device, codes


@transaction.atomic
def recovery_codes_regenerate(*, user) -> list[str]:
    """Replace ``user``'s recovery codes with a new set (the old ones stop working), to be
    shown once. Only a person with an authenticator has recovery codes."""
    if not has_authenticator(user):
        raise ValidationError("Set up an authenticator first.")
    codes = _new_recovery_codes(user)
    audit_record(actor=user, action="mfa.recovery_codes_regenerated", target=user)
    return codes


def mfa_remove(*, user, token: str) -> None:
    """Remove ``user``'s authenticator and recovery codes, confirmed by a current code (or a
    recovery code). Where the portal requires a second factor, they set one up again before
    going on."""
    # Checked before the transaction: a wrong code's throttling must stay recorded.
    if second_factor_check(user=user, token=token) is None:
        raise ValidationError("That code is not valid.")
    with transaction.atomic():
        _remove_devices(user)
        audit_record(actor=user, action="mfa.removed", target=user)


@transaction.atomic
def mfa_reset(*, actor, user) -> int:
    """Remove every device of ``user`` (a lost phone): they set up an authenticator again at
    their next sign-in, and their open dashboards close. Their agency's admins and superusers
    may; anyone else is refused (``PermissionDenied``). Returns the number removed."""
    if not access.can_manage_person(actor, user):
        raise PermissionDenied("You cannot manage this person's account.")
    removed = _remove_devices(user)
    audit_record(actor=actor, action="mfa.reset", target=user, changes={"devices": removed})
    live.close_sockets(user_ids=[user.pk])
    return removed
