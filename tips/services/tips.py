"""Tips: recorded by members, sent from the public page, triaged by the task force's
coordinators (assigned, marked duplicate, closed) and turned into cases by the assigned
agency."""

import datetime as dt
import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from activity import live
from activity.kinds import EventKind
from activity.request_context import reset_client_address, set_client_address
from activity.services import audit_record
from agencies.access import acting_agency
from agencies.models import Agency, TaskForce, TaskForceMembership
from cases import services as case_services
from cases.models import TITLE_MAX_LENGTH, Case, CaseKind, NoteVisibility
from tips import access, limits
from tips.models import (
    CONTACT_MAX_LENGTH,
    REASON_MAX_LENGTH,
    REFERENCE_MAX_LENGTH,
    TIP_FIELD_MAX_LENGTH,
    TIP_IDENTIFIERS_MAX,
    TIP_TEXT_MAX_LENGTH,
    DeconflictionNotice,
    Identifier,
    Tip,
    TipSource,
    TipStatus,
)
from tips.services.deconfliction import match_identifier
from tips.services.identifiers import attach, clean_identifier

EARLIEST = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
# Line breaks are allowed in the text of a tip; no other control character anywhere.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
CONTROL_OR_BREAK = re.compile(r"[\x00-\x1f\x7f]")
PHONE = re.compile(r"^[0-9+().\- x]*$")
TEXT_FIELDS = {
    # name: (label, limit, required, line breaks allowed)
    "what": ("What was seen", TIP_TEXT_MAX_LENGTH, True, True),
    "where": ("Where", TIP_FIELD_MAX_LENGTH, False, False),
    "when": ("When", TIP_FIELD_MAX_LENGTH, False, False),
    "reference": ("Reference", REFERENCE_MAX_LENGTH, False, False),
    "contact_name": ("Name", CONTACT_MAX_LENGTH, False, False),
    "contact_phone": ("Phone", 40, False, False),
    "contact_email": ("E-mail", 254, False, False),
}


def clean_tip_text(data: dict) -> dict:
    """The text fields of a tip, trimmed and checked: required, lengths (refused, never
    cut), no control characters, a valid e-mail and phone when given."""
    cleaned, errors = {}, {}
    for name, (label, limit, required, breaks) in TEXT_FIELDS.items():
        value = data.get(name, "")
        value = value.strip() if isinstance(value, str) else ""
        if required and not value:
            errors[name] = f"{label} is required."
        elif len(value) > limit:
            errors[name] = f"{label} is limited to {limit:,} characters; this has {len(value):,}."
        elif (CONTROL if breaks else CONTROL_OR_BREAK).search(value):
            errors[name] = f"{label} cannot contain control characters."
        cleaned[name] = value.replace("\r\n", "\n")
    if cleaned["contact_email"] and "contact_email" not in errors:
        try:
            validate_email(cleaned["contact_email"])
        except ValidationError:
            errors["contact_email"] = "Enter a valid e-mail address, or leave it empty."
    if "contact_phone" not in errors and not PHONE.match(cleaned["contact_phone"]):
        errors["contact_phone"] = "A phone number has digits, spaces and + ( ) - . x only."
    if errors:
        raise ValidationError(errors)
    return cleaned


def tip_ref(tip: Tip) -> dict:
    return {
        "id": tip.pk,
        "source": tip.source,
        "status": tip.status,
        "task_force": {"id": tip.task_force_id, "name": tip.task_force.name},
    }


def _agency_ref(agency: Agency | None) -> dict | None:
    if agency is None:
        return None
    return {"id": agency.pk, "short_name": agency.short_name, "name": agency.name}


def publish_tip(kind: str, tip: Tip, *, actor, **payload) -> None:
    agency_ids, user_ids = access.tip_audience(tip)
    live.publish(
        kind,
        subject=tip,
        payload={"tip": tip_ref(tip), **payload},
        agency_ids=agency_ids,
        user_ids=user_ids,
        actor=actor,
    )


@transaction.atomic
def tip_record(
    *,
    actor,
    task_force: TaskForce,
    source: str,
    what: str,
    received_at=None,
    where: str = "",
    when: str = "",
    reference: str = "",
    contact_name: str = "",
    contact_phone: str = "",
    contact_email: str = "",
    identifiers: list[dict] | None = None,
) -> Tip:
    """Record a tip for a task force (its coordinators; the liaisons and partner agencies of
    its members), with its identifiers, each matched for deconfliction."""
    if not access.recordable_task_forces(actor).filter(pk=task_force.pk).exists():
        raise PermissionDenied("You cannot record tips for this task force.")
    if source not in TipSource.values:
        raise ValidationError({"source": f"Choose one of: {', '.join(TipSource.values)}."})
    text = clean_tip_text(
        {
            "what": what,
            "where": where,
            "when": when,
            "reference": reference,
            "contact_name": contact_name,
            "contact_phone": contact_phone,
            "contact_email": contact_email,
        }
    )
    identifiers = list(identifiers or [])
    if len(identifiers) > TIP_IDENTIFIERS_MAX:
        raise ValidationError(
            {"identifiers": f"A tip carries at most {TIP_IDENTIFIERS_MAX} identifiers."}
        )
    for item in identifiers:
        clean_identifier(item.get("kind"), item.get("value"))
    limits.take(actor, len(identifiers))
    now = timezone.now()
    if received_at is not None and not EARLIEST <= received_at <= now:
        raise ValidationError(
            {"received_at": "Give when the tip came in: since 2000, and not in the future."}
        )
    tip = Tip.objects.create(
        task_force=task_force,
        source=source,
        received_at=received_at or now,
        recorded_by=actor,
        recording_agency=acting_agency(actor),
        **text,
    )
    audit_record(actor=actor, action="tip.recorded", target=tip, changes={"source": source})
    publish_tip(EventKind.TIP_RECEIVED, tip, actor=actor)
    seen = set()
    for item in identifiers:
        kind, _, key = clean_identifier(item["kind"], item["value"])
        if key not in seen:
            seen.add(key)
            attach(actor=actor, kind=kind, value=item["value"], tip=tip)
    return tip


@transaction.atomic
def tip_submit_public(*, task_force: TaskForce, **fields) -> Tip:
    """A tip from the public page: what was seen, where and when, optional contact details.
    Nothing else about the sender is stored (no address of their computer)."""
    text = clean_tip_text({**fields, "reference": ""})
    tip = Tip.objects.create(
        task_force=task_force, source=TipSource.PUBLIC, received_at=timezone.now(), **text
    )
    # The trail records the tip without the sender's address: the public page promises
    # to store none.
    hidden = set_client_address(None)
    try:
        audit_record(
            actor=None, action="tip.received", target=tip, agency_id=task_force.lead_agency_id
        )
    finally:
        reset_client_address(hidden)
    publish_tip(EventKind.TIP_RECEIVED, tip, actor=None)
    return tip


def _locked(tip: Tip) -> Tip:
    return Tip.objects.select_for_update().select_related("task_force").get(pk=tip.pk)


@transaction.atomic
def tip_assign(*, actor, tip: Tip, agency: Agency) -> Tip:
    """Give a tip to a member agency of its task force (coordinators), which then sees it.
    An agency it was assigned to before no longer does (unless it recorded it)."""
    tip = _locked(tip)
    access.require_triage(actor, tip)
    members = TaskForceMembership.objects.current().filter(task_force_id=tip.task_force_id)
    if not agency.active or not members.filter(agency=agency).exists():
        raise ValidationError({"agency": "Assign the tip to a current member agency."})
    before = tip.assigned_agency_id
    tip.assigned_agency, tip.status = agency, TipStatus.ASSIGNED
    tip.save(update_fields=["assigned_agency", "status", "updated_at"])
    if before and before != agency.pk and before != tip.recording_agency_id:
        # The agency no longer sees the tip: neither its events nor the notices on it.
        notices = list(DeconflictionNotice.objects.filter(tip=tip))
        live.retract(agency_ids=[before], subjects=[tip, *notices])
    audit_record(
        actor=actor, action="tip.assigned", target=tip, changes={"agency": [before, agency.pk]}
    )
    publish_tip(
        EventKind.TIP_TRIAGED, tip, actor=actor, status=tip.status, agency=_agency_ref(agency)
    )
    return tip


@transaction.atomic
def tip_mark_duplicate(*, actor, tip: Tip, duplicate_of: Tip) -> Tip:
    """Mark a tip a duplicate of another tip of the same task force (coordinators)."""
    tip = _locked(tip)
    access.require_triage(actor, tip)
    if duplicate_of.pk == tip.pk or duplicate_of.task_force_id != tip.task_force_id:
        raise ValidationError({"duplicate_of": "Choose another tip of the same task force."})
    tip.duplicate_of, tip.status = duplicate_of, TipStatus.DUPLICATE
    tip.save(update_fields=["duplicate_of", "status", "updated_at"])
    audit_record(
        actor=actor, action="tip.duplicate", target=tip, changes={"duplicate_of": duplicate_of.pk}
    )
    publish_tip(EventKind.TIP_TRIAGED, tip, actor=actor, status=tip.status, agency=None)
    return tip


@transaction.atomic
def tip_close(*, actor, tip: Tip, reason: str) -> Tip:
    """Close a tip with a reason (coordinators)."""
    tip = _locked(tip)
    access.require_triage(actor, tip)
    reason = reason.strip() if isinstance(reason, str) else ""
    if not reason:
        raise ValidationError({"reason": "Say why the tip is closed."})
    if len(reason) > REASON_MAX_LENGTH or CONTROL.search(reason):
        raise ValidationError(
            {"reason": f"A reason is up to {REASON_MAX_LENGTH} characters, no control characters."}
        )
    tip.close_reason, tip.status = reason, TipStatus.CLOSED
    tip.save(update_fields=["close_reason", "status", "updated_at"])
    audit_record(actor=actor, action="tip.closed", target=tip, changes={"reason": reason})
    publish_tip(EventKind.TIP_TRIAGED, tip, actor=actor, status=tip.status, agency=None)
    return tip


def _note_text(tip: Tip) -> str:
    lines = [f"From tip {tip.pk} ({tip.get_source_display()}"]
    lines[0] += f", reference {tip.reference})" if tip.reference else ")"
    lines.append(f"Received: {timezone.localtime(tip.received_at):%Y-%m-%d %H:%M %Z}")
    lines.append(f"What was seen: {tip.what}")
    for label, value in (("Where", tip.where), ("When", tip.when)):
        if value:
            lines.append(f"{label}: {value}")
    contact = ", ".join(v for v in (tip.contact_name, tip.contact_phone, tip.contact_email) if v)
    if contact:
        lines.append(f"Contact: {contact}")
    return "\n".join(lines)


@transaction.atomic
def tip_open_case(*, actor, tip: Tip, title: str = "", kind: str = CaseKind.OTHER) -> Case:
    """Turn an assigned tip into a case of the assigned agency (its people): the tip's text
    becomes the case's first note and its identifiers the case's, each matched again."""
    tip = _locked(tip)
    if not access.can_open_case(actor, tip):
        raise PermissionDenied("Only the agency the tip is assigned to turns it into a case.")
    title = (title or "").strip() or f"Tip {tip.pk}: {tip.where or tip.get_source_display()}"
    case = case_services.case_open(
        actor=actor,
        task_force=tip.task_force,
        title=title[:TITLE_MAX_LENGTH],
        kind=kind,
        summary=tip.what[:500],
    )
    case_services.note_add(
        actor=actor, case=case, body=_note_text(tip), visibility=NoteVisibility.CASE
    )
    for source in Identifier.objects.filter(tip=tip).order_by("pk"):
        copy = Identifier.objects.create(
            case=case,
            kind=source.kind,
            value=source.value,
            match_key=source.match_key,
            added_by=actor,
            added_agency=acting_agency(actor),
        )
        match_identifier(actor=actor, identifier=copy)
    tip.case, tip.status = case, TipStatus.CASE_OPENED
    tip.save(update_fields=["case", "status", "updated_at"])
    audit_record(actor=actor, action="tip.case_opened", target=tip, changes={"case": case.pk})
    publish_tip(
        EventKind.TIP_TRIAGED,
        tip,
        actor=actor,
        status=tip.status,
        agency=_agency_ref(tip.assigned_agency),
    )
    return case
