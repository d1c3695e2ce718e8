"""Disable the accounts nobody has used for a while. Run it daily from cron."""

from django.conf import settings
from django.core.management.base import BaseCommand

from agencies import services


class Command(BaseCommand):
    help = (
        "Disable accounts with no sign-in and no API token use for CROSSROADS_INACTIVE_"
        "ACCOUNT_DAYS days (90 by default); each is audited. Run daily, e.g. from cron."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="List the accounts without disabling them."
        )

    def handle(self, *args, dry_run=False, **options):
        days = settings.INACTIVE_ACCOUNT_DAYS
        if dry_run:
            found = list(services.inactive_accounts())
            verb = "would be disabled"
        else:
            found = services.accounts_disable_inactive()
            verb = "disabled"
        for user in found:
            self.stdout.write(
                f"  {user.get_username()} (last active {user.last_activity:%Y-%m-%d})"
            )
        self.stdout.write(f"{len(found)} account(s) unused for {days} days {verb}.")
