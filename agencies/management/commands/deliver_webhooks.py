"""The webhook worker: sends what is due, sleeps a little, and again (README, "Webhooks")."""

import signal
import threading

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections, connection

from agencies.webhooks.delivery import deliver_due


class Command(BaseCommand):
    help = (
        "Deliver webhooks: claim due deliveries, send them signed, retry failures with "
        "backoff. Runs until SIGTERM or SIGINT (finishing the delivery in hand); --once "
        "sends everything due now and exits. Several workers may run at once."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--once", action="store_true", help="Send everything due now, then exit."
        )

    def handle(self, *args, once=False, **options):
        stop = threading.Event()
        previous = {}
        if threading.current_thread() is threading.main_thread():
            for signum in (signal.SIGTERM, signal.SIGINT):
                previous[signum] = signal.signal(signum, lambda *_: stop.set())
        try:
            sent = self._loop(stop, once)
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)
        if once or options.get("verbosity", 1) > 1:
            self.stdout.write(f"{sent} webhook deliveries handled.")

    def _loop(self, stop: threading.Event, once: bool) -> int:
        sent = 0
        while not stop.is_set():
            self._fresh_connection()
            claimed = deliver_due(stop=stop)
            sent += claimed
            if claimed:
                continue
            if once:
                break
            stop.wait(settings.WEBHOOK_POLL_SECONDS)
        self._fresh_connection()
        return sent

    @staticmethod
    def _fresh_connection() -> None:
        # A long-running process drops a connection that broke or aged out, as Django does
        # between requests; never inside a transaction (a test's, or a caller's).
        if not connection.in_atomic_block:
            close_old_connections()
