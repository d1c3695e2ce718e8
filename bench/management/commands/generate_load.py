"""manage.py generate_load: the benchmark's statewide data set on PostgreSQL."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from agencies.models import Agency
from bench import dataset, derive

RESULTS = Path(__file__).resolve().parents[2] / "results"


class Command(BaseCommand):
    help = (
        "Fill an empty PostgreSQL portal database with the benchmark's data set: "
        "full (200 agencies, 5,000 people, 100,000 cases, 1,000,000 notes), quick (a tenth "
        "of the people, cases and notes) or tiny (for tests)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--size", choices=sorted(dataset.SIZES), default="full")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--results", type=Path, default=RESULTS, help="Where dataset-<size>.json goes."
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Empty every portal table first (all agencies, people, cases and events).",
        )

    def handle(self, *args, size, seed, replace, results, **options):
        if connection.vendor != "postgresql":
            raise CommandError("generate_load needs PostgreSQL (COPY); set DATABASE_URL.")
        if Agency.objects.exists() and not replace:
            raise CommandError(
                "This database already holds agencies; run with --replace to empty it first "
                "(never against a database people use)."
            )
        with transaction.atomic():
            if replace:
                derive.truncate()
            summary = dataset.load(dataset.SIZES[size], seed)
        summary["name"] = size
        results.mkdir(parents=True, exist_ok=True)
        (results / f"dataset-{size}.json").write_text(json.dumps(summary, indent=2) + "\n")
        counts = ", ".join(
            f"{value:,} {key.replace('_', ' ')}" for key, value in summary["counts"].items()
        )
        self.stdout.write(self.style.SUCCESS(f"Generated the {size} data set: {counts}."))
