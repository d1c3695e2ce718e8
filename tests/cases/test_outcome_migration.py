"""Migration 0005: the four counters a case had become dated outcome records, and back."""

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from cases.models import CaseOutcome
from tests.cases.factories import CaseFactory
from tests.clock import chicago

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("cases", "0004_outcomes")]
AFTER = [("cases", "0006_drop_outcome_counters")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_the_counters_become_records_dated_the_day_the_case_was_opened(personas):
    # Opened at 23:30 in Kansas City on 31 March: 1 April in UTC, the first quarter there.
    with time_machine.travel(chicago(2026, 3, 31, 23, 30), tick=False):
        case = CaseFactory(actor=personas.user("manager"), task_force=personas.task_force)
    quiet = CaseFactory(actor=personas.user("manager"), task_force=personas.task_force)
    try:
        old = _migrate(BEFORE)
        old.get_model("cases", "Case").objects.filter(pk=case.pk).update(
            victims_identified=3, victims_referred=2, arrests=1, charges_filed=4
        )
        _migrate(AFTER)
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    records = {r.kind: r for r in CaseOutcome.objects.filter(case_id=case.pk).order_by("kind")}
    assert {k: r.count for k, r in records.items()} == {
        "victims_identified": 3,
        "victims_referred": 2,
        "arrests": 1,
        "charges_filed": 4,
    }
    assert {r.occurred_on for r in records.values()} == {dt.date(2026, 3, 31)}
    victims = records["victims_identified"]
    assert (victims.age_group, victims.citizenship) == ("unknown", "unknown")
    assert records["charges_filed"].statute == "other"
    assert records["arrests"].task_force_id == personas.task_force.pk
    assert not CaseOutcome.objects.filter(case_id=quiet.pk).exists()
