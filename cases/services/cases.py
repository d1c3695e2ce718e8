"""Opening cases, their details and status, and the record of who read them."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from activity.clock import policy_today
from activity.conditional import check_version
from activity.kinds import EventKind
from activity.services import audit_read, audit_record
from agencies.access import acting_agency
from agencies.models import AgencyRole, TaskForce
from cases.models import (
    REASON_MAX_LENGTH,
    AccessLevel,
    Case,
    CaseKind,
    CasePriority,
    CaseStatus,
    CaseStatusChange,
    too_long,
)
from cases.services.checks import current_member_ids, publish_case, require_level
from cases.services.sharing import write_share

CASE_FIELDS = {
    "title",
    "kind",
    "summary",
    "priority",
    "trafficking_type",
}

# Where a case may go from each status. Referred and closed cases can be reopened.
STATUS_TRANSITIONS = {
    CaseStatus.OPEN: {CaseStatus.ACTIVE, CaseStatus.REFERRED, CaseStatus.CLOSED},
    CaseStatus.ACTIVE: {CaseStatus.REFERRED, CaseStatus.CLOSED},
    CaseStatus.REFERRED: {CaseStatus.OPEN, CaseStatus.ACTIVE, CaseStatus.CLOSED},
    CaseStatus.CLOSED: {CaseStatus.OPEN},
}


def _next_number(task_force: TaskForce, year: int) -> str:
    prefix = f"{task_force.case_prefix}-{year}-"
    last = (
        Case.objects.filter(task_force=task_force, number__startswith=prefix)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    sequence = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{sequence:04d}"


@transaction.atomic
def case_open(
    *,
    actor,
    task_force: TaskForce,
    title: str,
    kind: str,
    summary: str = "",
    priority: str = CasePriority.NORMAL,
) -> Case:
    """Open a case for a task force. The opener's agency leads it and may manage it."""
    agency = acting_agency(actor)
    if agency is None or agency.pk not in current_member_ids(task_force):
        raise ValidationError({"task_force": "Your agency is not a member of this task force."})
    if actor.profile.role == AgencyRole.OBSERVER:
        raise PermissionDenied("Observers cannot open cases.")
    if kind not in CaseKind.values:
        raise ValidationError({"kind": f"Choose one of: {', '.join(CaseKind.values)}."})
    # Serialise numbering per task force: the row lock makes the next number unique.
    TaskForce.objects.select_for_update().get(pk=task_force.pk)
    now = timezone.now()
    case = Case(
        task_force=task_force,
        number=_next_number(task_force, policy_today().year),
        title=(title or "").strip(),
        kind=kind,
        summary=summary or "",
        priority=priority,
        status=CaseStatus.OPEN,
        status_changed_at=now,
        lead_agency=agency,
        opened_by=actor,
    )
    case.full_clean()
    case.save()
    CaseStatusChange.objects.create(
        case=case, from_status="", to_status=CaseStatus.OPEN, changed_by=actor, changed_at=now
    )
    audit_record(
        actor=actor,
        action="case.opened",
        target=case,
        changes={"number": case.number, "task_force": task_force.slug},
    )
    write_share(
        actor=actor,
        case=case,
        agency=agency,
        level=AccessLevel.MANAGE,
        purpose="Lead agency",
        expires_on=None,
    )
    return case


@transaction.atomic
def case_update(*, actor, case: Case, if_match: list[str] | None = None, **changes) -> Case:
    """Edit a case's details (managing agencies). With ``if_match`` (the
    versions an If-Match named), only if the case is still at one of them."""
    require_level(actor, case, AccessLevel.MANAGE)
    unknown = set(changes) - CASE_FIELDS
    if unknown:
        raise ValidationError(f"These fields cannot be changed: {', '.join(sorted(unknown))}.")
    case = Case.objects.select_for_update().get(pk=case.pk)
    check_version(case.version, if_match)
    diff = {}
    for field, value in changes.items():
        if getattr(case, field) != value:
            diff[field] = [getattr(case, field), value]
            setattr(case, field, value)
    if not diff:
        return case
    case.full_clean()
    case.save()
    audit_record(actor=actor, action="case.updated", target=case, changes=diff)
    publish_case(EventKind.CASE_UPDATED, case, actor=actor, fields=sorted(diff), status=case.status)
    return case


@transaction.atomic
def case_change_status(
    *, actor, case: Case, status: str, reason: str = "", if_match: list[str] | None = None
) -> Case:
    """Move a case along open → active → referred or closed, or reopen it; each step dated."""
    require_level(actor, case, AccessLevel.MANAGE)
    case = Case.objects.select_for_update().get(pk=case.pk)
    check_version(case.version, if_match)
    if status not in CaseStatus.values:
        raise ValidationError({"status": f"Choose one of: {', '.join(CaseStatus.values)}."})
    reason = (reason or "").strip()
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError({"reason": too_long("Reasons", REASON_MAX_LENGTH, len(reason))})
    if status == case.status:
        return case
    if status not in STATUS_TRANSITIONS[case.status]:
        raise ValidationError({"status": f"A {case.status} case cannot become {status}."})
    now = timezone.now()
    CaseStatusChange.objects.create(
        case=case,
        from_status=case.status,
        to_status=status,
        changed_by=actor,
        changed_at=now,
        reason=reason,
    )
    audit_record(
        actor=actor,
        action="case.status_changed",
        target=case,
        changes={"status": [case.status, status], "reason": reason},
    )
    case.status, case.status_changed_at = status, now
    case.save(update_fields=["status", "status_changed_at", "updated_at"])
    publish_case(EventKind.CASE_UPDATED, case, actor=actor, fields=["status"], status=status)
    return case


def case_record_read(*, actor, case: Case, note_ids: list[int] | None = None) -> None:
    """Record in the audit trail that ``actor`` read the case (and which notes)."""
    audit_read(
        actor=actor,
        action="case.read",
        target=case,
        changes={"notes": sorted(note_ids)} if note_ids else {},
    )
