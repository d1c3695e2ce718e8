"""Verify the audit trail's hash chain: run daily from cron, and keep what it prints.

It first seals the records still waiting for their seal (one that failed after its
transaction committed), then recomputes every sealed record's hash in chain order (``seq``),
from the genesis or from the latest archive checkpoint, and exits non-zero naming the first
record that was changed, moved, or after which records were removed or inserted. It also
exits non-zero when records committed more than a few minutes ago are still unsealed: it
could not seal them. On success it prints the head of the chain: kept off the database
(the cron mail, a log host), an earlier head shows a trail rewritten whole.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from activity import chain


class Command(BaseCommand):
    help = (
        "Seal what waits to be sealed, recompute the audit trail's hash chain; exit 1 naming "
        "the first broken record, or records left unsealed."
    )

    def handle(self, *args, **options):
        try:
            sealed, failure = chain.seal(), ""
        except (DatabaseError, chain.SealError) as exc:
            sealed, failure = 0, f" Sealing failed: {exc}"
        if sealed:
            self.stdout.write(f"Sealed {sealed} record(s) that waited for their seal.")
        summary = chain.Walk()
        broken = chain.verify_database(summary)
        if broken is not None:
            raise CommandError(
                f"The audit trail is broken at {broken}. "
                f"{summary.count} record(s) before it verified.{failure}"
            )
        self._report_unsealed(failure)
        if summary.count == 0:
            self.stdout.write("The audit trail is empty.")
            return
        checkpoint = chain.latest_checkpoint()
        start = f"archive checkpoint #{checkpoint.pk}" if checkpoint else "genesis"
        self.stdout.write(
            f"The audit trail is intact: {summary.count} record(s), positions "
            f"{summary.last_seq - summary.count + 1} to {summary.last_seq} "
            f"(#{summary.first_id} to #{summary.last_id}), from the {start}; "
            f"head {summary.last_hash}."
        )

    def _report_unsealed(self, failure: str) -> None:
        stale = chain.unsealed(older_than=chain.UNSEALED_GRACE)
        count = stale.count()
        if count:
            minutes = int(chain.UNSEALED_GRACE.total_seconds() // 60)
            shown = ", ".join(f"#{pk}" for pk in stale.values_list("id", flat=True)[:10])
            raise CommandError(
                f"{count} audit record(s) committed more than {minutes} minutes ago are not "
                f"sealed ({shown}{', ...' if count > 10 else ''}): they are outside the "
                f"verified chain.{failure}"
            )
        if failure:
            self.stderr.write(failure.strip())
        waiting = chain.unsealed().count()
        if waiting:
            # Committed while this command ran: the seal of their own transaction takes them.
            self.stdout.write(f"{waiting} record(s) written just now wait for their seal.")
