"""The four outcome counters of each case become dated outcome records.

The counters had no date: each becomes one record dated the day the case was opened (in its
task force's zone), the only date known for it. Victims identified before groups were kept
count as "age not known, citizenship not known"; charges before statutes were kept count as
"other charges", since nothing says they were filed under a human-trafficking statute.
"""

import zoneinfo

from django.db import migrations
from django.utils import timezone

COUNTERS = {
    "victims_identified": {"age_group": "unknown", "citizenship": "unknown"},
    "victims_referred": {},
    "arrests": {},
    "charges_filed": {"statute": "other"},
}


def counters_to_records(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    CaseOutcome = apps.get_model("cases", "CaseOutcome")
    now = timezone.now()
    records = []
    cases = Case.objects.select_related("task_force").only(
        "pk", "created_at", "task_force__time_zone", *COUNTERS
    )
    for case in cases.iterator(chunk_size=2000):
        zone = zoneinfo.ZoneInfo(case.task_force.time_zone)
        opened_on = case.created_at.astimezone(zone).date()
        for kind, group in COUNTERS.items():
            count = getattr(case, kind)
            if count:
                records.append(
                    CaseOutcome(
                        case_id=case.pk,
                        task_force_id=case.task_force_id,
                        kind=kind,
                        count=count,
                        occurred_on=opened_on,
                        recorded_at=now,
                        **group,
                    )
                )
        if len(records) >= 2000:
            CaseOutcome.objects.bulk_create(records)
            records = []
    CaseOutcome.objects.bulk_create(records)


def records_to_counters(apps, schema_editor):
    """Back: each counter is the sum of the case's records of its kind that stand."""
    from django.db.models import Sum

    Case = apps.get_model("cases", "Case")
    CaseOutcome = apps.get_model("cases", "CaseOutcome")
    totals = (
        CaseOutcome.objects.filter(withdrawn_at__isnull=True, kind__in=list(COUNTERS))
        .values("case_id", "kind")
        .annotate(total=Sum("count"))
    )
    for row in totals.iterator():
        Case.objects.filter(pk=row["case_id"]).update(**{row["kind"]: row["total"]})


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0004_outcomes"),
    ]

    operations = [migrations.RunPython(counters_to_records, records_to_counters)]
