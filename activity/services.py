"""Writes of the activity app: the audit trail."""

import datetime as dt
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from activity.models import AuditRecord
from activity.request_context import current_client_address


def _actor_agency_id(actor) -> int | None:
    # The agency the actor belongs to at the time, active or not: the trail records who
    # acted, not what they may do (that is agencies.access.acting_agency's question).
    profile = getattr(actor, "profile", None) if actor is not None else None
    return profile.agency_id if profile is not None else None


def audit_record(
    *,
    actor,
    action: str,
    target: models.Model | None = None,
    changes: dict[str, Any] | None = None,
) -> AuditRecord:
    """Append one record to the audit trail for an action done by ``actor``.

    The actor's agency and the request's address are taken at the time of the call.
    """
    return AuditRecord.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        agency_id=_actor_agency_id(actor),
        action=action,
        target_type=ContentType.objects.get_for_model(target) if target is not None else None,
        target_id=str(target.pk) if target is not None else "",
        target_repr=str(target)[:255] if target is not None else "",
        changes=changes or {},
        ip_address=current_client_address(),
    )


def audit_read(
    *,
    actor,
    action: str,
    target: models.Model,
    changes: dict[str, Any] | None = None,
    once_per: dt.timedelta | None = None,
) -> AuditRecord | None:
    """Record that ``actor`` read ``target``: the one write a read (GET) may make.

    Reads of cases and notes, and the use of an API token, are recorded here and nowhere
    else. With ``once_per``, a read repeated within that time is not recorded again (a
    token's use, which an integration repeats on every call).
    """
    if once_per is not None:
        since = timezone.now() - once_per
        recent = AuditRecord.objects.filter(
            action=action,
            target_type=ContentType.objects.get_for_model(target),
            target_id=str(target.pk),
            created_at__gte=since,
        )
        if recent.exists():
            return None
    return audit_record(actor=actor, action=action, target=target, changes=changes)
