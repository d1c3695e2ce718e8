"""Audit completeness: each event the trail must hold is recorded with its time, person,
agency, action, object, address and outcome: writes, reads of cases and notes, requests
for objects the caller may not see, exports, token use and reads of the trail itself."""

import pytest
import time_machine
from django.http import Http404
from django.test import Client
from django.utils import timezone

from activity.models import AuditOutcome, AuditRecord
from activity.request_context import begin_request, end_request
from cases import access as case_access
from cases.models import Case
from meetings import services as meeting_services
from tests.activity.audit_world import build_audit_world, head_id, records_since
from tests.conftest import bearer_client

pytestmark = pytest.mark.django_db

ADDRESS = "198.51.100.23"


@pytest.fixture
def world(db):
    return build_audit_world()


def signed_in(user) -> Client:
    client = Client(REMOTE_ADDR=ADDRESS)
    client.force_login(user)
    return client


def only(records, action):
    found = [r for r in records if r.action == action]
    assert len(found) == 1, [r.action for r in records]
    return found[0]


def assert_names(record, *, user, agency, target_id=None, outcome=AuditOutcome.SUCCESS):
    assert record.actor_id == user.pk
    assert record.agency_id == agency.pk
    assert record.outcome == outcome
    assert record.ip_address == ADDRESS
    assert record.created_at is not None and record.created_at.utcoffset().total_seconds() == 0
    if target_id is not None:
        assert record.target_id == str(target_id)


# Writes


def test_a_write_is_recorded_with_its_outcome_and_address(world):
    start = head_id()
    response = signed_in(world.liaison_a).post(
        f"/meetings/{world.meeting.pk}/rsvp/", {"response": "accepted"}
    )
    assert response.status_code == 302
    record = only(records_since(start), "meeting.rsvp")
    assert_names(record, user=world.liaison_a, agency=world.a, target_id=world.meeting.pk)
    assert record.changes == {"agency": "ALPHA", "response": "accepted"}


def test_token_issue_and_revoke_are_recorded(world):
    from agencies.services import token_issue, token_revoke

    start = head_id()
    token, _ = token_issue(actor=world.admin_a, user=world.liaison_a, name="RMS sync")
    token_revoke(actor=world.admin_a, token=token)
    actions = [r.action for r in records_since(start)]
    assert actions == ["token.issued", "token.revoked"]


# Reads


def test_reading_a_case_is_recorded(world):
    start = head_id()
    assert signed_in(world.liaison_a).get(f"/api/v1/cases/{world.case.pk}/").status_code == 200
    record = only(records_since(start), "case.read")
    assert_names(record, user=world.liaison_a, agency=world.a, target_id=world.case.pk)


def test_reading_a_note_is_recorded_with_the_note(world):
    start = head_id()
    assert signed_in(world.liaison_a).get(f"/api/v1/notes/{world.note.pk}/").status_code == 200
    record = only(records_since(start), "case.read")
    assert_names(record, user=world.liaison_a, agency=world.a, target_id=world.case.pk)
    assert record.changes == {"notes": [world.note.pk]}


def test_using_a_token_is_recorded(world):
    start = head_id()
    client = bearer_client(world.liaison_a)
    assert client.get("/api/v1/me/", REMOTE_ADDR=ADDRESS).status_code == 200
    record = only(records_since(start), "token.used")
    assert_names(record, user=world.liaison_a, agency=world.a)


# Requests for what the caller may not see


@pytest.mark.parametrize(
    ("url", "action", "target"),
    [
        ("/api/v1/cases/{case}/", "case.denied", "case"),
        ("/cases/{case}/", "case.denied", "case"),
        ("/api/v1/cases/{case}/notes/", "case.denied", "case"),
        ("/api/v1/notes/{note}/", "note.denied", "note"),
        ("/notes/{note}/revisions/", "note.denied", "note"),
        ("/api/v1/meetings/{meeting}/", "meeting.denied", "meeting"),
        ("/meetings/{meeting}/", "meeting.denied", "meeting"),
        ("/meetings/{meeting}.ics", "meeting.denied", "meeting"),
    ],
)
def test_a_request_for_what_the_caller_may_not_see_is_recorded_as_denied(
    world, url, action, target
):
    ids = {"case": world.case.pk, "note": world.note.pk, "meeting": world.meeting.pk}
    start = head_id()
    response = signed_in(world.liaison_c).get(url.format(**ids))
    assert response.status_code == 404
    record = only(records_since(start), action)
    assert_names(
        record,
        user=world.liaison_c,
        agency=world.c,
        target_id=ids[target],
        outcome=AuditOutcome.DENIED,
    )
    assert record.target_type.model == target
    assert record.target_repr == "" and record.changes == {}


def test_a_denied_write_is_recorded_too(world):
    start = head_id()
    response = signed_in(world.liaison_c).post(
        f"/api/v1/cases/{world.case.pk}/notes/", {"body": "hello"}, content_type="application/json"
    )
    assert response.status_code == 404
    only(records_since(start), "case.denied")


def test_the_denied_record_reads_the_same_whether_or_not_the_object_exists(world):
    missing = Case.objects.order_by("-pk").first().pk + 1000
    client = signed_in(world.liaison_c)
    start = head_id()
    client.get(f"/api/v1/cases/{world.case.pk}/")
    client.get(f"/api/v1/cases/{missing}/")
    hidden, absent = records_since(start)

    def shape(record):
        return (
            record.action,
            record.outcome,
            record.actor_id,
            record.agency_id,
            record.target_type_id,
            record.target_repr,
            record.changes,
        )

    assert shape(hidden) == shape(absent)
    assert (hidden.target_id, absent.target_id) == (str(world.case.pk), str(missing))


def test_a_denied_request_is_recorded_once_however_often_the_view_asks(world):
    start = head_id()
    tokens = begin_request(ADDRESS)
    try:
        for _ in range(3):
            with pytest.raises(Http404):
                case_access.case_for(world.liaison_c, world.case.pk)
    finally:
        end_request(tokens)
    assert [r.action for r in records_since(start)] == ["case.denied"]


def test_lists_record_no_denials(world):
    client = signed_in(world.liaison_c)
    start = head_id()
    for url in ["/api/v1/cases/", "/api/v1/meetings/", "/cases/", "/meetings/", "/"]:
        assert client.get(url).status_code == 200
    assert not [r for r in records_since(start) if r.outcome == AuditOutcome.DENIED]


def test_only_the_callers_agency_hears_of_its_denied_requests(world):
    signed_in(world.liaison_c).get(f"/api/v1/cases/{world.case.pk}/")
    denied = AuditRecord.objects.get(action="case.denied")
    # The case's own agency is not told that someone asked: the record is C's.
    assert denied.agency_id == world.c.pk
    admin_a = signed_in(world.admin_a).get("/api/v1/audit/?action=case.denied").json()
    assert admin_a["results"] == []


# Exports


def test_downloading_a_meeting_as_icalendar_is_recorded(world):
    client = signed_in(world.liaison_a)
    start = head_id()
    assert client.get(f"/meetings/{world.meeting.pk}.ics").status_code == 200
    assert client.get(f"/api/v1/meetings/{world.meeting.pk}/ics").status_code == 200
    records = [r for r in records_since(start) if r.action == "meeting.exported"]
    assert len(records) == 2
    for record in records:
        assert_names(record, user=world.liaison_a, agency=world.a, target_id=world.meeting.pk)
        assert record.changes == {"format": "ics"}


def test_exporting_a_training_roster_is_recorded(world):
    start = head_id()
    response = signed_in(world.liaison_a).get(f"/meetings/{world.meeting.pk}/roster.csv")
    assert response.status_code == 200
    record = only(records_since(start), "training.roster_exported")
    assert_names(record, user=world.liaison_a, agency=world.a, target_id=world.meeting.pk)


def test_reading_a_calendar_feed_is_recorded_once_every_few_minutes(world):
    feed = meeting_services.feed_rotate(actor=world.liaison_a)
    client = Client(REMOTE_ADDR=ADDRESS)
    start = head_id()
    assert client.get(feed.get_absolute_url()).status_code == 200
    assert client.get(feed.get_absolute_url()).status_code == 200
    record = only(records_since(start), "calendar.feed_read")
    assert_names(record, user=world.liaison_a, agency=world.a, target_id=feed.pk)
    with time_machine.travel(timezone.now() + meeting_services.exports.FEED_READ_RESOLUTION):
        client.get(feed.get_absolute_url())
    assert len(records_since(start, action="calendar.feed_read")) == 2


def test_creating_and_replacing_a_calendar_feed_is_recorded(world):
    start = head_id()
    meeting_services.feed_rotate(actor=world.liaison_a)
    meeting_services.feed_rotate(actor=world.liaison_a)
    actions = [r.action for r in records_since(start)]
    assert actions == ["calendar.feed_created", "calendar.feed_rotated"]


# Reads of the audit trail


def test_reading_the_audit_trail_is_recorded(world):
    start = head_id()
    response = signed_in(world.admin_a).get("/api/v1/audit/?action=case.read")
    assert response.status_code == 200
    record = only(records_since(start), "audit.read")
    assert_names(record, user=world.admin_a, agency=world.a, target_id=world.a.pk)
    assert record.changes == {"filters": {"action": "case.read"}}


def test_a_refused_read_of_the_audit_trail_is_recorded_as_denied(world):
    start = head_id()
    assert signed_in(world.liaison_a).get("/api/v1/audit/").status_code == 403
    record = only(records_since(start), "audit.read")
    assert_names(record, user=world.liaison_a, agency=world.a, outcome=AuditOutcome.DENIED)
