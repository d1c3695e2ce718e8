"""The webhook worker: sends what is due, sleeps a little, and again (README, "Webhooks")."""

import signal
import threading

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections

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
        if threading.current_thread() is threading.main_thread():
            for signum in (signal.SIGTERM, signal.SIGINT):
                signal.signal(signum, lambda *_: stop.set())
        sent = 0
        while not stop.is_set():
            close_old_connections()
            claimed = deliver_due(stop=stop)
            sent += claimed
            if claimed:
                continue
            if once:
                break
            stop.wait(settings.WEBHOOK_POLL_SECONDS)
        close_old_connections()
        if once or options.get("verbosity", 1) > 1:
            self.stdout.write(f"{sent} webhook deliveries handled.")
