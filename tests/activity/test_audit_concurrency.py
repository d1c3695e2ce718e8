"""The audit trail under concurrent writers, on PostgreSQL: auditing takes no lock inside
a business transaction, so a service that audits and then locks a row never waits in a
circle with one that holds that row and audits; the seals after commit still give one
unforked chain, in the order the records were sealed."""

import threading
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, connections, transaction

from activity.models import AuditRecord
from activity.services import audit_record
from meetings.models import Meeting, Registration
from meetings.services import cascades, registration_register
from tests.agencies.factories import AgencyFactory, person
from tests.meetings.test_registrations import training

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="concurrency is checked on PostgreSQL"
    ),
]
# Long enough for PostgreSQL to find a deadlock (deadlock_timeout is 1 s by default).
WAIT = 10


def verify() -> str:
    out = StringIO()
    call_command("verify_audit", stdout=out)
    return out.getvalue()


def run_all(*targets) -> list[Exception]:
    """Run each target in a thread of its own (its own connection); the errors raised."""
    errors = []

    def run(target):
        try:
            target()
        except Exception as exc:  # reported by the caller's assertion
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(target,)) for target in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return errors


def assert_one_chain() -> None:
    rows = list(AuditRecord.objects.order_by("seq").values_list("seq", "prev_hash", "hash"))
    assert not AuditRecord.objects.filter(hash__isnull=True).exists()
    assert [seq for seq, _, _ in rows] == list(range(1, len(rows) + 1))
    assert [prev for _, prev, _ in rows[1:]] == [h for _, _, h in rows[:-1]]
    assert "intact" in verify()


def test_concurrent_appends_keep_one_chain():
    agency = AgencyFactory()
    actors = [person(agency) for _ in range(6)]
    barrier = threading.Barrier(len(actors))

    def writer(actor, in_transaction):
        def write():
            barrier.wait()
            for _ in range(5):
                if in_transaction:
                    with transaction.atomic():
                        audit_record(actor=actor, action="agency.updated", target=agency)
                        audit_record(actor=actor, action="agency.viewed", target=agency)
                else:
                    audit_record(actor=actor, action="agency.updated", target=agency)

        return write

    errors = run_all(*[writer(actor, i % 2 == 0) for i, actor in enumerate(actors)])
    assert errors == []
    assert AuditRecord.objects.filter(action="agency.updated").count() == 30
    assert AuditRecord.objects.filter(action="agency.viewed").count() == 15
    assert_one_chain()


def test_a_cascade_that_audits_then_locks_and_a_service_holding_the_lock_that_audits_both_succeed(
    personas,
    monkeypatch,
):
    first, second = training(personas), training(personas, title="Operations course")
    leaving = personas.agency("invited")
    registrant = person(personas.agency("other"), username="registrant")
    holds_second, cascade_audited = threading.Event(), threading.Event()
    real_audit_record = cascades.audit_record

    def audit_and_tell(**kwargs):
        record = real_audit_record(**kwargs)
        cascade_audited.set()
        return record

    # The cascade audits ``first``, then locks ``second``: the row the registration holds.
    monkeypatch.setattr(cascades, "audit_record", audit_and_tell)

    def cascade():
        assert holds_second.wait(WAIT)
        with transaction.atomic():
            cascades.withdraw([first, second], {leaving.pk}, actor=None, reason="left")

    def register():
        with transaction.atomic():
            Meeting.objects.select_for_update().get(pk=second.pk)
            holds_second.set()
            # Once the cascade has audited (and, were the chain locked at insert, held its
            # lock), register: the service locks the row it holds already, then audits.
            assert cascade_audited.wait(WAIT)
            registration_register(actor=registrant, meeting=second)

    assert run_all(cascade, register) == []
    assert Registration.objects.filter(meeting=second, user=registrant).exists()
    withdrawn = AuditRecord.objects.filter(action="meeting.withdrawn")
    assert set(withdrawn.values_list("target_id", flat=True)) == {str(first.pk), str(second.pk)}
    assert AuditRecord.objects.filter(action="training.registered", actor=registrant).exists()
    assert_one_chain()


def test_a_record_committed_after_a_later_one_is_chained_after_it():
    agency = AgencyFactory()
    inserted, go_on = threading.Event(), threading.Event()
    ids = {}

    def slow():
        with transaction.atomic():
            ids["slow"] = audit_record(actor=None, action="agency.updated", target=agency).pk
            inserted.set()
            assert go_on.wait(WAIT)

    def quick():
        assert inserted.wait(WAIT)
        ids["quick"] = audit_record(actor=None, action="agency.viewed", target=agency).pk
        go_on.set()

    assert run_all(slow, quick) == []
    slow_record, quick_record = (AuditRecord.objects.get(pk=ids[k]) for k in ("slow", "quick"))
    assert slow_record.pk < quick_record.pk
    assert slow_record.seq == quick_record.seq + 1
    assert slow_record.prev_hash == quick_record.hash
    assert_one_chain()
