"""End case shares past their expiry date, for the record.

An expired share opens nothing from the day after its date whether or not this runs (the
policy compares dates); run it daily from cron so the grant goes, the audit trail records
the end and the agency's open dashboards hear of it on the day. `make run` runs it at start.
"""

from django.core.management.base import BaseCommand

from cases.services import case_shares_end_expired


class Command(BaseCommand):
    help = "End case shares whose expiry date has passed."

    def handle(self, *args, **options):
        ended = case_shares_end_expired()
        self.stdout.write(f"{ended} expired share(s) ended.")
