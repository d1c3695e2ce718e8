"""The access rows the case lists read (``CaseAccess``), filled from the active shares,
which the grants mirror, and from the notes each agency may read."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Max

BATCH = 2_000


def create_activity_index(apps, schema_editor):
    """The dashboard's order: the newest readable note first, cases without notes last.
    PostgreSQL puts NULLs first in a descending index unless told; SQLite puts them last
    already and cannot be told."""
    nulls_last = " NULLS LAST" if schema_editor.connection.vendor == "postgresql" else ""
    schema_editor.execute(
        "CREATE INDEX case_access_activity ON cases_caseaccess "
        f"(agency_id, last_note_at DESC{nulls_last}, case_updated_at DESC, case_id DESC)"
    )


def drop_activity_index(apps, schema_editor):
    schema_editor.execute("DROP INDEX case_access_activity")


def fill_access_rows(apps, schema_editor):
    CaseShare = apps.get_model("cases", "CaseShare")
    CaseAccess = apps.get_model("cases", "CaseAccess")
    Note = apps.get_model("cases", "Note")
    case_wide = dict(
        Note.objects.filter(visibility="case")
        .values("case_id")
        .annotate(at=Max("created_at"))
        .values_list("case_id", "at")
    )
    restricted = {
        (case_id, agency_id): at
        for case_id, agency_id, at in Note.restricted_to.through.objects.filter(
            note__visibility="restricted"
        )
        .values("note__case_id", "agency_id")
        .annotate(at=Max("note__created_at"))
        .values_list("note__case_id", "agency_id", "at")
    }
    rows = []
    shares = CaseShare.objects.filter(ended_at__isnull=True).values_list(
        "case_id", "agency_id", "level", "expires_on", "case__lead_agency_id", "case__updated_at"
    )
    for case_id, agency_id, level, expires_on, lead_id, updated_at in shares.iterator():
        times = [t for t in (case_wide.get(case_id), restricted.get((case_id, agency_id))) if t]
        rows.append(
            CaseAccess(
                case_id=case_id,
                agency_id=agency_id,
                level=level,
                expires_on=None if agency_id == lead_id else expires_on,
                case_updated_at=updated_at,
                last_note_at=max(times, default=None),
            )
        )
        if len(rows) == BATCH:
            CaseAccess.objects.bulk_create(rows)
            rows = []
    CaseAccess.objects.bulk_create(rows)


class Migration(migrations.Migration):

    dependencies = [
        ('agencies', '0005_profile_time_zone_and_text_limits'),
        ('cases', '0002_length_limits'),
    ]

    operations = [
        migrations.CreateModel(
            name='CaseAccess',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('level', models.CharField(choices=[('view', 'View'), ('contribute', 'Contribute'), ('manage', 'Manage')], max_length=12)),
                ('expires_on', models.DateField(blank=True, null=True)),
                ('case_updated_at', models.DateTimeField()),
                ('last_note_at', models.DateTimeField(blank=True, null=True)),
                ('agency', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='agencies.agency')),
                ('case', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='access', to='cases.case')),
            ],
            options={
                'indexes': [models.Index(fields=['agency', '-case_updated_at', '-case'], name='case_access_recent')],
                'constraints': [models.UniqueConstraint(fields=('agency', 'case'), name='one_access_per_agency')],
            },
        ),
        migrations.RunPython(create_activity_index, drop_activity_index),
        migrations.RunPython(fill_access_rows, migrations.RunPython.noop),
    ]
