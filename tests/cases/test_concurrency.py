"""Concurrent edits on PostgreSQL: row locks and If-Match make exactly one edit win."""

import threading

import pytest
from django.db import connection, connections
from rest_framework.test import APIClient

from cases.models import Note

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="concurrency is checked on PostgreSQL"
    ),
]


def test_two_edits_of_the_same_version_one_wins_the_other_gets_412(personas, case_notes):
    user, note = personas.user("contributor"), case_notes.restricted
    barrier = threading.Barrier(2)
    statuses = []

    def edit(text):
        client = APIClient()
        client.force_login(user)
        barrier.wait()
        response = client.patch(
            f"/api/v1/notes/{note.pk}/", {"body": text}, format="json", HTTP_IF_MATCH='"1"'
        )
        statuses.append(response.status_code)
        connections.close_all()

    threads = [threading.Thread(target=edit, args=(f"edit {i}",)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(statuses) == [200, 412]
    note.refresh_from_db()
    assert note.version == 2
    assert list(note.revisions.order_by("version").values_list("version", flat=True)) == [1, 2]
    assert note.revisions.get(version=2).body == note.body


def test_many_cases_opened_at_once_get_distinct_numbers(personas, shared_case, case_notes):
    from cases import services

    user, task_force = personas.user("manager"), personas.task_force
    barrier = threading.Barrier(4)
    errors = []

    def open_case(i):
        try:
            barrier.wait()
            services.case_open(actor=user, task_force=task_force, title=f"c{i}", kind="other")
        except Exception as exc:  # reported by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=open_case, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    numbers = list(task_force.cases.values_list("number", flat=True))
    assert len(numbers) == len(set(numbers)) == 5
    assert Note.objects.filter(case__task_force=task_force).count() == 2
