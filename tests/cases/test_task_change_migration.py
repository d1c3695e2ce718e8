"""Migration 0009: each past change of a task gets the audience the task had right after it,
found by walking the history back from the task as it stands."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from cases import services
from cases.models import NoteVisibility, TaskChange

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("cases", "0008_search_index")]
AFTER = [("cases", "0009_task_change_audience")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def test_past_changes_get_the_audience_they_were_made_under(personas, shared_case):
    manager = personas.user("manager")
    task = services.task_create(
        actor=manager,
        case=shared_case,
        title="Protect informant CI-7",
        assigned_agency=personas.agency("contributor"),
        visibility=NoteVisibility.RESTRICTED,
        restricted_to=[],
    )
    task = services.task_update(actor=manager, task=task, title="Move CI-7")
    services.task_update(actor=manager, task=task, visibility=NoteVisibility.CASE)
    try:
        _migrate(BEFORE)
        _migrate(AFTER)
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    listed = sorted([personas.agency("manager").pk, personas.agency("contributor").pk])
    assert [(c.visibility, c.restricted_to) for c in TaskChange.objects.filter(task=task)] == [
        ("restricted", listed),
        ("restricted", listed),
        ("case", []),
    ]
