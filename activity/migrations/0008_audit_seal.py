"""Seal after commit: a record is inserted unsealed and chained once its transaction
commits (``activity.chain``), so ``prev_hash`` and ``hash`` may be empty for a moment, and
``seq`` gives each sealed record its position in the chain.

The records already written are sealed: they were chained in id order, and take their
positions in that order, from 1 (after an archive checkpoint too, whose anchor then is
position 0; ``chain.database_anchor``). Their hashes are unchanged: ``seq`` is not hashed.
The update trigger is dropped first (it would refuse the numbering; SQLite also drops it
when the table is rebuilt) and created again, allowing sealing, by 0009.
"""

from django.db import migrations, models

from activity.migrations import _triggers


def number_existing(apps, schema_editor):
    AuditRecord = apps.get_model("activity", "AuditRecord")
    records = AuditRecord.objects.db_manager(schema_editor.connection.alias)
    ids = records.order_by("id").values_list("id", flat=True)
    batch = []
    for seq, pk in enumerate(ids.iterator(chunk_size=2000), start=1):
        batch.append(AuditRecord(pk=pk, seq=seq))
        if len(batch) >= 1000:
            records.bulk_update(batch, ["seq"])
            batch = []
    records.bulk_update(batch, ["seq"])


class Migration(migrations.Migration):
    dependencies = [("activity", "0007_audit_chain_sealed")]

    operations = [
        migrations.RunPython(
            _triggers.run(_triggers.DROP_TRIGGER), _triggers.run(_triggers.CREATE_TRIGGER)
        ),
        migrations.AddField(
            model_name="auditrecord",
            name="seq",
            field=models.PositiveBigIntegerField(
                blank=True, help_text="The position in the chain; empty until sealed.", null=True
            ),
        ),
        migrations.AlterField(
            model_name="auditrecord",
            name="hash",
            field=models.CharField(
                blank=True,
                help_text="SHA-256 of prev_hash and this record.",
                max_length=64,
                null=True,
            ),
        ),
        migrations.AlterField(
            model_name="auditrecord",
            name="prev_hash",
            field=models.CharField(
                blank=True, help_text="The hash of the record before.", max_length=64, null=True
            ),
        ),
        migrations.RunPython(number_existing, migrations.RunPython.noop),
    ]
