"""The case list's shape at scale: neither the count nor the skipped rows of a deep page read
notes, the latest-activity order puts cases with notes first, and the latest note time still
follows the note rule."""

import datetime as dt

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases import selectors, services
from cases.models import Note
from tests.cases.factories import CaseFactory


def test_counting_the_list_does_not_read_notes(personas, shared_case, case_notes):
    cases = selectors.case_list(personas.user("manager"))
    with CaptureQueriesContext(connection) as queries:
        assert cases.count() == 1
    notes_table = Note._meta.db_table
    assert [q["sql"] for q in queries if notes_table in q["sql"]] == []


def test_a_deep_page_reads_notes_only_for_its_own_rows(personas, shared_case, case_notes):
    """An OFFSET still computes the select list of every skipped row: the list itself must
    not read notes, the page's rows get their date in one query of their own."""
    manager = personas.user("manager")
    with CaptureQueriesContext(connection) as queries:
        page = list(selectors.case_list(manager)[1:2])
    assert [q["sql"] for q in queries if Note._meta.db_table in q["sql"]] == []
    assert page == []


def _row(user, case):
    return selectors.with_latest_notes(user, selectors.case_list(user).filter(pk=case.pk))[0]


def test_a_page_reads_the_latest_note_of_its_rows(personas, shared_case, case_notes):
    row = _row(personas.user("manager"), shared_case)
    latest = max(case_notes.open.created_at, case_notes.restricted.created_at)
    assert row.last_note_at == latest


def test_the_latest_note_time_skips_notes_restricted_away_from_the_reader(
    personas, shared_case, case_notes
):
    row = _row(personas.user("viewer"), shared_case)
    assert row.last_note_at == case_notes.open.created_at
    ordered = selectors.by_latest_activity(personas.user("viewer"))
    assert ordered.get(pk=shared_case.pk).last_note_at == case_notes.open.created_at


def test_cases_without_notes_come_after_cases_with_activity(personas, shared_case, case_notes):
    manager = personas.user("manager")
    # Opened and changed after every note: ordered by last change alone it would come first.
    later = case_notes.restricted.created_at + dt.timedelta(days=30)
    with time_machine.travel(later):
        quiet = CaseFactory(actor=manager, task_force=shared_case.task_force)
        services.case_update(actor=manager, case=quiet, summary="Touched after every note.")
    ordered = list(selectors.by_latest_activity(manager))
    assert [case.pk for case in ordered] == [shared_case.pk, quiet.pk]
