"""Sharing a case with agencies, and ending shares: revoked, expired, or the agency left."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from activity import live
from activity.clock import policy_today
from activity.kinds import EventKind
from activity.services import audit_record
from agencies.models import Agency, TaskForce
from cases import access, signals
from cases.models import (
    PURPOSE_MAX_LENGTH,
    AccessLevel,
    Case,
    CaseShare,
    too_long,
)
from cases.services.checks import agency_ref, publish_case, require_level


def write_share(*, actor, case, agency, level, purpose, expires_on) -> CaseShare:
    now = timezone.now()
    current = (
        CaseShare.objects.active().select_for_update().filter(case=case, agency=agency).first()
    )
    if current is not None:
        current.ended_at, current.ended_by, current.end_reason = now, actor, "replaced"
        current.save(update_fields=["ended_at", "ended_by", "end_reason"])
    share = CaseShare.objects.create(
        case=case,
        agency=agency,
        level=level,
        purpose=purpose,
        expires_on=expires_on,
        granted_by=actor,
        granted_at=now,
    )
    access.grant(case, agency, level, expires_on=expires_on)
    if current is not None and current.expires_on != expires_on:
        # What the agency may replay of the case ends with the share now.
        live.set_until(agency_ids=[agency.pk], subjects=[case], until=expires_on)
    signals.case_access_changed.send(
        sender=Case, case=case, agency=agency, level=level, expires_on=expires_on, actor=actor
    )
    audit_record(
        actor=actor,
        action="case.shared" if current is None else "case.share_changed",
        target=case,
        changes={
            "agency": agency.short_name,
            "level": level if current is None else [current.level, level],
            "purpose": purpose,
            "expires_on": expires_on,
        },
    )
    publish_case(EventKind.CASE_SHARED, case, actor=actor, agency=agency_ref(agency), level=level)
    return share


@transaction.atomic
def case_share(
    *,
    actor,
    case: Case,
    agency: Agency,
    level: str,
    purpose: str,
    expires_on: dt.date | None = None,
) -> CaseShare:
    """Share a case with a member agency of its task force, or change an existing share."""
    require_level(actor, case, AccessLevel.MANAGE)
    errors = {}
    if level not in AccessLevel.values:
        errors["level"] = f"Choose one of: {', '.join(AccessLevel.values)}."
    purpose = (purpose or "").strip()
    if not purpose:
        errors["purpose"] = "State the purpose of the share (the MOU or request it rests on)."
    elif len(purpose) > PURPOSE_MAX_LENGTH:
        errors["purpose"] = too_long("Purposes", PURPOSE_MAX_LENGTH, len(purpose))
    if expires_on is not None and expires_on <= policy_today():
        errors["expires_on"] = "The expiry date must be in the future."
    if agency.pk == case.lead_agency_id:
        # The lead's access comes with opening the case; no other agency may narrow it,
        # date it or end it.
        errors["agency"] = "The lead agency always manages its case; its access cannot change."
        if level != AccessLevel.MANAGE:
            errors["level"] = "The lead agency always manages its case."
    elif agency.pk not in access.shareable_agency_ids(case):
        errors["agency"] = "Cases are shared only with current member agencies of the task force."
    if errors:
        raise ValidationError(errors)
    return write_share(
        actor=actor, case=case, agency=agency, level=level, purpose=purpose, expires_on=expires_on
    )


def _end_share(share: CaseShare, *, actor, reason: str) -> None:
    share.ended_at, share.ended_by, share.end_reason = timezone.now(), actor, reason
    share.save(update_fields=["ended_at", "ended_by", "end_reason"])
    access.revoke(share.case, share.agency)
    # Replay must not give the agency what it can no longer see.
    live.retract(agency_ids=[share.agency_id], subject=share.case)
    signals.case_access_ended.send(
        sender=Case, case=share.case, agency=share.agency, reason=reason, actor=actor
    )
    live.publish(
        EventKind.CASE_UNSHARED,
        subject=share.case,
        payload={
            "case": {"id": share.case.pk, "number": share.case.number},
            "agency": agency_ref(share.agency),
        },
        agency_ids=access.case_agency_ids(share.case),
        actor=actor,
    )
    # The agency that lost the case learns only that, by the case's id: its open dashboards
    # drop what they showed of the case. The event stays in its replay, so a dashboard that
    # was asleep drops it too.
    live.publish(
        EventKind.CASE_WITHDRAWN,
        subject=share.case,
        payload={"case": {"id": share.case.pk}, "reason": reason},
        agency_ids=[share.agency_id],
        actor=actor,
    )
    audit_record(
        actor=actor,
        action="case.unshared",
        target=share.case,
        changes={"agency": share.agency.short_name, "level": share.level, "reason": reason},
    )


@transaction.atomic
def case_unshare(*, actor, case: Case, agency: Agency) -> None:
    """Revoke an agency's access to a case, at once and everywhere."""
    level = require_level(actor, case, AccessLevel.MANAGE)
    if not access.can_revoke(level, case, agency.pk):
        raise ValidationError({"agency": "The lead agency's access cannot be revoked."})
    share = CaseShare.objects.active().select_for_update().filter(case=case, agency=agency).first()
    if share is None:
        raise ValidationError({"agency": "This agency has no access to the case."})
    _end_share(share, actor=actor, reason="revoked")


def _end_shares(filters: dict, *, actor, reason: str) -> int:
    shares = (
        CaseShare.objects.active()
        .select_for_update()
        .filter(**filters)
        .select_related("case", "agency")
    )
    for share in shares:
        _end_share(share, actor=actor, reason=reason)
    return len(shares)


@transaction.atomic
def case_shares_end_expired() -> int:
    """End every share whose expiry date has passed. Returns how many ended."""
    return _end_shares(
        {"pk__in": CaseShare.objects.expired().values("pk")}, actor=None, reason="expired"
    )


@transaction.atomic
def case_shares_end_for_agency(*, actor, agency: Agency, task_force: TaskForce) -> int:
    """An agency that leaves a task force loses its shares of the task force's cases."""
    return _end_shares(
        {"agency": agency, "case__task_force": task_force},
        actor=actor,
        reason="left the task force",
    )
