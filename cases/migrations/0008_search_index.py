"""The SQLite full-text index of case content (FTS5), kept in step by triggers.

Only on SQLite: PostgreSQL searches with its own full-text functions (cases/search.py).
Each row's rowid is the object's id times 4 plus its kind (0 case, 1 note, 2 task, 3 file),
so that a trigger replaces one row by its rowid without a scan.
"""

from django.db import migrations

SOURCES = {
    # kind: (table, code, text)
    "case": ("cases_case", 0, "new.number || ' ' || new.title || ' ' || new.summary"),
    "note": ("cases_note", 1, "new.body"),
    "task": ("cases_task", 2, "new.title || ' ' || new.description"),
    "file": ("cases_evidencefile", 3, "new.name"),
}
WATCHED = {
    "case": "number, title, summary",
    "note": "body",
    "task": "title, description",
    "file": "name",
}


def _statements():
    yield (
        "CREATE VIRTUAL TABLE IF NOT EXISTS cases_search USING fts5("
        "body, tokenize = 'porter unicode61 remove_diacritics 2')"
    )
    for kind, (table, code, text) in SOURCES.items():
        rowid = f"new.id * 4 + {code}"
        insert = f"INSERT INTO cases_search(rowid, body) VALUES ({rowid}, {text});"
        yield (
            f"CREATE TRIGGER IF NOT EXISTS cases_search_{kind}_ai AFTER INSERT ON {table} "
            f"BEGIN {insert} END"
        )
        yield (
            f"CREATE TRIGGER IF NOT EXISTS cases_search_{kind}_au AFTER UPDATE OF "
            f"{WATCHED[kind]} ON {table} BEGIN "
            f"DELETE FROM cases_search WHERE rowid = old.id * 4 + {code}; {insert} END"
        )
        yield (
            f"CREATE TRIGGER IF NOT EXISTS cases_search_{kind}_ad AFTER DELETE ON {table} "
            f"BEGIN DELETE FROM cases_search WHERE rowid = old.id * 4 + {code}; END"
        )
        yield (
            f"INSERT INTO cases_search(rowid, body) SELECT {rowid.replace('new.', '')}, "
            f"{text.replace('new.', '')} FROM {table}"
        )


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for statement in _statements():
        schema_editor.execute(statement)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for kind in SOURCES:
        for suffix in ("ai", "au", "ad"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS cases_search_{kind}_{suffix}")
    schema_editor.execute("DROP TABLE IF EXISTS cases_search")


class Migration(migrations.Migration):
    dependencies = [("cases", "0007_tasks_files_tags")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
