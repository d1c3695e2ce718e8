"""The hash chain of the audit trail: how a record is hashed, sealed and verified.

Each sealed record stores ``seq``, its position in the chain (1 for the first after the
genesis), ``prev_hash``, the hash of the record before it (``GENESIS`` for the first), and
``hash``, the SHA-256 of a canonical JSON form of its fields and ``prev_hash`` (``digest``).
Records follow each other in ``seq`` order. Changing a record breaks its own hash; removing,
inserting or moving one breaks the link of the record after it, or its position. Archiving
(``activity.archive``) removes the oldest records only after writing them to a verified
file, and leaves a checkpoint record naming the hash and position of the last one it
removed, from which the remaining chain is verified.

Seal after commit. A record is inserted unsealed (``append``: no lock, ``seq``,
``prev_hash`` and ``hash`` empty) inside the business transaction that it records, and
``seal`` chains it once that transaction commits, in a short transaction of its own that
locks and writes audit rows only. Hashing at insert would hold the chain's lock until the
business transaction committed, while that transaction went on to lock business rows: with
another transaction holding such a row and waiting for the chain, PostgreSQL had to break a
deadlock by failing a request. A record committed late is sealed by the next pass, so the
chain's order is the order of sealing, not of ids. A seal that fails (the database gone
just after a commit) leaves records unsealed until the next seal: any later audited write,
or ``verify_audit``, which seals first and reports records left unsealed too long.

``seq`` is not hashed: it is the record's position, which the ``prev_hash`` links already
fix, and the verification checks that it counts up by one from the anchor, so a changed
``seq`` shows as a record out of place. Leaving it out keeps the digest of every record
written before ``seq`` existed, and of every archive, unchanged.

Seals are serialised, so two records never follow the same one: on PostgreSQL by a
transaction-level advisory lock, taken before the chain's head is read (under READ
COMMITTED each later statement sees every seal committed before the lock was granted); on
SQLite by its immediate transactions, which take the database's write lock at BEGIN. The
unique ``prev_hash`` and ``seq`` refuse a fork should that fail.

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
# The columns ``fields_of`` reads, for ``QuerySet.values`` (migration 0006 reads them too,
# on a model that has no ``seq`` yet: ``SEALED_COLUMNS`` adds it).
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
SEALED_COLUMNS = (*COLUMNS, "seq")
# Any constant 64-bit number: it names the audit chain among PostgreSQL's advisory locks.
ADVISORY_LOCK_KEY = 0x61756469745F6368  # "audit_ch"
# A record committed this long ago and still unsealed means its seal failed: verify_audit
# reports it. Younger ones may be waiting for the seal of the transaction that wrote them.
UNSEALED_GRACE = dt.timedelta(minutes=5)
# Records read and sealed at a time, so a backlog left by failed seals is not held in memory.
SEAL_BATCH = 500
# The one UPDATE of an audit record: the model and its queryset refuse updates, and the
# database trigger allows only this one, once, on an unsealed row (migration 0009).
SEAL_SQL = (
    f'UPDATE "{AuditRecord._meta.db_table}" SET "seq" = %s, "prev_hash" = %s, "hash" = %s '  # noqa: S608
    'WHERE "id" = %s AND "hash" IS NULL'
)


class SealError(Exception):
    """A record could not be sealed as read: the chain's lock did not hold."""


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
    """Insert one record, unsealed, and have ``seal`` chain it once the current transaction
    commits (at once outside a transaction). Takes no lock: a service may audit anywhere in
    its transaction."""
    record = AuditRecord(created_at=timezone.now(), **values)
    record.save(force_insert=True)
    seal_after_commit()
    return record


def seal_after_commit() -> None:
    """Have ``seal`` run once the current transaction commits, once per transaction however
    many records it writes. ``robust``: a seal that fails is logged and leaves its records
    to the next seal; the write that was audited has committed and stands."""
    current = transaction.get_connection()
    # A callback registered in a savepoint that rolled back is gone from run_on_commit, with
    # the records of that savepoint: a later record registers again.
    if current.in_atomic_block and any(entry[1] is seal for entry in current.run_on_commit):
        return
    transaction.on_commit(seal, robust=True)


def seal() -> int:
    """Seal every committed unsealed record, in a transaction of its own holding the
    chain's lock; returns how many it sealed. Durable: inside another transaction it would
    hold the lock until that one ends, as hashing at insert did."""
    with transaction.atomic(durable=True):
        lock()
        return seal_pending()


def head() -> tuple[int, str]:
    """The position and hash of the last sealed record: the one the next record follows
    (``(0, GENESIS)`` for an empty trail). Read it under the chain's lock."""
    last = (
        AuditRecord.objects.filter(seq__isnull=False)
        .order_by("-seq")
        .values_list("seq", "hash")
        .first()
    )
    return last or (0, GENESIS)


def seal_pending() -> int:
    """Seal the unsealed records in id order after the head; the caller's transaction holds
    the chain's lock (``seal``, or archiving's). Writes audit rows only, never a business
    row, so it waits for no business transaction. This is the one path that updates audit
    records: through ``SEAL_SQL``, as the database trigger allows."""
    seq, prev_hash = head()
    pending = AuditRecord.objects.select_for_update().filter(hash__isnull=True).order_by("id")
    sealed = 0
    while rows := list(pending.values(*COLUMNS)[:SEAL_BATCH]):
        with connection.cursor() as cursor:
            for row in rows:
                seq, record_hash = seq + 1, digest(fields_of(row), prev_hash)
                cursor.execute(SEAL_SQL, [seq, prev_hash, record_hash, row["id"]])
                if cursor.rowcount != 1:
                    raise SealError(f"Audit record #{row['id']} was sealed by someone else.")
                prev_hash = record_hash
        sealed += len(rows)
    return sealed


def unsealed(*, older_than: dt.timedelta = dt.timedelta(0)):
    """Records not sealed yet, committed at least ``older_than`` ago, oldest first."""
    return AuditRecord.objects.filter(
        hash__isnull=True, created_at__lte=timezone.now() - older_than
    ).order_by("id")


@dataclass(frozen=True)
class Break:
    """Where a chain stops holding: the first record that fails, and how."""

    record_id: int
    reason: str

    def __str__(self) -> str:
        return f"record #{self.record_id}: {self.reason}"


@dataclass
class Walk:
    """What a verification saw: how many records, the first and last ids, the last hash
    and position."""

    count: int = 0
    first_id: int | None = None
    last_id: int | None = None
    last_hash: str = ""
    last_seq: int = 0


def walk(
    rows: Iterable[dict[str, Any]], *, anchor: str, after_seq: int = 0, summary: Walk
) -> Iterator[Break]:
    """Check each row (``id``, ``seq``, ``prev_hash``, ``hash`` and the ``FIELDS``) in
    ``seq`` order: the first must follow ``anchor`` at position ``after_seq + 1``, each the
    one before at the next position. Yields the first break (and stops); fills ``summary``
    as it goes. Rows without ``seq`` (archives written before it existed) are checked by
    their links alone."""
    expected_prev, expected_seq, previous_id = anchor, after_seq + 1, None
    for row in rows:
        after = f"record #{previous_id}" if previous_id else "the start of the trail"
        if row["prev_hash"] != expected_prev:
            yield Break(
                row["id"],
                f"it does not follow {after} (its prev_hash differs): a record was removed, "
                "inserted or moved before it",
            )
            return
        if "seq" in row and row["seq"] != expected_seq:
            yield Break(
                row["id"],
                f"its position is {row['seq']}, not {expected_seq} after {after}: its seq "
                "was changed",
            )
            return
        if digest({name: row[name] for name in FIELDS}, row["prev_hash"]) != row["hash"]:
            yield Break(row["id"], "its content does not match its hash: it was changed")
            return
        summary.count += 1
        summary.first_id = summary.first_id or row["id"]
        summary.last_id, summary.last_hash = row["id"], row["hash"]
        summary.last_seq = row.get("seq", expected_seq)
        expected_prev, expected_seq, previous_id = row["hash"], expected_seq + 1, row["id"]


def latest_checkpoint() -> AuditRecord | None:
    """The record left by the latest archiving, if any: the chain in the database starts
    after the last record it archived."""
    return (
        AuditRecord.objects.filter(action=CHECKPOINT_ACTION, actor__isnull=True, seq__isnull=False)
        .order_by("-seq")
        .first()
    )


def database_rows() -> Iterator[dict[str, Any]]:
    """The sealed trail in ``seq`` order as rows for ``walk``, read in chunks."""
    queryset = AuditRecord.objects.filter(seq__isnull=False).order_by("seq").values(*SEALED_COLUMNS)
    for row in queryset.iterator(chunk_size=2000):
        link = {"id": row["id"], "seq": row["seq"], "prev_hash": row["prev_hash"]}
        yield link | {"hash": row["hash"]} | fields_of(row)


def database_anchor() -> tuple[str, int]:
    """What the first record in the database must follow, and the position it must come
    after: the latest checkpoint's last archived record, or the genesis (position 0)."""
    checkpoint = latest_checkpoint()
    if checkpoint is None:
        return GENESIS, 0
    # A checkpoint written before records had a position names none: migration 0008
    # numbered the records it left from 1, as if after the genesis.
    last_seq = int(checkpoint.changes.get("last_seq", 0))
    return str(checkpoint.changes.get("last_hash", "")), last_seq


def verify_database(summary: Walk) -> Break | None:
    """The first break of the sealed trail in the database, or ``None``."""
    anchor, archived_up_to = database_anchor()
    first = (
        AuditRecord.objects.filter(seq__isnull=False)
        .order_by("seq")
        .values_list("id", "seq")
        .first()
    )
    if first is not None and first[1] <= archived_up_to:
        return Break(
            first[0],
            f"it is older than the archive checkpoint, ending at position {archived_up_to}",
        )
    return next(
        walk(database_rows(), anchor=anchor, after_seq=archived_up_to, summary=summary), None
    )
