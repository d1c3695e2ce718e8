"""Bulk loading with PostgreSQL's COPY: a million notes in seconds rather than the minutes
that ``bulk_create`` takes. Rows are given as field values; every other column takes the
model field's default, so a new field with a default needs no change here."""

import sys
from collections.abc import Iterable, Mapping

from django.core.management.color import no_style
from django.db import connection, models
from psycopg.types.json import Jsonb


def _fallback(field: models.Field):
    if field.has_default():
        return field.get_default()
    if field.null:
        return None
    return ""


def copy_rows(model: type[models.Model], rows: Iterable[Mapping], *, total: int, label: str) -> int:
    """COPY ``rows`` (mappings of attribute names, ids included) into ``model``'s table."""
    fields = model._meta.concrete_fields
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    sql = f"COPY {connection.ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN"
    json_fields = {f.attname for f in fields if isinstance(f, models.JSONField)}
    defaults = {f.attname: _fallback(f) for f in fields}
    progress = Progress(label, total)
    connection.ensure_connection()
    count = 0
    with connection.connection.cursor() as cursor, cursor.copy(sql) as copy:
        for row in rows:
            values = []
            for field in fields:
                value = row.get(field.attname, defaults[field.attname])
                values.append(Jsonb(value) if field.attname in json_fields else value)
            copy.write_row(values)
            count += 1
            progress.step(count)
    progress.done(count)
    return count


def reset_sequences(model_list: Iterable[type[models.Model]]) -> None:
    """Ids were given explicitly: move each table's sequence past them."""
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), list(model_list)):
            cursor.execute(statement)


class Progress:
    """A one-line progress bar on stderr, redrawn every 1% of the table; in a log (not a
    terminal) one line per table."""

    WIDTH = 30

    def __init__(self, label: str, total: int):
        self.label, self.total = label, max(total, 1)
        self.every = max(self.total // 100, 1) if sys.stderr.isatty() else self.total + 1

    def _draw(self, count: int, end: str = "") -> None:
        filled = self.WIDTH * min(count, self.total) // self.total
        bar = "#" * filled + "." * (self.WIDTH - filled)
        sys.stderr.write(f"\r{self.label:<22} [{bar}] {count:>10,}{end}")
        sys.stderr.flush()

    def step(self, count: int) -> None:
        if count % self.every == 0:
            self._draw(count)

    def done(self, count: int) -> None:
        self._draw(count, "\n")
