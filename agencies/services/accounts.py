"""Accounts: passwords, and disabling the accounts nobody uses any more."""

import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models.functions import Cast, Coalesce, Greatest
from django.utils import timezone

from activity import live
from activity.models import AuditRecord
from activity.services import audit_record
from agencies.services.people import person_set_active

User = get_user_model()


@transaction.atomic
def password_set(*, actor, user, password: str, reset: bool = False) -> None:
    """Give ``user`` a new password, checked against the password rules (a
    ``ValidationError`` says which failed). ``reset``: set through an e-mailed link, so
    whoever held the account's open dashboards loses them. Sessions signed in with the old
    password end by themselves (Django compares the password hash on every request)."""
    password_validation.validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_record(actor=actor, action="password.reset" if reset else "password.changed", target=user)
    if reset:
        live.close_sockets(user_ids=[user.pk])


def _latest(action: str, **match):
    return (
        AuditRecord.objects.filter(action=action, **match).order_by("-id").values("created_at")[:1]
    )


def inactive_accounts(*, days: int | None = None):
    """Active accounts unused for ``days`` (``INACTIVE_ACCOUNT_DAYS``): no sign-in, no use
    of their API tokens (recorded in the audit trail), and no reactivation in that time. An
    account that never signed in counts from its creation."""
    days = settings.INACTIVE_ACCOUNT_DAYS if days is None else days
    cutoff = timezone.now() - dt.timedelta(days=days)
    user_type = ContentType.objects.get_for_model(User)
    reactivated = _latest(
        "person.activated",
        target_type=user_type,
        target_id=Cast(models.OuterRef("pk"), models.CharField()),
    )
    token_used = _latest("token.used", actor=models.OuterRef("pk"))
    epoch = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    last_activity = Greatest(
        Coalesce("last_login", "date_joined"),
        Coalesce(models.Subquery(token_used), models.Value(epoch)),
        Coalesce(models.Subquery(reactivated), models.Value(epoch)),
    )
    return (
        User._default_manager.filter(is_active=True)
        .annotate(last_activity=last_activity)
        .filter(last_activity__lt=cutoff)
        .order_by("username")
    )


def accounts_disable_inactive(*, days: int | None = None) -> list:
    """Disable every account ``inactive_accounts`` finds, through ``person_set_active``
    (audited, open dashboards closed), recording why. Returns the accounts disabled."""
    disabled = []
    for user in inactive_accounts(days=days):
        with transaction.atomic():
            person_set_active(actor=None, user=user, active=False)
            audit_record(
                actor=None,
                action="account.disabled_inactive",
                target=user,
                changes={"last_activity": user.last_activity},
            )
        disabled.append(user)
    return disabled
