"""End case shares past their expiry date. Reads end them too; run this from cron so the
audit trail records the end on the day, even when nobody reads."""

from django.core.management.base import BaseCommand

from cases.services import case_shares_end_expired


class Command(BaseCommand):
    help = "End case shares whose expiry date has passed."

    def handle(self, *args, **options):
        ended = case_shares_end_expired()
        self.stdout.write(f"{ended} expired share(s) ended.")
