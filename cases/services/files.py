"""Evidence files: uploaded by contributing agencies, downloaded through the policy only,
redacted by the uploading agency or a managing one. The digest stays for the chain of
custody; the bytes go with a redaction."""

import hashlib
import uuid

import filetype
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import storages
from django.db import transaction
from django.utils import timezone

from activity import live
from activity.kinds import EventKind
from activity.services import audit_read, audit_record
from agencies.access import acting_agency
from cases import access, work_access
from cases.models import (
    FILE_NAME_MAX_LENGTH,
    REASON_MAX_LENGTH,
    AccessLevel,
    Case,
    EvidenceFile,
    Note,
    NoteVisibility,
    too_long,
)
from cases.services.checks import case_ref, require_level
from cases.services.notes import clean_restriction

# Types a browser may be given as they are: none of them runs script. Everything else
# (HTML, SVG, XML, executables, scripts, archives, unknown bytes) is sent as
# application/octet-stream; every download is an attachment with nosniff anyway.
SAFE_TYPES = frozenset(
    {
        "application/pdf",
        "image/png",
        "image/jpeg",
        "image/gif",
        "image/webp",
        "image/tiff",
        "image/bmp",
        "image/heic",
        "audio/mpeg",
        "audio/x-wav",
        "audio/mp4",
        "video/mp4",
        "video/quicktime",
        "text/plain",
    }
)
OCTET_STREAM = "application/octet-stream"
# Enough of the start of a file to tell its type.
HEAD_BYTES = 8192


class FileTooLarge(Exception):
    """The upload is past ``EVIDENCE_MAX_BYTES``."""

    def __init__(self, size: int | None = None):
        limit = settings.EVIDENCE_MAX_BYTES
        super().__init__(f"Evidence files are limited to {limit:,} bytes.")
        self.limit, self.size = limit, size


class FileGone(Exception):
    """The file was redacted: its bytes no longer exist."""


def evidence_storage():
    return storages["evidence"]


def detect_type(head: bytes) -> str:
    """The type of a file from its first bytes, never from its name. Text is plain text
    only when it is UTF-8 without NUL bytes and does not open like markup."""
    kind = filetype.guess(head)
    if kind is not None:
        return kind.mime
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        # The head may cut a character in two; a text file's head is text nonetheless.
        try:
            text = head[:-3].decode("utf-8")
        except UnicodeDecodeError:
            return OCTET_STREAM
    if "\x00" in text or text.lstrip().startswith("<"):
        return OCTET_STREAM
    return "text/plain"


def served_type(evidence: EvidenceFile) -> str:
    """The Content-Type a download is sent with."""
    return evidence.content_type if evidence.content_type in SAFE_TYPES else OCTET_STREAM


def _clean_name(name) -> str:
    # Only the last part of a path, without control characters: a name is shown and sent
    # back in Content-Disposition, never used as a path.
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip()
    if not name:
        name = "file"
    if len(name) > FILE_NAME_MAX_LENGTH:
        raise ValidationError({"file": too_long("File names", FILE_NAME_MAX_LENGTH, len(name))})
    return name


def _digest(upload) -> tuple[str, bytes, int]:
    """The SHA-256 of the upload read chunk by chunk, its first bytes and its size."""
    sha, head, size = hashlib.sha256(), b"", 0
    upload.seek(0)
    for chunk in upload.chunks():
        sha.update(chunk)
        if len(head) < HEAD_BYTES:
            head += chunk[: HEAD_BYTES - len(head)]
        size += len(chunk)
        if size > settings.EVIDENCE_MAX_BYTES:
            raise FileTooLarge(size)
    upload.seek(0)
    return sha.hexdigest(), head, size


def file_payload(evidence: EvidenceFile) -> dict:
    return {
        "id": evidence.pk,
        "name": evidence.name,
        "size": evidence.size,
        "sha256": evidence.sha256,
        "note": evidence.note_id,
        "uploaded_by_agency": evidence.uploaded_by_agency.short_name,
    }


def _publish(kind: str, evidence: EvidenceFile, *, actor, payload: dict) -> None:
    live.publish(
        kind,
        subject=evidence.case,
        detail=evidence,
        payload={"case": case_ref(evidence.case), "file": payload},
        agency_ids=work_access.file_agency_ids(evidence),
        actor=actor,
        until=access.access_until(evidence.case),
    )


def _record(actor, case, note, name, size, sha256, head, stored, visibility) -> EvidenceFile:
    return EvidenceFile.objects.create(
        case=case,
        note=note,
        name=name,
        size=size,
        sha256=sha256,
        content_type=detect_type(head),
        stored_name=stored,
        visibility=visibility,
        uploaded_by=actor,
        uploaded_by_agency=acting_agency(actor),
    )


@transaction.atomic
def file_upload(
    *,
    actor,
    case: Case,
    upload,
    note: Note | None = None,
    visibility: str = NoteVisibility.CASE,
    restricted_to=None,
) -> EvidenceFile:
    """Keep an evidence file of a case, or of one of its notes (contributing agencies).
    A file on a note is seen by the note's readers; a restricted file by the agencies it
    lists (the uploader's always among them). The bytes are hashed as they are read."""
    require_level(actor, case, AccessLevel.CONTRIBUTE)
    agency = acting_agency(actor)
    if upload is None:
        raise ValidationError({"file": "Choose a file to upload."})
    if note is not None and note.case_id != case.pk:
        raise ValidationError({"note": "The note is not one of this case."})
    if note is not None and note.is_redacted:
        raise ValidationError({"note": "The note is redacted."})
    name = _clean_name(getattr(upload, "name", ""))
    if upload.size is not None and upload.size > settings.EVIDENCE_MAX_BYTES:
        raise FileTooLarge(upload.size)
    sha256, head, size = _digest(upload)
    if size == 0:
        raise ValidationError({"file": "The file is empty."})
    agency_ids = clean_restriction(case, agency, visibility, restricted_to)
    storage = evidence_storage()
    stored = storage.save(f"case-{case.pk}/{uuid.uuid4().hex}", upload)
    try:
        evidence = _record(actor, case, note, name, size, sha256, head, stored, visibility)
        evidence.restricted_to.set(agency_ids)
        _publish(EventKind.CASE_FILE_ADDED, evidence, actor=actor, payload=file_payload(evidence))
        audit_record(
            actor=actor,
            action="file.uploaded",
            target=evidence,
            changes={
                "case": case.number,
                "sha256": sha256,
                "size": size,
                "content_type": evidence.content_type,
                "visibility": visibility,
                "restricted_to": agency_ids,
            },
        )
    except Exception:
        # No bytes stay behind without their record.
        storage.delete(stored)
        raise
    return evidence


def file_open(*, actor, evidence: EvidenceFile):
    """The stored bytes of a file the caller may see (ask ``work_access.file_for`` first),
    opened for reading; the download is recorded in the audit trail."""
    if evidence.is_redacted or not evidence.stored_name:
        raise FileGone()
    handle = evidence_storage().open(evidence.stored_name, "rb")
    audit_read(
        actor=actor,
        action="file.downloaded",
        target=evidence,
        changes={"case": evidence.case.number, "sha256": evidence.sha256},
    )
    return handle


@transaction.atomic
def file_redact(*, actor, evidence: EvidenceFile, reason: str) -> EvidenceFile:
    """Redact a file (the uploading agency or a managing one): its bytes are deleted; the
    record stays with its name, size and digest, who redacted it, when and why."""
    level = require_level(actor, evidence.case, AccessLevel.CONTRIBUTE)
    evidence = EvidenceFile.objects.select_for_update().get(pk=evidence.pk)
    if evidence.is_redacted:
        raise ValidationError("This file is redacted already.")
    if not work_access.can_redact_file(actor, evidence, level):
        raise PermissionDenied("Only the uploading agency or a managing agency redacts a file.")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Give the reason for the redaction."})
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError(
            {"reason": too_long("Redaction reasons", REASON_MAX_LENGTH, len(reason))}
        )
    stored = evidence.stored_name
    evidence.redacted_at, evidence.redacted_by = timezone.now(), actor
    evidence.redaction_reason, evidence.stored_name = reason, ""
    evidence.save()
    # The bytes go once the record says so for good.
    transaction.on_commit(lambda: evidence_storage().delete(stored))
    _publish(
        EventKind.CASE_FILE_REDACTED,
        evidence,
        actor=actor,
        payload={"id": evidence.pk, "name": evidence.name, "sha256": evidence.sha256},
    )
    audit_record(
        actor=actor,
        action="file.redacted",
        target=evidence,
        changes={"sha256": evidence.sha256, "reason": reason},
    )
    return evidence
