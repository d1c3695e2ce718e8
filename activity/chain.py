"""The hash chain of the audit trail: how a record is hashed, appended and verified.

Each record stores ``prev_hash``, the hash of the record before it (``GENESIS`` for the
first), and ``hash``, the SHA-256 of a canonical JSON form of its fields and ``prev_hash``
(``digest``). Records follow each other in id order. Changing a record breaks its own
hash; removing or inserting one breaks the link of the record after it. Archiving
(``activity.archive``) removes the oldest records only after writing them to a verified
file, and leaves a checkpoint record naming the hash of the last one it removed, from which
the remaining chain is verified.

Appends are serialised, so two records never follow the same one: on PostgreSQL by a
transaction-level advisory lock, taken before the chain's head is read and held until the
transaction that appends commits; on SQLite by its immediate transactions, which take the
database's write lock at BEGIN. The unique ``prev_hash`` refuses a fork should that fail.

The canonical form is a contract with every archive ever written: never change it; a new
form would need a new ``v``.
"""

import datetime as dt
import hashlib
import ipaddress
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from activity.models import AuditRecord

GENESIS = "0" * 64
CHECKPOINT_ACTION = "audit.archived"
FIELDS = (
    "created_at",
    "actor",
    "agency",
    "action",
    "outcome",
    "target_type",
    "target_id",
    "target_repr",
    "changes",
    "ip_address",
)
# The columns ``fields_of`` reads, for ``QuerySet.values``.
COLUMNS = (
    "id",
    "created_at",
    "actor_id",
    "agency_id",
    "action",
    "outcome",
    "target_type_id",
    "target_id",
    "target_repr",
    "changes",
    "ip_address",
    "prev_hash",
    "hash",
)
# Any constant 64-bit number: it names the audit chain among PostgreSQL's advisory locks.
ADVISORY_LOCK_KEY = 0x61756469745F6368  # "audit_ch"


def utc_text(moment: dt.datetime) -> str:
    """A time as the canonical form writes it: UTC, always with microseconds."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def fields_of(row: dict[str, Any]) -> dict[str, Any]:
    """The hashed fields of a record, from a row of ``values(*COLUMNS)``, as plain JSON
    values (also the form an archive file holds)."""
    return {
        "created_at": utc_text(row["created_at"]),
        "actor": row["actor_id"],
        "agency": row["agency_id"],
        "action": row["action"],
        "outcome": row["outcome"],
        "target_type": row["target_type_id"],
        "target_id": row["target_id"],
        "target_repr": row["target_repr"],
        "changes": row["changes"],
        "ip_address": row["ip_address"],
    }


def _address_key(address: str | None) -> str | None:
    # The bytes of the address, not its text: databases and Python versions spell some
    # addresses differently (::ffff:192.0.2.1, ::ffff:c000:201).
    if not address:
        return None
    try:
        return ipaddress.ip_address(address).packed.hex()
    except ValueError:
        # Only records stored before addresses were checked can hold something else.
        return f"text:{address}"


def digest(fields: dict[str, Any], prev_hash: str) -> str:
    """SHA-256 (hex) of ``prev_hash`` and the record's ``fields``, in canonical JSON:
    sorted keys, no spaces, ASCII only."""
    canonical = {
        "v": 1,
        "prev": prev_hash,
        **{name: fields[name] for name in FIELDS},
        "ip_address": _address_key(fields["ip_address"]),
    }
    text = json.dumps(canonical, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(text.encode("ascii")).hexdigest()


def lock() -> None:
    """Take the chain's lock until the current transaction ends (PostgreSQL; SQLite's
    immediate transactions hold the database's write lock already)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ADVISORY_LOCK_KEY])


def append(**values) -> AuditRecord:
    """Append one record after the chain's head. Inside a transaction the lock is held until
    it commits, so keep audit records near the end of a service's transaction."""
    # No savepoint: if the insert fails, the caller's transaction fails with it.
    with transaction.atomic(savepoint=False):
        lock()
        head = AuditRecord.objects.order_by("-id").values_list("hash", flat=True).first()
        record = AuditRecord(created_at=timezone.now(), prev_hash=head or GENESIS, **values)
        row = {column: getattr(record, column) for column in COLUMNS[1:]}
        record.hash = digest(fields_of(row), record.prev_hash)
        record.save(force_insert=True)
    return record


@dataclass(frozen=True)
class Break:
    """Where a chain stops holding: the first record that fails, and how."""

    record_id: int
    reason: str

    def __str__(self) -> str:
        return f"record #{self.record_id}: {self.reason}"


@dataclass
class Walk:
    """What a verification saw: how many records, the first and last ids, the last hash."""

    count: int = 0
    first_id: int | None = None
    last_id: int | None = None
    last_hash: str = ""


def walk(rows: Iterable[dict[str, Any]], *, anchor: str, summary: Walk) -> Iterator[Break]:
    """Check each row (``id``, ``prev_hash``, ``hash`` and the ``FIELDS``) in id order:
    the first must follow ``anchor``, each the one before. Yields the first break (and
    stops); fills ``summary`` as it goes."""
    expected_prev, previous_id = anchor, None
    for row in rows:
        if row["prev_hash"] != expected_prev:
            after = f"record #{previous_id}" if previous_id else "the start of the trail"
            yield Break(
                row["id"],
                f"it does not follow {after} (its prev_hash differs): a record was removed "
                "or inserted before it",
            )
            return
        if digest({name: row[name] for name in FIELDS}, row["prev_hash"]) != row["hash"]:
            yield Break(row["id"], "its content does not match its hash: it was changed")
            return
        summary.count += 1
        summary.first_id = summary.first_id or row["id"]
        summary.last_id, summary.last_hash = row["id"], row["hash"]
        expected_prev, previous_id = row["hash"], row["id"]


def latest_checkpoint() -> AuditRecord | None:
    """The record left by the latest archiving, if any: the chain in the database starts
    after the last record it archived."""
    return (
        AuditRecord.objects.filter(action=CHECKPOINT_ACTION, actor__isnull=True)
        .order_by("-id")
        .first()
    )


def database_rows(**filters) -> Iterator[dict[str, Any]]:
    """The trail in id order as rows for ``walk``, read in chunks."""
    queryset = AuditRecord.objects.filter(**filters).order_by("id").values(*COLUMNS)
    for row in queryset.iterator(chunk_size=2000):
        yield {"id": row["id"], "prev_hash": row["prev_hash"], "hash": row["hash"]} | fields_of(row)


def database_anchor() -> tuple[str, int]:
    """What the first record in the database must follow, and the id it must be past: the
    latest checkpoint's last archived record, or the genesis."""
    checkpoint = latest_checkpoint()
    if checkpoint is None:
        return GENESIS, 0
    return str(checkpoint.changes.get("last_hash", "")), int(checkpoint.changes.get("last_id", 0))


def verify_database(summary: Walk) -> Break | None:
    """The first break of the trail in the database, or ``None``."""
    anchor, archived_up_to = database_anchor()
    first = AuditRecord.objects.order_by("id").values_list("id", flat=True).first()
    if first is not None and first <= archived_up_to:
        return Break(first, f"it is older than the archive checkpoint, ending at #{archived_up_to}")
    return next(walk(database_rows(), anchor=anchor, summary=summary), None)
