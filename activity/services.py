"""Writes of the activity app: the audit trail."""

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from activity.models import AuditRecord
from activity.request_context import current_client_address


def _actor_agency(actor):
    profile = getattr(actor, "profile", None) if actor is not None else None
    return profile.agency if profile is not None else None


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
        agency=_actor_agency(actor),
        action=action,
        target_type=ContentType.objects.get_for_model(target) if target is not None else None,
        target_id=str(target.pk) if target is not None else "",
        target_repr=str(target)[:255] if target is not None else "",
        changes=changes or {},
        ip_address=current_client_address(),
    )
