"""Guard the sealed chain: one record at each position, a record sealed whole or not at
all, an index of what the next seal picks up, and the update trigger again, now allowing
the one update sealing makes (``_triggers.CREATE_SEALING_TRIGGER``).

A separate migration, so the numbering of 0008 is committed before the constraints are
checked and the trigger returns (SQLite rebuilds the table for a constraint, dropping its
triggers: the trigger comes last).
"""

from django.db import migrations, models

from activity.migrations import _triggers


class Migration(migrations.Migration):
    dependencies = [("activity", "0008_audit_seal")]

    operations = [
        migrations.AddIndex(
            model_name="auditrecord",
            index=models.Index(
                condition=models.Q(("hash__isnull", True)), fields=["id"], name="audit_unsealed"
            ),
        ),
        migrations.AddConstraint(
            model_name="auditrecord",
            constraint=models.UniqueConstraint(fields=("seq",), name="audit_chain_one_position"),
        ),
        migrations.AddConstraint(
            model_name="auditrecord",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("hash__isnull", True), ("prev_hash__isnull", True), ("seq__isnull", True)),
                    models.Q(
                        ("hash__isnull", False), ("prev_hash__isnull", False), ("seq__isnull", False)
                    ),
                    _connector="OR",
                ),
                name="audit_sealed_whole",
            ),
        ),
        migrations.RunPython(
            _triggers.run(_triggers.CREATE_SEALING_TRIGGER), _triggers.run(_triggers.DROP_TRIGGER)
        ),
    ]
