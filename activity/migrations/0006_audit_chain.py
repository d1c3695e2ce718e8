"""Chain the audit trail: an outcome for every record, and the hash of the record before it.

The records already written are hashed in id order. The update trigger of 0003 is dropped
first (it would refuse filling in the new columns; SQLite also drops it when the table is
rebuilt) and created again by 0007, which also makes a fork of the chain impossible.
"""

import django.utils.timezone
from django.db import migrations, models

from activity import chain
from activity.migrations import _triggers

def hash_existing(apps, schema_editor):
    AuditRecord = apps.get_model("activity", "AuditRecord")
    rows = AuditRecord.objects.using(schema_editor.connection.alias).order_by("id")
    prev_hash, batch = chain.GENESIS, []
    for row in rows.values(*chain.COLUMNS).iterator(chunk_size=2000):
        record_hash = chain.digest(chain.fields_of(row), prev_hash)
        batch.append(AuditRecord(pk=row["id"], prev_hash=prev_hash, hash=record_hash))
        prev_hash = record_hash
        if len(batch) >= 1000:
            AuditRecord.objects.bulk_update(batch, ["prev_hash", "hash"])
            batch = []
    AuditRecord.objects.bulk_update(batch, ["prev_hash", "hash"])


class Migration(migrations.Migration):
    dependencies = [("activity", "0005_audience_until")]

    operations = [
        migrations.RunPython(
            _triggers.run(_triggers.DROP_TRIGGER), _triggers.run(_triggers.CREATE_TRIGGER)
        ),
        migrations.AddField(
            model_name="auditrecord",
            name="outcome",
            field=models.CharField(
                choices=[("success", "Success"), ("failure", "Failure"), ("denied", "Denied")],
                default="success",
                max_length=8,
            ),
        ),
        migrations.AddField(
            model_name="auditrecord",
            name="prev_hash",
            field=models.CharField(
                default="", help_text="The hash of the record before.", max_length=64
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditrecord",
            name="hash",
            field=models.CharField(
                default="", help_text="SHA-256 of prev_hash and this record.", max_length=64
            ),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="auditrecord",
            name="created_at",
            field=models.DateTimeField(db_index=True, default=django.utils.timezone.now),
        ),
        migrations.RunPython(hash_existing, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="auditrecord",
            index=models.Index(fields=["agency", "action", "-id"], name="audit_agency_action"),
        ),
        migrations.AddIndex(
            model_name="auditrecord",
            index=models.Index(fields=["agency", "actor", "-id"], name="audit_agency_actor"),
        ),
        migrations.AddIndex(
            model_name="auditrecord",
            index=models.Index(fields=["agency", "outcome", "-id"], name="audit_agency_outcome"),
        ),
        migrations.AddIndex(
            model_name="auditrecord",
            index=models.Index(fields=["agency", "created_at"], name="audit_agency_time"),
        ),
    ]
