"""Make the audit trail append-only in the database too, not only in the ORM.

An UPDATE of an audit record fails whatever issues it (raw SQL, a shell, a bug). DELETE is
refused by the model and its queryset; it is left to the database so that test databases
can still be flushed between tests.
"""

from django.db import migrations

SQLITE_UP = """
CREATE TRIGGER activity_auditrecord_no_update
BEFORE UPDATE ON activity_auditrecord
BEGIN
    SELECT RAISE(ABORT, 'audit records are append-only');
END;
"""
SQLITE_DOWN = "DROP TRIGGER IF EXISTS activity_auditrecord_no_update;"

POSTGRES_UP = """
CREATE OR REPLACE FUNCTION activity_auditrecord_refuse_update() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit records are append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER activity_auditrecord_no_update
BEFORE UPDATE ON activity_auditrecord
FOR EACH ROW EXECUTE FUNCTION activity_auditrecord_refuse_update();
"""
POSTGRES_DOWN = """
DROP TRIGGER IF EXISTS activity_auditrecord_no_update ON activity_auditrecord;
DROP FUNCTION IF EXISTS activity_auditrecord_refuse_update();
"""


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        sql = statements_by_vendor.get(schema_editor.connection.vendor)
        if sql:
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("activity", "0002_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_UP, "postgresql": POSTGRES_UP}),
            _run({"sqlite": SQLITE_DOWN, "postgresql": POSTGRES_DOWN}),
        )
    ]
