"""Seal the chained trail: no two records may follow the same one, and UPDATE is refused
again by the database (the trigger of 0003, dropped by 0006 while it hashed the records).

A separate migration, so the hashing's updates are committed before the trigger returns.
"""

from django.db import migrations, models

from activity.migrations import _triggers


class Migration(migrations.Migration):
    dependencies = [("activity", "0006_audit_chain")]

    operations = [
        migrations.AddConstraint(
            model_name="auditrecord",
            constraint=models.UniqueConstraint(fields=("prev_hash",), name="audit_chain_no_fork"),
        ),
        migrations.RunPython(
            _triggers.run(_triggers.CREATE_TRIGGER), _triggers.run(_triggers.DROP_TRIGGER)
        ),
    ]
