"""The database trigger that refuses UPDATE of audit records, for the migrations that drop
it while they rewrite the table and create it again: ``CREATE_TRIGGER`` refuses every
UPDATE (as 0003 made it, for 0007), ``CREATE_SEALING_TRIGGER`` allows sealing (0009)."""

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

# The one UPDATE allowed: sealing an unsealed record (activity.chain.seal_pending), which
# sets seq, prev_hash and hash and leaves every other column as it was. A sealed record,
# or any other column, is refused; the CHECK audit_sealed_whole refuses a partial seal.
# PostgreSQL compares the whole row but the three sealed columns, so a column added later
# is covered; SQLite has no such form, and names the columns (a new column goes here too:
# tests/activity/test_audit_seal.py tries every column of the model).
CREATE_SEALING_TRIGGER = {
    # SQLite runs one statement at a time.
    "sqlite": (
        "DROP TRIGGER IF EXISTS activity_auditrecord_no_update;",
        """
CREATE TRIGGER activity_auditrecord_no_update
BEFORE UPDATE ON activity_auditrecord
WHEN NOT (
    OLD.hash IS NULL AND NEW.hash IS NOT NULL
    AND NEW.id IS OLD.id
    AND NEW.created_at IS OLD.created_at
    AND NEW.actor_id IS OLD.actor_id
    AND NEW.agency_id IS OLD.agency_id
    AND NEW.action IS OLD.action
    AND NEW.outcome IS OLD.outcome
    AND NEW.target_type_id IS OLD.target_type_id
    AND NEW.target_id IS OLD.target_id
    AND NEW.target_repr IS OLD.target_repr
    AND NEW.changes IS OLD.changes
    AND NEW.ip_address IS OLD.ip_address
)
BEGIN
    SELECT RAISE(ABORT, 'audit records are append-only');
END;
""",
    ),
    "postgresql": """
CREATE OR REPLACE FUNCTION activity_auditrecord_refuse_update() RETURNS trigger AS $$
BEGIN
    IF OLD.hash IS NULL AND NEW.hash IS NOT NULL
        AND to_jsonb(NEW) - 'seq' - 'prev_hash' - 'hash'
            = to_jsonb(OLD) - 'seq' - 'prev_hash' - 'hash' THEN
        RETURN NEW;
    END IF;
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
        sql = statements_by_vendor.get(schema_editor.connection.vendor, ())
        for statement in (sql,) if isinstance(sql, str) else sql:
            schema_editor.execute(statement)

    return run
