"""Seal after commit: a record is inserted unsealed by the transaction that writes it and
takes its place in the hash chain once that transaction commits, in a short transaction of
its own. A seal that fails leaves its records to the next one; ``verify_audit`` seals first,
walks the chain by position, and reports records it could not seal. The database allows a
record to be sealed once, and nothing else to change."""

import datetime as dt
import json
from contextlib import contextmanager
from io import StringIO

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import DatabaseError, IntegrityError, OperationalError, connection, transaction
from django.utils import timezone

from activity import chain
from activity.models import AppendOnlyError, AuditOutcome, AuditRecord
from activity.request_context import reset_client_address, set_client_address
from activity.services import audit_record
from tests.agencies.factories import AgencyFactory, person

pytestmark = pytest.mark.django_db

SEALED = ("seq", "prev_hash", "hash")
# Ids far past any the database hands out in the suite.
FAR = 10**12


class Rollback(Exception):
    pass


def record(**changes) -> AuditRecord:
    return audit_record(
        actor=None, action="agency.updated", target=AgencyFactory(), changes=changes
    )


def stored(*records: AuditRecord) -> list[AuditRecord]:
    return [AuditRecord.objects.get(pk=r.pk) for r in records]


def sealed(n: int) -> list[AuditRecord]:
    records = [record() for _ in range(n)]
    chain.seal()  # The test's transaction never commits: seal as a commit would.
    return stored(*records)


def unsealed_with_id(pk: int) -> AuditRecord:
    """An unsealed record with a chosen id, as ``chain.append`` inserts one: what a
    transaction that took its id early and committed late leaves for the seal."""
    forced = AuditRecord(id=pk, created_at=timezone.now(), action="agency.updated")
    forced.save(force_insert=True)
    return forced


def verify() -> str:
    out = StringIO()
    call_command("verify_audit", stdout=out, stderr=out)
    return out.getvalue()


def database_gone():
    raise OperationalError("server closed the connection unexpectedly")


@contextmanager
def without_trigger():
    """A cursor that updates audit rows freely, as someone holding the database's keys."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(
                "ALTER TABLE activity_auditrecord DISABLE TRIGGER activity_auditrecord_no_update"
            )
        else:
            cursor.execute("DROP TRIGGER activity_auditrecord_no_update")
        yield cursor


# Sealing after commit


@pytest.mark.django_db(transaction=True)
def test_a_record_is_unsealed_in_its_transaction_and_sealed_after_commit():
    with transaction.atomic():
        first, second = record(), record()
        for held in stored(first, second):
            assert [getattr(held, name) for name in SEALED] == [None, None, None]
    first, second = stored(first, second)
    assert (first.seq, second.seq) == (1, 2)
    assert first.prev_hash == chain.GENESIS and second.prev_hash == first.hash
    # Outside a transaction the insert commits at once, and so does its seal.
    (third,) = stored(record())
    assert (third.seq, third.prev_hash) == (3, second.hash)
    assert "intact: 3 record(s)" in verify()


def test_a_transaction_registers_one_seal_however_many_records_it_writes(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        try:
            # The seal registered here goes with the savepoint and its record...
            with transaction.atomic():
                record()
                raise Rollback
        except Rollback:
            pass
        # ...so the next record registers it again, and the one after does not.
        kept = [record(), record()]
    assert callbacks == [chain.seal]
    assert [r.seq for r in stored(*kept)] == [1, 2]
    assert AuditRecord.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_a_failed_seal_leaves_records_that_the_next_seal_takes(monkeypatch, caplog):
    monkeypatch.setattr(chain, "lock", database_gone)
    with transaction.atomic():
        first = record()
    # The audited write stands, its record unsealed; the failure is logged, not raised.
    assert stored(first)[0].hash is None
    assert "server closed the connection" in caplog.text
    monkeypatch.undo()
    with transaction.atomic():
        second = record()
    first, second = stored(first, second)
    assert (first.seq, second.seq) == (1, 2) and second.prev_hash == first.hash
    assert "intact: 2 record(s)" in verify()


def test_verify_audit_seals_what_a_failed_seal_left(
    monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(chain, "lock", database_gone)
    with django_capture_on_commit_callbacks(execute=True):
        left = [record(), record()]
    monkeypatch.undo()
    output = verify()
    assert "Sealed 2 record(s)" in output and "intact: 2 record(s)" in output
    assert [r.seq for r in stored(*left)] == [1, 2]


def test_verify_audit_reports_records_it_could_not_seal(monkeypatch):
    sealed(1)
    just_now = record()
    monkeypatch.setattr(chain, "lock", database_gone)
    # Committed a moment ago: its own seal may still come.
    output = verify()
    assert "intact: 1 record(s)" in output and "1 record(s) written just now wait" in output
    with time_machine.travel(timezone.now() - dt.timedelta(minutes=10), tick=False):
        stale = record()
    with pytest.raises(
        CommandError,
        match=rf"1 audit record\(s\) committed more than 5 minutes ago are not sealed "
        rf"\(#{stale.pk}\).* Sealing failed: server closed",
    ):
        verify()
    monkeypatch.undo()
    assert "intact: 3 record(s)" in verify()
    assert [r.seq for r in stored(just_now, stale)] == [2, 3]


# Chain order is the order of sealing


def test_records_committed_out_of_id_order_are_chained_in_seal_order():
    later_id = unsealed_with_id(FAR + 2)
    chain.seal()
    # A transaction that took the lower id commits after the other was sealed.
    earlier_id = unsealed_with_id(FAR + 1)
    chain.seal()
    later_id, earlier_id = stored(later_id, earlier_id)
    assert (later_id.seq, earlier_id.seq) == (1, 2)
    assert earlier_id.prev_hash == later_id.hash
    assert "intact: 2 record(s)" in verify()


def test_verify_audit_names_a_record_whose_position_was_changed():
    _, _, third = sealed(3)
    with without_trigger() as cursor:
        cursor.execute("UPDATE activity_auditrecord SET seq = 9 WHERE id = %s", [third.pk])
    with pytest.raises(CommandError, match=rf"record #{third.pk}: its position is 9, not 3"):
        verify()


def test_verify_audit_catches_records_that_swapped_positions():
    first, second, third = sealed(3)
    with without_trigger() as cursor:
        for pk, seq in [(second.pk, 99), (third.pk, 2), (second.pk, 3)]:
            cursor.execute("UPDATE activity_auditrecord SET seq = %s WHERE id = %s", [seq, pk])
    with pytest.raises(
        CommandError, match=rf"record #{third.pk}: it does not follow record #{first.pk}"
    ):
        verify()


def test_the_database_refuses_two_records_at_one_position():
    _, second = sealed(2)
    forged = AuditRecord(
        created_at=second.created_at, action="case.read", seq=second.seq, prev_hash="3" * 64
    )
    forged.hash = "4" * 64
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditRecord.objects.bulk_create([forged])


# What the database allows


def two_records_unlike_in_every_column() -> tuple[AuditRecord, AuditRecord]:
    alpha, bravo = AgencyFactory(), AgencyFactory()
    token = set_client_address("192.0.2.1")
    try:
        one = audit_record(
            actor=person(alpha), action="agency.updated", target=alpha, changes={"a": 1}
        )
    finally:
        reset_client_address(token)
    token = set_client_address("198.51.100.2")
    try:
        with time_machine.travel(timezone.now() - dt.timedelta(days=1), tick=False):
            other = audit_record(
                actor=person(bravo),
                action="case.read",
                target=(get_user_model(), "x-99"),
                changes={"b": 2},
                outcome=AuditOutcome.DENIED,
            )
    finally:
        reset_client_address(token)
    return one, other


CONTENT = [f.column for f in AuditRecord._meta.concrete_fields if f.name not in SEALED]


@pytest.mark.parametrize("column", CONTENT)
def test_the_database_refuses_a_change_of_content_even_with_a_seal(column):
    one, other = stored(*two_records_unlike_in_every_column())
    field = next(f for f in AuditRecord._meta.concrete_fields if f.column == column)
    assert getattr(one, field.attname) != getattr(other, field.attname)
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            f"UPDATE activity_auditrecord SET seq = 1, prev_hash = %s, hash = %s, "  # noqa: S608
            f"{column} = (SELECT {column} FROM activity_auditrecord WHERE id = %s) WHERE id = %s",
            [chain.GENESIS, "a" * 64, other.pk, one.pk],
        )
    assert stored(one)[0].hash is None


def test_the_database_refuses_a_second_seal_and_an_unsealing():
    (sealed_once,) = sealed(1)
    for values in [(7, "5" * 64, "6" * 64), (None, None, None)]:
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(
                "UPDATE activity_auditrecord SET seq = %s, prev_hash = %s, hash = %s WHERE id = %s",
                [*values, sealed_once.pk],
            )
    assert stored(sealed_once)[0].hash == sealed_once.hash


def test_a_record_is_sealed_whole_and_only_through_the_chain():
    pending = record()
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE activity_auditrecord SET hash = %s WHERE id = %s", ["7" * 64, pending.pk]
        )
    with pytest.raises(AppendOnlyError):
        AuditRecord.objects.filter(pk=pending.pk).update(seq=1, prev_hash="0" * 64, hash="8" * 64)
    assert chain.seal() == 1


# Archiving in chain order


def test_archive_seals_first_and_writes_the_chain_in_its_order(tmp_path):
    with time_machine.travel(timezone.now() - dt.timedelta(days=400), tick=False):
        later_id = unsealed_with_id(FAR + 2)
        chain.seal()
        earlier_id = unsealed_with_id(FAR + 1)  # its seal failed: archiving seals it
    target = tmp_path / "audit.jsonl"
    before = timezone.now().date() - dt.timedelta(days=365)
    call_command("archive_audit", "--before", before.isoformat(), "--to", str(target))
    lines = [json.loads(line) for line in target.read_text().splitlines()]
    assert [(line["id"], line["seq"]) for line in lines] == [(later_id.pk, 1), (earlier_id.pk, 2)]
    checkpoint = chain.latest_checkpoint()
    assert (checkpoint.changes["last_seq"], checkpoint.changes["last_id"]) == (2, earlier_id.pk)
    assert checkpoint.seq == 3
    assert "intact: 1 record(s), positions 3 to 3" in verify()


# The migration that numbered the sealed records


@pytest.mark.django_db(transaction=True)
def test_the_migration_numbers_the_chain_left_after_an_earlier_archive():
    from django.db.migrations.executor import MigrationExecutor

    before_seq = [("activity", "0007_audit_chain_sealed")]
    executor = MigrationExecutor(connection)
    executor.migrate(before_seq)
    old = executor.loader.project_state(before_seq).apps.get_model("activity", "AuditRecord")
    prev_hash, written = chain.GENESIS, []
    for action, changes in [("agency.created", {}), ("agency.updated", {})]:
        written.append(old(created_at=timezone.now(), action=action, changes=changes))
    archived, first_kept = written
    # A checkpoint as archiving wrote them before positions: the last id and hash only.
    for row in written:
        row.prev_hash = prev_hash
        row.hash = prev_hash = chain.digest(chain.fields_of(vars(row)), prev_hash)
        row.save()
    checkpoint = old(
        created_at=timezone.now(),
        action=chain.CHECKPOINT_ACTION,
        changes={"last_id": archived.pk, "last_hash": archived.hash, "count": 1},
        prev_hash=prev_hash,
    )
    checkpoint.hash = chain.digest(chain.fields_of(vars(checkpoint)), prev_hash)
    checkpoint.save()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM activity_auditrecord WHERE id = %s", [archived.pk])

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    assert list(AuditRecord.objects.order_by("id").values_list("id", "seq")) == [
        (first_kept.pk, 1),
        (checkpoint.pk, 2),
    ]
    assert "intact: 2 record(s), positions 1 to 2" in verify()
    (after,) = stored(record())
    assert (after.seq, after.prev_hash) == (3, checkpoint.hash)
