"""The audit trail is tamper-evident: each record carries the hash of the one before, and
``manage.py verify_audit`` names the first record that was changed, removed or inserted.
Old records are archived to a verified file, never dropped, and the chain left verifies
from the archive's checkpoint. Text from requests is stored inert."""

import datetime as dt
import hashlib
import json

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone

from activity import chain
from activity.models import AuditOutcome, AuditRecord
from activity.services import audit_record
from tests.agencies.factories import AgencyFactory, person

pytestmark = pytest.mark.django_db


def append(n: int, **changes) -> list[AuditRecord]:
    """``n`` records, sealed: the test's transaction never commits, so seal as a commit
    would, and return the records as stored."""
    agency = AgencyFactory()
    actor = person(agency)
    records = [
        audit_record(actor=actor, action="agency.updated", target=agency, changes=changes)
        for _ in range(n)
    ]
    chain.seal()
    return [AuditRecord.objects.get(pk=record.pk) for record in records]


def verify() -> str:
    from io import StringIO

    out = StringIO()
    call_command("verify_audit", stdout=out)
    return out.getvalue()


def copy(record: AuditRecord, **overrides) -> AuditRecord:
    """An unsaved copy of ``record`` (same id, same hashes unless overridden)."""
    values = {field.attname: getattr(record, field.attname) for field in AuditRecord._meta.fields}
    return AuditRecord(**(values | overrides))


def raw_insert(*records: AuditRecord) -> None:
    # bulk_create skips the model's save(): an insert that goes around the chain.
    AuditRecord.objects.bulk_create(records)


def raw_delete(*records: AuditRecord) -> None:
    # The trigger allows DELETE (archiving needs it); the model and its queryset refuse it.
    with connection.cursor() as cursor:
        for record in records:
            cursor.execute("DELETE FROM activity_auditrecord WHERE id = %s", [record.pk])


# The chain


def test_each_record_carries_the_hash_of_the_record_before():
    first, second, third = append(3)
    assert first.prev_hash == chain.GENESIS
    assert second.prev_hash == first.hash and third.prev_hash == second.hash
    assert len({first.hash, second.hash, third.hash}) == 3
    stored = AuditRecord.objects.filter(pk=second.pk).values(*chain.COLUMNS).get()
    assert chain.digest(chain.fields_of(stored), stored["prev_hash"]) == second.hash


def test_the_hash_covers_every_field_and_the_previous_hash():
    record = append(1, reason="ok")[0]
    row = AuditRecord.objects.filter(pk=record.pk).values(*chain.COLUMNS).get()
    fields = chain.fields_of(row)
    for name, other in [
        ("action", "agency.deleted"),
        ("outcome", AuditOutcome.DENIED),
        ("actor", None),
        ("agency", None),
        ("target_id", "999"),
        ("target_repr", "Someone else"),
        ("changes", {"reason": "forged"}),
        ("ip_address", "203.0.113.9"),
        ("created_at", "2020-01-01T00:00:00.000000Z"),
    ]:
        assert chain.digest(fields | {name: other}, row["prev_hash"]) != record.hash, name
    assert chain.digest(fields, "f" * 64) != record.hash


def test_addresses_hash_the_same_however_they_are_spelled():
    fields = chain.fields_of(AuditRecord.objects.values(*chain.COLUMNS).get(pk=append(1)[0].pk))
    mapped = chain.digest(fields | {"ip_address": "::ffff:192.0.2.1"}, chain.GENESIS)
    assert mapped == chain.digest(fields | {"ip_address": "::ffff:c000:201"}, chain.GENESIS)


def test_outcome_is_success_unless_said_and_must_be_known():
    agency = AgencyFactory()
    assert audit_record(actor=None, action="agency.created", target=agency).outcome == "success"
    denied = audit_record(
        actor=None, action="case.denied", target=agency, outcome=AuditOutcome.DENIED
    )
    assert AuditRecord.objects.get(pk=denied.pk).outcome == "denied"
    with pytest.raises(ValueError):
        audit_record(actor=None, action="agency.created", target=agency, outcome="maybe")


# verify_audit


def test_verify_audit_passes_an_intact_trail_and_prints_its_head():
    records = append(3)
    output = verify()
    assert "intact: 3 record(s)" in output
    assert records[-1].hash in output


def test_verify_audit_names_a_record_edited_in_the_database():
    _, second, _ = append(3)
    # The trigger refuses UPDATE; someone with the database's keys can drop it first.
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # ALTER TABLE waits for no deferred check of the test's own inserts.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(
                "ALTER TABLE activity_auditrecord DISABLE TRIGGER activity_auditrecord_no_update"
            )
        else:
            cursor.execute("DROP TRIGGER activity_auditrecord_no_update")
        cursor.execute(
            "UPDATE activity_auditrecord SET target_repr = %s WHERE id = %s",
            ["Nothing happened", second.pk],
        )
    with pytest.raises(CommandError, match=rf"record #{second.pk}: its content does not match"):
        verify()


def test_verify_audit_names_a_record_replaced_with_other_content():
    _, second, _ = append(3)
    raw_delete(second)
    raw_insert(copy(second, action="agency.viewed", changes={}))
    with pytest.raises(CommandError, match=rf"broken at record #{second.pk}: its content"):
        verify()


def test_verify_audit_names_the_record_after_a_removed_one():
    first, second, third = append(3)
    raw_delete(second)
    with pytest.raises(
        CommandError, match=rf"record #{third.pk}: it does not follow record #{first.pk}"
    ):
        verify()


def test_verify_audit_catches_a_removed_first_record():
    first, second = append(2)
    raw_delete(first)
    with pytest.raises(CommandError, match=rf"record #{second.pk}: it does not follow the start"):
        verify()


def forgery(record: AuditRecord, *, id: int, seq: int, prev_hash: str) -> AuditRecord:
    """A copy of ``record`` as a new record at position ``seq``, with a correct hash of its
    own."""
    forged = copy(record, id=id, seq=seq, action="case.read", prev_hash=prev_hash)
    row = {column: getattr(forged, column) for column in chain.COLUMNS}
    forged.hash = chain.digest(chain.fields_of(row), prev_hash)
    return forged


def test_verify_audit_catches_a_record_inserted_between_two():
    first, second = append(2)
    # ``second`` moves one id and one position up, so that the forgery sits between the two.
    raw_delete(second)
    raw_insert(
        forgery(first, id=second.pk, seq=second.seq, prev_hash="1" * 64),
        copy(second, id=second.pk + 1, seq=second.seq + 1),
    )
    with pytest.raises(
        CommandError, match=rf"record #{second.pk}: it does not follow record #{first.pk}"
    ):
        verify()


def test_verify_audit_catches_a_record_appended_around_the_chain():
    first, second = append(2)
    raw_insert(forgery(first, id=second.pk + 1, seq=second.seq + 1, prev_hash="2" * 64))
    with pytest.raises(CommandError, match=rf"record #{second.pk + 1}: it does not follow"):
        verify()


def test_the_database_refuses_a_fork_of_the_chain():
    first, second = append(2)
    with pytest.raises(IntegrityError), transaction.atomic():
        raw_insert(forgery(second, id=second.pk + 1, seq=second.seq + 1, prev_hash=first.hash))


# Archiving


def old_records(n: int, *, days_ago: int) -> list[AuditRecord]:
    with time_machine.travel(timezone.now() - dt.timedelta(days=days_ago), tick=False):
        return append(n)


def archive(before: dt.date, path) -> str:
    from io import StringIO

    out = StringIO()
    call_command("archive_audit", "--before", before.isoformat(), "--to", str(path), stdout=out)
    return out.getvalue()


def today() -> dt.date:
    return timezone.now().astimezone(dt.UTC).date()


def test_archive_refuses_records_younger_than_365_days(tmp_path):
    old_records(2, days_ago=400)
    target = tmp_path / "audit.jsonl"
    with pytest.raises(CommandError, match="kept at least 365 days"):
        archive(today() - dt.timedelta(days=364), target)
    assert not target.exists()
    assert AuditRecord.objects.count() == 2


def test_archive_refuses_a_bad_date_an_existing_file_and_an_empty_range(tmp_path):
    old_records(1, days_ago=400)
    existing = tmp_path / "kept.jsonl"
    existing.write_text("keep me\n")
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("archive_audit", "--before", "last year", "--to", str(tmp_path / "a"))
    with pytest.raises(CommandError, match="exists already"):
        archive(today() - dt.timedelta(days=365), existing)
    assert existing.read_text() == "keep me\n"
    with pytest.raises(CommandError, match="nothing to archive"):
        archive(today() - dt.timedelta(days=500), tmp_path / "empty.jsonl")
    assert AuditRecord.objects.count() == 1


def test_archive_writes_a_verifiable_file_then_removes_and_leaves_a_checkpoint(tmp_path):
    archived = old_records(3, days_ago=500)
    kept = append(2)
    target = tmp_path / "audit-old.jsonl"

    output = archive(today() - dt.timedelta(days=365), target)

    assert "Archived 3 audit record(s)" in output
    lines = target.read_text(encoding="ascii").splitlines()
    assert [json.loads(line)["id"] for line in lines] == [r.pk for r in archived]
    assert [json.loads(line)["hash"] for line in lines] == [r.hash for r in archived]
    summary = chain.Walk()
    rows = (json.loads(line) for line in lines)
    assert next(chain.walk(rows, anchor=chain.GENESIS, summary=summary), None) is None
    assert summary.count == 3
    assert not AuditRecord.objects.filter(pk__in=[r.pk for r in archived]).exists()
    assert AuditRecord.objects.filter(pk__in=[r.pk for r in kept]).count() == 2
    checkpoint = chain.latest_checkpoint()
    assert checkpoint.changes["sha256"] == hashlib.sha256(target.read_bytes()).hexdigest()
    assert checkpoint.changes["last_hash"] == archived[-1].hash
    assert checkpoint.changes["last_id"] == archived[-1].pk
    assert checkpoint.changes["file"].endswith("audit-old.jsonl")
    assert "intact: 3 record(s)" in verify()  # the two kept and the checkpoint


def test_a_second_archive_continues_from_the_first(tmp_path):
    old_records(2, days_ago=900)
    old_records(2, days_ago=600)
    append(1)
    archive(today() - dt.timedelta(days=800), tmp_path / "first.jsonl")
    archive(today() - dt.timedelta(days=500), tmp_path / "second.jsonl")
    assert len((tmp_path / "second.jsonl").read_text().splitlines()) == 2
    assert "intact" in verify()
    assert AuditRecord.objects.filter(action=chain.CHECKPOINT_ACTION).count() == 2


def test_after_archiving_removing_the_first_kept_record_is_caught(tmp_path):
    old_records(2, days_ago=400)
    first_kept, _ = append(2)
    archive(today() - dt.timedelta(days=365), tmp_path / "audit.jsonl")
    raw_delete(first_kept)
    with pytest.raises(CommandError, match="does not follow the start"):
        verify()


def test_a_broken_trail_is_not_archived(tmp_path):
    first, second, third = old_records(3, days_ago=400)
    raw_delete(second)
    target = tmp_path / "audit.jsonl"
    with pytest.raises(CommandError, match=rf"record #{third.pk}"):
        archive(today() - dt.timedelta(days=365), target)
    assert not target.exists()
    assert AuditRecord.objects.filter(pk__in=[first.pk, third.pk]).count() == 2


# Inert text


FORGED = "ok\r\n2026-03-10 09:00:00Z admin.alpha case.read success ATF-2026-0001"


def test_text_from_requests_is_stored_inert():
    agency = AgencyFactory(name="Bad\nName\u2028Agency\u202e")
    record = audit_record(
        actor=None,
        action="agency.updated",
        target=agency,
        changes={"reason": FORGED, "names\n": ["a\x1b[31mb", {"k": "v\x00"}], "n": 1.5},
    )
    record = AuditRecord.objects.get(pk=record.pk)
    stored = json.dumps(record.changes) + record.target_repr
    for control in ["\r", "\n", "\x1b", "\x00", "\u2028", "\u202e"]:
        assert control not in stored, repr(control)
    assert record.changes["reason"] == FORGED.replace("\r", "\\r").replace("\n", "\\n")
    assert record.changes["names\\n"] == ["a\\x1b[31mb", {"k": "v\\x00"}]
    assert record.changes["n"] == "1.5"
    assert record.target_repr.startswith("Bad\\nName\\u2028Agency\\u202e")
    assert "\n" not in str(record)
    assert "intact" in verify()


def test_older_records_print_on_one_line_too():
    record = append(1)[0]
    record.target_repr = "held\nas sent"
    assert str(record).count("\n") == 0 and "held\\nas sent" in str(record)


def test_free_text_sent_to_the_api_is_stored_inert(client):
    from tests.activity.audit_world import build_audit_world

    world = build_audit_world()
    client.force_login(world.liaison_a)
    response = client.patch(
        f"/api/v1/cases/{world.case.pk}/",
        {"status": "closed", "status_reason": FORGED},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    record = AuditRecord.objects.get(action="case.status_changed")
    assert "\n" not in record.changes["reason"] and "\\r\\n" in record.changes["reason"]


# The migration that started the chain


@pytest.mark.django_db(transaction=True)
def test_the_migration_hashes_the_records_written_before_the_chain():
    from django.db.migrations.executor import MigrationExecutor

    before_chain = [("activity", "0005_audience_until")]
    executor = MigrationExecutor(connection)
    executor.migrate(before_chain)
    old = executor.loader.project_state(before_chain).apps.get_model("activity", "AuditRecord")
    old.objects.create(action="agency.created", changes={"name": "A"}, ip_address="192.0.2.1")
    old.objects.create(action="agency.updated", changes={"name": ["A", "B"]})

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    first, second = AuditRecord.objects.order_by("id")
    assert first.prev_hash == chain.GENESIS and second.prev_hash == first.hash
    assert (first.seq, second.seq) == (1, 2)
    assert "intact: 2 record(s)" in verify()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE activity_auditrecord SET action = 'x' WHERE id = %s", [first.pk])
