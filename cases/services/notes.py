"""Case notes: added, edited (every version kept), redacted."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from activity import live
from activity.kinds import EventKind
from activity.services import audit_record
from agencies.access import acting_agency
from agencies.models import Agency
from cases import access
from cases.models import (
    NOTE_MAX_LENGTH,
    REASON_MAX_LENGTH,
    AccessLevel,
    Case,
    Note,
    NoteRevision,
    NoteVisibility,
    too_long,
)
from cases.services.checks import publish_note, require_level


class VersionConflict(Exception):
    """The note changed since the version the caller read."""

    def __init__(self, current_version: int):
        super().__init__(f"The note is at version {current_version}.")
        self.current_version = current_version


def _clean_body(body) -> str:
    body = body if isinstance(body, str) else ""
    if not body.strip():
        raise ValidationError({"body": "A note needs some text."})
    if len(body) > NOTE_MAX_LENGTH:
        raise ValidationError({"body": too_long("Notes", NOTE_MAX_LENGTH, len(body))})
    return body


def clean_restriction(case: Case, author_agency: Agency, visibility: str, restricted_to) -> list:
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
    require_level(actor, case, AccessLevel.CONTRIBUTE)
    agency = acting_agency(actor)
    body = _clean_body(body)
    agency_ids = clean_restriction(case, agency, visibility, restricted_to)
    note = Note.objects.create(
        case=case, author=actor, author_agency=agency, body=body, visibility=visibility
    )
    note.restricted_to.set(agency_ids)
    access.note_added(note)
    _revise(note, actor=actor, change="created")
    publish_note(EventKind.CASE_NOTE_ADDED, note, actor=actor)
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
    level = require_level(actor, note.case, AccessLevel.CONTRIBUTE)
    if not access.can_edit_note(actor, note, level):
        raise PermissionDenied("Only the author's agency edits a note.")
    note = _lock_at_version(note, expected_version)
    new_body = _clean_body(body) if body is not None else note.body
    new_visibility = visibility or note.visibility
    if restricted_to is None and new_visibility == NoteVisibility.RESTRICTED:
        restricted_to = list(note.restricted_to.all())
    agency_ids = clean_restriction(note.case, note.author_agency, new_visibility, restricted_to)
    old_ids = sorted(note.restricted_to.values_list("pk", flat=True))
    if (new_body, new_visibility, agency_ids) == (note.body, note.visibility, old_ids):
        return note
    readers_before = access.note_agency_ids(note)
    visibility_before = note.visibility
    note.body, note.visibility = new_body, new_visibility
    note.version += 1
    note.save()
    note.restricted_to.set(agency_ids)
    if (new_visibility, agency_ids) != (visibility_before, old_ids):
        access.refresh_latest_notes(note.case)
    _revise(note, actor=actor, change="edited")
    dropped = readers_before - access.note_agency_ids(note)
    if dropped:
        live.retract(agency_ids=dropped, detail=note)
        # A file on the note is read only with the note: its events leave them too.
        for evidence in note.files.all():
            live.retract(agency_ids=dropped, detail=evidence)
    publish_note(EventKind.CASE_NOTE_EDITED, note, actor=actor)
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
    level = require_level(actor, note.case, AccessLevel.CONTRIBUTE)
    if note.is_redacted:
        raise ValidationError("This note is redacted already.")
    if not access.can_redact_note(actor, note, level):
        raise PermissionDenied("Only the author's agency or a managing agency redacts a note.")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Give the reason for the redaction."})
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError(
            {"reason": too_long("Redaction reasons", REASON_MAX_LENGTH, len(reason))}
        )
    note = _lock_at_version(note, expected_version)
    note.body = ""
    note.version += 1
    note.redacted_at, note.redacted_by, note.redaction_reason = timezone.now(), actor, reason
    note.save()
    _revise(note, actor=actor, change="redacted")
    live.scrub(detail=note, fields=["body"])
    publish_note(EventKind.CASE_NOTE_REDACTED, note, actor=actor)
    audit_record(
        actor=actor,
        action="note.redacted",
        target=note,
        changes={"version": note.version, "reason": reason},
    )
    return note
