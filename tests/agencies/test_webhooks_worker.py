"""The webhook worker: `deliver_webhooks --once` drains what is due and exits, SIGTERM stops
the loop between deliveries, docker-compose runs it as a service of its own, and two workers
at once never send the same event twice (PostgreSQL: SKIP LOCKED)."""

import os
import signal
import threading
from collections import Counter
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from django.db import connection, connections

from agencies.models import DeliveryState, WebhookDelivery
from agencies.webhooks.delivery import deliver_due
from cases import services as case_services
from tests.agencies.test_webhooks_delivery import add_note, register
from tests.agencies.webhook_receiver import start_receiver

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def receiver():
    server = start_receiver()
    yield server
    server.server.shutdown()
    server.server.server_close()


@pytest.fixture
def local(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS = True
    settings.WEBHOOK_TIMEOUT_SECONDS = 2


@pytest.mark.django_db
def test_once_drains_what_is_due_and_exits(personas, shared_case, receiver, local, capsys):
    register(personas, "manager", receiver.url())
    for n in range(3):
        add_note(personas, shared_case, body=f"Note {n}")
    call_command("deliver_webhooks", "--once")
    assert len(receiver.requests) == 3
    assert "3 webhook deliveries handled" in capsys.readouterr().out
    assert not WebhookDelivery.objects.filter(state=DeliveryState.PENDING).exists()


@pytest.mark.django_db
def test_sigterm_stops_the_loop(personas, settings):
    settings.WEBHOOK_POLL_SECONDS = 30
    before = signal.getsignal(signal.SIGTERM)
    timer = threading.Timer(0.2, os.kill, args=(os.getpid(), signal.SIGTERM))
    timer.start()
    call_command("deliver_webhooks")  # returns once SIGTERM is handled, long before 30 s
    timer.join()
    assert signal.getsignal(signal.SIGTERM) is before


def test_docker_compose_runs_the_worker_from_the_web_image():
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    worker = services["webhooks"]
    assert worker["build"] == services["web"]["build"]
    assert worker["command"] == ["python", "manage.py", "deliver_webhooks"]
    assert "ports" not in worker


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="concurrent claims are checked on PostgreSQL"
)
def test_two_workers_never_send_the_same_event_twice(personas, shared_case, receiver, local):
    register(personas, "manager", receiver.url())
    for n in range(12):
        case_services.note_add(actor=personas.user("manager"), case=shared_case, body=f"N{n}")
    barrier = threading.Barrier(2)

    def work():
        try:
            barrier.wait()
            while deliver_due(limit=2):
                pass
        finally:
            connections.close_all()

    workers = [threading.Thread(target=work) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)

    sent = Counter(r.headers["X-Crossroads-Event-Id"] for r in receiver.requests)
    assert len(sent) == 12 and set(sent.values()) == {1}
    assert WebhookDelivery.objects.filter(state=DeliveryState.DELIVERED).count() == 12
