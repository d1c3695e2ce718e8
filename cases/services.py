"""Every write of the cases app. Each function checks the caller's access through the
policy (``cases/access.py``), validates, writes in one transaction and audits."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from activity import live
from activity.kinds import EventKind
from activity.services import audit_read, audit_record
from agencies.access import acting_agency
from agencies.models import Agency, AgencyRole, TaskForce, TaskForceMembership
from cases import access, signals
from cases.models import (
    NOTE_MAX_LENGTH,
    AccessLevel,
    Case,
    CaseKind,
    CasePriority,
    CaseShare,
    CaseStatus,
    CaseStatusChange,
    Note,
    NoteRevision,
    NoteVisibility,
)

CASE_FIELDS = {
    "title",
    "kind",
    "summary",
    "priority",
    "victims_identified",
    "victims_referred",
    "arrests",
    "charges_filed",
}

# Where a case may go from each status. Referred and closed cases can be reopened.
STATUS_TRANSITIONS = {
    CaseStatus.OPEN: {CaseStatus.ACTIVE, CaseStatus.REFERRED, CaseStatus.CLOSED},
    CaseStatus.ACTIVE: {CaseStatus.REFERRED, CaseStatus.CLOSED},
    CaseStatus.REFERRED: {CaseStatus.OPEN, CaseStatus.ACTIVE, CaseStatus.CLOSED},
    CaseStatus.CLOSED: {CaseStatus.OPEN},
}


class VersionConflict(Exception):
    """The note changed since the version the caller read."""

    def __init__(self, current_version: int):
        super().__init__(f"The note is at version {current_version}.")
        self.current_version = current_version


def _require_level(user, case: Case, needed: str) -> str:
    level = access.agency_level(case, acting_agency(user))
    if level is None:
        raise PermissionDenied("Your agency has no access to this case.")
    if not access.has_level(level, needed):
        raise PermissionDenied(f"Your agency's access to this case does not allow this ({needed}).")
    return level


def _current_member_ids(task_force: TaskForce) -> set[int]:
    return set(
        TaskForceMembership.objects.current()
        .filter(task_force=task_force)
        .values_list("agency_id", flat=True)
    )


# Live events: payloads carry only what the whole audience may see.


def _case_ref(case: Case) -> dict:
    return {"id": case.pk, "number": case.number, "title": case.title}


def _agency_ref(agency: Agency) -> dict:
    return {"id": agency.pk, "short_name": agency.short_name, "name": agency.name}


def _note_payload(note: Note) -> dict:
    return {
        "id": note.pk,
        "body": note.body,
        "visibility": note.visibility,
        "version": note.version,
        "author": note.author.get_full_name() or note.author.get_username(),
        "author_agency": _agency_ref(note.author_agency),
    }


def _publish_case(kind: str, case: Case, *, actor, **payload) -> None:
    live.publish(
        kind,
        subject=case,
        payload={"case": _case_ref(case), **payload},
        agency_ids=access.case_agency_ids(case),
        actor=actor,
        until=access.access_until(case),
    )


def _publish_note(kind: str, note: Note, *, actor) -> None:
    live.publish(
        kind,
        subject=note.case,
        detail=note,
        payload={"case": _case_ref(note.case), "note": _note_payload(note)},
        agency_ids=access.note_agency_ids(note),
        actor=actor,
        until=access.access_until(note.case),
    )


# Cases


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
    if agency is None or agency.pk not in _current_member_ids(task_force):
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
        number=_next_number(task_force, timezone.localdate().year),
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
    _share(
        actor=actor,
        case=case,
        agency=agency,
        level=AccessLevel.MANAGE,
        purpose="Lead agency",
        expires_on=None,
    )
    return case


@transaction.atomic
def case_update(*, actor, case: Case, **changes) -> Case:
    """Edit a case's details and outcomes (managing agencies)."""
    _require_level(actor, case, AccessLevel.MANAGE)
    unknown = set(changes) - CASE_FIELDS
    if unknown:
        raise ValidationError(f"These fields cannot be changed: {', '.join(sorted(unknown))}.")
    case = Case.objects.select_for_update().get(pk=case.pk)
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
    _publish_case(
        EventKind.CASE_UPDATED, case, actor=actor, fields=sorted(diff), status=case.status
    )
    return case


@transaction.atomic
def case_change_status(*, actor, case: Case, status: str, reason: str = "") -> Case:
    """Move a case along open → active → referred or closed, or reopen it; each step dated."""
    _require_level(actor, case, AccessLevel.MANAGE)
    case = Case.objects.select_for_update().get(pk=case.pk)
    if status not in CaseStatus.values:
        raise ValidationError({"status": f"Choose one of: {', '.join(CaseStatus.values)}."})
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
        reason=reason[:500],
    )
    audit_record(
        actor=actor,
        action="case.status_changed",
        target=case,
        changes={"status": [case.status, status], "reason": reason},
    )
    case.status, case.status_changed_at = status, now
    case.save(update_fields=["status", "status_changed_at", "updated_at"])
    _publish_case(EventKind.CASE_UPDATED, case, actor=actor, fields=["status"], status=status)
    return case


def case_record_read(*, actor, case: Case, note_ids: list[int] | None = None) -> None:
    """Record in the audit trail that ``actor`` read the case (and which notes)."""
    audit_read(
        actor=actor,
        action="case.read",
        target=case,
        changes={"notes": sorted(note_ids)} if note_ids else {},
    )


# Sharing


def _share(*, actor, case, agency, level, purpose, expires_on) -> CaseShare:
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
    access.grant(case, agency, level)
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
    _publish_case(EventKind.CASE_SHARED, case, actor=actor, agency=_agency_ref(agency), level=level)
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
    _require_level(actor, case, AccessLevel.MANAGE)
    errors = {}
    if level not in AccessLevel.values:
        errors["level"] = f"Choose one of: {', '.join(AccessLevel.values)}."
    purpose = (purpose or "").strip()
    if not purpose:
        errors["purpose"] = "State the purpose of the share (the MOU or request it rests on)."
    elif len(purpose) > 500:
        errors["purpose"] = "Keep the purpose under 500 characters."
    if expires_on is not None and expires_on <= timezone.localdate():
        errors["expires_on"] = "The expiry date must be in the future."
    if not agency.active or agency.pk not in _current_member_ids(case.task_force):
        errors["agency"] = "Cases are shared only with current member agencies of the task force."
    if agency.pk == case.lead_agency_id:
        # The lead's access comes with opening the case; no other agency may narrow it,
        # date it or end it.
        errors["agency"] = "The lead agency always manages its case; its access cannot change."
        if level != AccessLevel.MANAGE:
            errors["level"] = "The lead agency always manages its case."
    if errors:
        raise ValidationError(errors)
    return _share(
        actor=actor, case=case, agency=agency, level=level, purpose=purpose, expires_on=expires_on
    )


def _end_share(share: CaseShare, *, actor, reason: str) -> None:
    share.ended_at, share.ended_by, share.end_reason = timezone.now(), actor, reason
    share.save(update_fields=["ended_at", "ended_by", "end_reason"])
    access.revoke(share.case, share.agency)
    # Replay must not give the agency what it can no longer see; it only learns that
    # its access ended (the case's number, nothing of its content).
    live.retract(agency_ids=[share.agency_id], subject=share.case)
    signals.case_access_ended.send(
        sender=Case, case=share.case, agency=share.agency, reason=reason, actor=actor
    )
    live.publish(
        EventKind.CASE_UNSHARED,
        subject=share.case,
        payload={
            "case": {"id": share.case.pk, "number": share.case.number},
            "agency": _agency_ref(share.agency),
        },
        agency_ids=access.case_agency_ids(share.case) | {share.agency_id},
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
    _require_level(actor, case, AccessLevel.MANAGE)
    if agency.pk == case.lead_agency_id:
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


# Notes


def _clean_body(body) -> str:
    body = body if isinstance(body, str) else ""
    if not body.strip():
        raise ValidationError({"body": "A note needs some text."})
    if len(body) > NOTE_MAX_LENGTH:
        raise ValidationError({"body": f"A note is at most {NOTE_MAX_LENGTH:,} characters."})
    return body


def _clean_restriction(case: Case, author_agency: Agency, visibility: str, restricted_to) -> list:
    if visibility not in NoteVisibility.values:
        raise ValidationError({"visibility": "Choose 'case' or 'restricted'."})
    if visibility == NoteVisibility.CASE:
        if restricted_to:
            raise ValidationError(
                {"restricted_to": "Only a restricted note lists agencies; choose 'restricted'."}
            )
        return []
    wanted = {agency.pk for agency in restricted_to or []} | {author_agency.pk}
    outside = wanted - access.case_agency_ids(case)
    if outside:
        names = Agency.objects.filter(pk__in=outside).values_list("short_name", flat=True)
        raise ValidationError(
            {"restricted_to": f"These agencies have no access to the case: {', '.join(names)}."}
        )
    return sorted(wanted)


def _revise(note: Note, *, actor, change: str) -> None:
    NoteRevision.objects.create(
        note=note,
        version=note.version,
        body=note.body,
        visibility=note.visibility,
        restricted_to=sorted(note.restricted_to.values_list("pk", flat=True)),
        edited_by=actor,
        edited_at=timezone.now(),
        change=change,
    )


@transaction.atomic
def note_add(
    *,
    actor,
    case: Case,
    body: str,
    visibility: str = NoteVisibility.CASE,
    restricted_to=None,
) -> Note:
    """Add a note to a case (contributing agencies). A restricted note always includes the
    author's agency."""
    _require_level(actor, case, AccessLevel.CONTRIBUTE)
    agency = acting_agency(actor)
    body = _clean_body(body)
    agency_ids = _clean_restriction(case, agency, visibility, restricted_to)
    note = Note.objects.create(
        case=case, author=actor, author_agency=agency, body=body, visibility=visibility
    )
    note.restricted_to.set(agency_ids)
    _revise(note, actor=actor, change="created")
    _publish_note(EventKind.CASE_NOTE_ADDED, note, actor=actor)
    audit_record(
        actor=actor,
        action="note.added",
        target=note,
        changes={"case": case.number, "visibility": visibility, "restricted_to": agency_ids},
    )
    return note


def _lock_at_version(note: Note, expected_version: int | None) -> Note:
    locked = Note.objects.select_for_update().get(pk=note.pk)
    if expected_version is not None and locked.version != expected_version:
        raise VersionConflict(locked.version)
    return locked


@transaction.atomic
def note_edit(
    *,
    actor,
    note: Note,
    expected_version: int,
    body: str | None = None,
    visibility: str | None = None,
    restricted_to=None,
) -> Note:
    """Edit a note of one's own agency. Fails with ``VersionConflict`` if the note changed
    since ``expected_version``; every version is kept as a revision."""
    level = _require_level(actor, note.case, AccessLevel.CONTRIBUTE)
    if not access.can_edit_note(actor, note, level):
        raise PermissionDenied("Only the author's agency edits a note.")
    note = _lock_at_version(note, expected_version)
    new_body = _clean_body(body) if body is not None else note.body
    new_visibility = visibility or note.visibility
    if restricted_to is None and new_visibility == NoteVisibility.RESTRICTED:
        restricted_to = list(note.restricted_to.all())
    agency_ids = _clean_restriction(note.case, note.author_agency, new_visibility, restricted_to)
    old_ids = sorted(note.restricted_to.values_list("pk", flat=True))
    if (new_body, new_visibility, agency_ids) == (note.body, note.visibility, old_ids):
        return note
    readers_before = access.note_agency_ids(note)
    note.body, note.visibility = new_body, new_visibility
    note.version += 1
    note.save()
    note.restricted_to.set(agency_ids)
    _revise(note, actor=actor, change="edited")
    dropped = readers_before - access.note_agency_ids(note)
    if dropped:
        live.retract(agency_ids=dropped, detail=note)
    _publish_note(EventKind.CASE_NOTE_EDITED, note, actor=actor)
    audit_record(
        actor=actor,
        action="note.edited",
        target=note,
        changes={
            "version": note.version,
            "visibility": new_visibility,
            "restricted_to": agency_ids,
        },
    )
    return note


@transaction.atomic
def note_redact(*, actor, note: Note, reason: str, expected_version: int | None = None) -> Note:
    """Redact a note: its text leaves the timeline but stays in the revisions."""
    level = _require_level(actor, note.case, AccessLevel.CONTRIBUTE)
    if note.is_redacted:
        raise ValidationError("This note is redacted already.")
    if not access.can_redact_note(actor, note, level):
        raise PermissionDenied("Only the author's agency or a managing agency redacts a note.")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Give the reason for the redaction."})
    note = _lock_at_version(note, expected_version)
    note.body = ""
    note.version += 1
    note.redacted_at, note.redacted_by, note.redaction_reason = timezone.now(), actor, reason[:500]
    note.save()
    _revise(note, actor=actor, change="redacted")
    live.scrub(detail=note, fields=["body"])
    _publish_note(EventKind.CASE_NOTE_REDACTED, note, actor=actor)
    audit_record(
        actor=actor,
        action="note.redacted",
        target=note,
        changes={"version": note.version, "reason": reason},
    )
    return note
