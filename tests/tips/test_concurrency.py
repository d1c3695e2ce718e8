"""Concurrent attachments on PostgreSQL: two agencies attaching the same phone number at the
same moment are still told of each other."""

import threading

import pytest
from django.db import connection, connections

from tests.cases.factories import CaseFactory
from tips import services
from tips.models import DeconflictionNotice

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="concurrency is checked on PostgreSQL"
    ),
]


def test_the_same_number_attached_at_once_by_two_agencies_is_matched(personas):
    cases = {
        persona: CaseFactory(actor=personas.user(persona), task_force=task_force)
        for persona, task_force in [
            ("manager", personas.task_force),
            ("other", personas.other_task_force),
        ]
    }
    barrier = threading.Barrier(2)
    errors = []

    def attach(persona):
        try:
            barrier.wait()
            services.identifier_add(
                actor=personas.user(persona), case=cases[persona], kind="phone", value="8165550170"
            )
        except Exception as exc:  # reported by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attach, args=(p,)) for p in cases]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    agencies = set(DeconflictionNotice.objects.values_list("agency__short_name", flat=True))
    assert agencies == {"MGR", "OTH"}
