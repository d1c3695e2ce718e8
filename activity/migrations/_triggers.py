"""The database trigger that refuses UPDATE of audit records (as 0003 made it), for the
migrations that drop it while they rewrite the table and create it again."""

DROP_TRIGGER = {
    "sqlite": "DROP TRIGGER IF EXISTS activity_auditrecord_no_update;",
    "postgresql": "DROP TRIGGER IF EXISTS activity_auditrecord_no_update ON activity_auditrecord;",
}
CREATE_TRIGGER = {
    "sqlite": """
CREATE TRIGGER IF NOT EXISTS activity_auditrecord_no_update
BEFORE UPDATE ON activity_auditrecord
BEGIN
    SELECT RAISE(ABORT, 'audit records are append-only');
END;
""",
    "postgresql": """
CREATE OR REPLACE FUNCTION activity_auditrecord_refuse_update() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit records are append-only';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS activity_auditrecord_no_update ON activity_auditrecord;
CREATE TRIGGER activity_auditrecord_no_update
BEFORE UPDATE ON activity_auditrecord
FOR EACH ROW EXECUTE FUNCTION activity_auditrecord_refuse_update();
""",
}


def run(statements_by_vendor):
    def run(apps, schema_editor):
        sql = statements_by_vendor.get(schema_editor.connection.vendor)
        if sql:
            schema_editor.execute(sql)

    return run
