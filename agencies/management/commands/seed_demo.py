"""Load the demo data. Safe to run again: it only adds what is missing."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.module_loading import import_string

# Each app with demo data adds its seeder here, in dependency order.
SEEDERS = ["agencies.demo.seed", "cases.demo.seed", "meetings.demo.seed", "tips.demo.seed"]


class Command(BaseCommand):
    help = "Load the demo agencies, task forces and accounts (idempotent)."

    def handle(self, *args, **options):
        usernames: list[str] = []
        for path in SEEDERS:
            usernames = import_string(path)() or usernames
        self.stdout.write(self.style.SUCCESS("Demo data is loaded."))
        self.stdout.write(
            f"Demo logins (password {settings.DEMO_PASSWORD!r}, "
            "set CROSSROADS_DEMO_PASSWORD before the first seed to change it):"
        )
        for username in usernames:
            self.stdout.write(f"  {username}")
        if settings.REQUIRE_MFA:
            self.stdout.write(
                "Two-step sign-in is on: each account sets up an authenticator app at its "
                "first sign-in."
            )
        else:
            self.stdout.write(
                self.style.WARNING(
                    "Two-step sign-in is OFF for this demo (CROSSROADS_REQUIRE_MFA=false): "
                    "accounts sign in with a password alone. Deployments require it."
                )
            )
