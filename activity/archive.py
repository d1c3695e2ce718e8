"""Archiving the oldest audit records to a file, never dropping them silently.

Records are kept at least ``RETENTION_DAYS``. ``archive`` seals what waits to be sealed,
writes the records older than a date, in chain order, to a new JSON Lines file (one record
a line, with its position and hashes), reads the file back and verifies its chain, and only
then, in one transaction holding the chain's lock, appends and seals a checkpoint record
(the file's name and SHA-256, the last archived id, position and hash) and deletes the
archived records. The chain left in the database is verified from that checkpoint.
"""

import datetime as dt
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from activity import chain
from activity.models import AuditRecord
from activity.services import audit_record

# CJIS Security Policy 5.4.7: audit records are retained for at least one year.
RETENTION_DAYS = 365


class ArchiveError(Exception):
    """The archive cannot be written or does not verify: nothing was removed."""


@dataclass(frozen=True)
class Archived:
    """What an archiving did: the file, its digest, the records it holds."""

    path: Path
    sha256: str
    count: int
    first_id: int
    last_id: int
    last_hash: str


def latest_allowed_cutoff(today: dt.date | None = None) -> dt.date:
    """The latest ``before`` date allowed: every record older than it is past retention."""
    today = today or timezone.now().astimezone(dt.UTC).date()
    return today - dt.timedelta(days=RETENTION_DAYS)


def _cutoff(before: dt.date) -> dt.datetime:
    if before > latest_allowed_cutoff():
        raise ArchiveError(
            f"Audit records are kept at least {RETENTION_DAYS} days: archive records before "
            f"{latest_allowed_cutoff():%Y-%m-%d} at the latest, not before {before:%Y-%m-%d}."
        )
    return dt.datetime.combine(before, dt.time.min, tzinfo=dt.UTC)


def _last_archivable_seq(cutoff: dt.datetime) -> int | None:
    """The position ending the oldest run of sealed records older than ``cutoff``: the
    chain is archived from its start, without a gap, so the records left still follow one
    another."""
    sealed = AuditRecord.objects.filter(seq__isnull=False)
    young = sealed.filter(created_at__gte=cutoff).order_by("seq")
    first_young = young.values_list("seq", flat=True).first()
    older = sealed.filter(seq__lt=first_young) if first_young is not None else sealed
    return older.order_by("-seq").values_list("seq", flat=True).first()


def _names(row: dict) -> dict:
    return {
        "actor_username": row.pop("actor__username"),
        "agency_short_name": row.pop("agency__short_name"),
        "target_type_name": (
            f"{row.pop('target_type__app_label')}.{row.pop('target_type__model')}"
            if row["target_type_id"]
            else ""
        ),
    }


def _write(handle, last_seq: int) -> None:
    """Write the records up to position ``last_seq`` to ``handle``, in chain order, one JSON
    object a line: the hashed fields, ``id``, ``seq``, ``prev_hash``, ``hash``, and names for
    readers (neither ``seq`` nor the names are hashed)."""
    rows = (
        AuditRecord.objects.filter(seq__lte=last_seq)
        .order_by("seq")
        .values(
            *chain.SEALED_COLUMNS,
            "actor__username",
            "agency__short_name",
            "target_type__app_label",
            "target_type__model",
        )
    )
    for row in rows.iterator(chunk_size=2000):
        names = _names(row)
        line = {"id": row["id"], "seq": row["seq"], **chain.fields_of(row)}
        line |= {"prev_hash": row["prev_hash"]}
        line |= {"hash": row["hash"], **names}
        # ensure_ascii: the file is ASCII, and no text can end a line early.
        handle.write(json.dumps(line, ensure_ascii=True, sort_keys=True) + "\n")


def read_file(path: Path):
    """The records of an archive file, as rows for ``chain.walk``."""
    with path.open(encoding="ascii") as handle:
        for number, text in enumerate(handle, start=1):
            try:
                yield json.loads(text)
            except ValueError as exc:
                raise ArchiveError(f"{path}: line {number} is not a JSON record.") from exc


def verify_file(path: Path, *, anchor: str, after_seq: int = 0) -> chain.Walk:
    """Check an archive's chain from ``anchor`` (the hash its first record follows) and
    ``after_seq`` (the position before its first record)."""
    summary = chain.Walk()
    rows = read_file(path)
    try:
        broken = next(chain.walk(rows, anchor=anchor, after_seq=after_seq, summary=summary), None)
    except KeyError as exc:
        raise ArchiveError(f"{path}: a record lacks the field {exc}.") from exc
    if broken is not None:
        raise ArchiveError(f"{path}: {broken}.")
    return summary


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def archive(*, before: dt.date, path: Path) -> Archived:
    """Move the records older than ``before`` (at least ``RETENTION_DAYS`` old) from the
    database to a new file at ``path``; raises ``ArchiveError``, removing nothing, when
    there is nothing to archive, the file exists, or the records or file do not verify."""
    cutoff = _cutoff(before)
    try:
        # Records still unsealed (a seal failed) take their place in the chain first.
        chain.seal()
    except (DatabaseError, chain.SealError) as exc:
        raise ArchiveError(f"The trail cannot be sealed: {exc}") from exc
    last_seq = _last_archivable_seq(cutoff)
    if last_seq is None:
        raise ArchiveError(f"No audit record is older than {before:%Y-%m-%d}: nothing to archive.")
    anchor, after_seq = chain.database_anchor()
    try:
        # "x": a file that exists is never overwritten.
        with path.open("x", encoding="ascii") as handle:
            _write(handle, last_seq)
            handle.flush()
            os.fsync(handle.fileno())
    except FileExistsError as exc:
        raise ArchiveError(f"{path} exists already: name a new file.") from exc
    except OSError as exc:
        raise ArchiveError(f"{path} cannot be written: {exc.strerror}.") from exc
    try:
        summary = verify_file(path, anchor=anchor, after_seq=after_seq)
        if summary.last_seq != last_seq:
            raise ArchiveError(
                f"{path} ends at position {summary.last_seq}, not at position {last_seq}."
            )
        sha256 = file_sha256(path)
        _remove(summary, path=path, sha256=sha256, before=before)
    except ArchiveError:
        path.unlink(missing_ok=True)
        raise
    return Archived(
        path, sha256, summary.count, summary.first_id, summary.last_id, summary.last_hash
    )


@transaction.atomic
def _remove(summary: chain.Walk, *, path: Path, sha256: str, before: dt.date) -> None:
    """Under the chain's lock: check that the database still holds exactly what the file
    holds, append and seal the checkpoint, then delete the archived records."""
    chain.lock()
    held = AuditRecord.objects.filter(seq__lte=summary.last_seq)
    last = held.order_by("-seq").values_list("hash", flat=True).first()
    if held.count() != summary.count or last != summary.last_hash:
        raise ArchiveError("The records changed while they were archived: nothing was removed.")
    # The checkpoint is sealed here, under the lock and before the delete: it follows the
    # last record of the trail, which may be among those archived, and the chain left in the
    # database starts after the archived ones. (This transaction locks no business row.)
    audit_record(
        actor=None,
        action=chain.CHECKPOINT_ACTION,
        changes={
            "file": str(path.resolve()),
            "sha256": sha256,
            "before": before.isoformat(),
            "count": summary.count,
            "first_id": summary.first_id,
            "last_id": summary.last_id,
            "last_seq": summary.last_seq,
            "last_hash": summary.last_hash,
        },
    )
    chain.seal_pending()
    # The model and its queryset refuse deletes; archiving is the one way records leave.
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {AuditRecord._meta.db_table} WHERE seq <= %s",  # noqa: S608
            [summary.last_seq],
        )
