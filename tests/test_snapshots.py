"""The helper of the permission matrices sees a change wherever a refused write could make
one, and lets through the one write a read may make."""

import pytest

from activity.services import audit_read, audit_record
from cases.models import CaseAgencyPermission, CaseShare
from tests.snapshots import assert_unchanged, database_state

pytestmark = pytest.mark.django_db


def test_it_passes_when_nothing_changed(shared_case):
    assert_unchanged(database_state())


def test_it_names_the_row_that_changed(shared_case):
    before = database_state()
    CaseShare.objects.filter(agency=shared_case.lead_agency).update(purpose="Changed")
    with pytest.raises(AssertionError, match=r"CaseShare \d+: .*'purpose': 'Changed'"):
        assert_unchanged(before)


def test_it_sees_a_grant_taken_away(personas, shared_case):
    before = database_state()
    CaseAgencyPermission.objects.filter(group=personas.agency("viewer").group).delete()
    with pytest.raises(AssertionError, match=r"CaseAgencyPermission \d+: \{.*\} -> None"):
        assert_unchanged(before)


def test_it_counts_audit_records_but_not_the_audit_of_a_read(personas, shared_case):
    before = database_state()
    audit_read(actor=personas.user("viewer"), action="case.read", target=shared_case)
    assert_unchanged(before)
    audit_record(actor=personas.user("viewer"), action="case.updated", target=shared_case)
    with pytest.raises(AssertionError, match=r"AuditRecord count \(reads aside\): \d+ -> \d+"):
        assert_unchanged(before)
