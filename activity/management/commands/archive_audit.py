"""Archive audit records older than a date to a JSON Lines file, then remove them.

    manage.py archive_audit --before 2025-01-01 --to /var/archive/audit-2024.jsonl

Records are kept at least 365 days: a later date is refused. The file must not exist. It
is written, read back and verified before anything is removed; the trail keeps a
checkpoint record with the file's name and SHA-256, from which ``verify_audit`` verifies
the records left. Keep the file (and its SHA-256) where the records would have been kept.
"""

import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from activity import archive


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--before takes a date as YYYY-MM-DD, not {value!r}.") from exc


class Command(BaseCommand):
    help = "Move audit records older than --before (at least 365 days old) to the file --to."

    def add_arguments(self, parser):
        parser.add_argument("--before", required=True, help="YYYY-MM-DD (UTC), exclusive.")
        parser.add_argument("--to", required=True, help="A new JSON Lines file.")

    def handle(self, *args, before, to, **options):
        try:
            done = archive.archive(before=_date(before), path=Path(to))
        except archive.ArchiveError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Archived {done.count} audit record(s), #{done.first_id} to #{done.last_id}, to "
            f"{done.path} (SHA-256 {done.sha256}); the trail continues from its checkpoint."
        )
