"""Verify the audit trail's hash chain: run daily from cron, and keep what it prints.

It recomputes every record's hash in id order, from the genesis or from the latest archive
checkpoint, and exits non-zero naming the first record that was changed, or after which
records were removed or inserted. On success it prints the head of the chain: kept off
the database (the cron mail, a log host), an earlier head shows a trail rewritten whole.
"""

from django.core.management.base import BaseCommand, CommandError

from activity import chain


class Command(BaseCommand):
    help = "Recompute the audit trail's hash chain; exit 1 naming the first broken record."

    def handle(self, *args, **options):
        summary = chain.Walk()
        broken = chain.verify_database(summary)
        if broken is not None:
            raise CommandError(
                f"The audit trail is broken at {broken}. "
                f"{summary.count} record(s) before it verified."
            )
        if summary.count == 0:
            self.stdout.write("The audit trail is empty.")
            return
        _, archived_up_to = chain.database_anchor()
        start = f"archive checkpoint (records up to #{archived_up_to} archived)"
        self.stdout.write(
            f"The audit trail is intact: {summary.count} record(s), #{summary.first_id} to "
            f"#{summary.last_id}, from the {start if archived_up_to else 'genesis'}; "
            f"head {summary.last_hash}."
        )
