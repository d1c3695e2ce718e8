"""Writes of the activity app: the audit trail."""

import datetime as dt
import ipaddress
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from activity import chain
from activity.inert import inert, inert_json
from activity.models import AuditOutcome, AuditRecord
from activity.request_context import current_client_address, first_in_request

# An object named by its model and the id asked for, without loading it: a denied request
# names what was asked for and nothing that would tell whether it exists.
Target = models.Model | tuple[type[models.Model], Any]


def _actor_agency_id(actor) -> int | None:
    # The agency the actor belongs to at the time, active or not: the trail records who
    # acted, not what they may do (that is agencies.access.acting_agency's question).
    profile = getattr(actor, "profile", None) if actor is not None else None
    return profile.agency_id if profile is not None else None


def _client_address() -> str | None:
    address = current_client_address()
    try:
        return str(ipaddress.ip_address(address)) if address else None
    except ValueError:
        # Not an address (a misconfigured proxy header): the column holds addresses only.
        return None


def _target_columns(target: Target | None) -> dict[str, Any]:
    if target is None:
        return {"target_type": None, "target_id": "", "target_repr": ""}
    if isinstance(target, tuple):
        model, pk = target
        return {
            "target_type": ContentType.objects.get_for_model(model),
            "target_id": inert(str(pk))[:64],
            "target_repr": "",
        }
    return {
        "target_type": ContentType.objects.get_for_model(target),
        "target_id": inert(str(target.pk))[:64],
        "target_repr": inert(str(target))[:255],
    }


def audit_record(
    *,
    actor,
    action: str,
    target: Target | None = None,
    changes: dict[str, Any] | None = None,
    outcome: str = AuditOutcome.SUCCESS,
    agency_id: int | None = None,
) -> AuditRecord:
    """Append one record to the audit trail for an action done by ``actor``.

    The actor's agency (or, for a record without an actor that concerns one agency's
    person, such as a failed sign-in to their account, ``agency_id``: whose admins read it),
    the request's address and the time are taken at the time of the call. The record is
    inserted unsealed, without a lock, so a service may audit anywhere in its transaction;
    the hash chain seals it once that transaction commits (``activity.chain``). ``target``
    is the object acted on, or ``(Model, id)`` for one named but not loaded. Text in
    ``changes`` and the target's text is stored inert (``activity.inert``); ``changes``
    becomes plain JSON.
    """
    if outcome not in AuditOutcome.values:
        raise ValueError(f"Unknown audit outcome {outcome!r}.")
    return chain.append(
        actor=actor if actor is not None and actor.is_authenticated else None,
        agency_id=_actor_agency_id(actor) or agency_id,
        action=inert(action)[:64],
        outcome=outcome,
        changes=inert_json(changes or {}),
        ip_address=_client_address(),
        **_target_columns(target),
    )


def audit_read(
    *,
    actor,
    action: str,
    target: Target | None = None,
    changes: dict[str, Any] | None = None,
    outcome: str = AuditOutcome.SUCCESS,
    once_per: dt.timedelta | None = None,
) -> AuditRecord | None:
    """Record that ``actor`` read ``target``: the one write a read (GET) may make (with
    its seal, which sets the record's place in the chain once the request commits).

    Reads of cases and notes, exports, reads of the audit trail, the use of an API token
    and requests the access policy refuses (``outcome=DENIED``, ``target=(Model, id)``)
    are recorded here and nowhere else. The same read of the same object is recorded once
    per request, however often the view asks. With ``once_per``, a read the same person
    repeated within that time is not recorded again (a token's use, which an integration
    repeats on every call).
    """
    columns = _target_columns(target)
    target_type_id = columns["target_type"].pk if columns["target_type"] is not None else None
    actor_id = actor.pk if actor is not None and actor.is_authenticated else None
    if not first_in_request((actor_id, action, target_type_id, columns["target_id"])):
        return None
    if once_per is not None:
        recent = AuditRecord.objects.filter(
            action=action,
            actor_id=actor_id,
            target_type_id=target_type_id,
            target_id=columns["target_id"],
            created_at__gte=timezone.now() - once_per,
        )
        if recent.exists():
            return None
    return audit_record(actor=actor, action=action, target=target, changes=changes, outcome=outcome)


def audit_denied(*, actor, model: type[models.Model], requested_id) -> None:
    """Record a request for an object the access policy answers 404 (the caller may not see
    it, or it does not exist: one answer for both), as ``<model>.denied``. The record names
    the model and the id asked for, never anything of the object, so it reads the same
    whether or not the object exists. Recorded once per request."""
    requested = str(requested_id).strip()
    if requested.isascii() and requested.isdigit():
        requested = str(int(requested))
    audit_read(
        actor=actor,
        action=f"{model._meta.model_name}.denied",
        target=(model, requested),
        outcome=AuditOutcome.DENIED,
    )


def audit_trail_read(
    *,
    actor,
    agency: models.Model | None,
    filters: dict[str, Any],
    export: bool = False,
    outcome: str = AuditOutcome.SUCCESS,
) -> None:
    """Record a read of the audit trail itself: the page, the API or a CSV export, with the
    filters asked for. ``agency`` is the agency whose records were read (``None``: every
    agency's, for a superuser); a refused read is recorded with ``outcome=DENIED``."""
    audit_read(
        actor=actor,
        action="audit.exported" if export else "audit.read",
        target=agency,
        changes={"filters": filters},
        outcome=outcome,
    )
