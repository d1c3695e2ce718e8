"""The event log: audiences, retraction, scrubbing, and writes that survive a dead layer."""

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from activity import live
from activity.models import AuditRecord, Event, EventAudience
from cases import services
from cases.models import NoteVisibility
from meetings import access as meeting_access
from meetings import services as meeting_services
from tests.agencies.factories import UserFactory
from tests.cases.factories import CaseShareFactory
from tests.clock import local_noon, soon
from tests.meetings.factories import MeetingFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_write_succeeds_and_is_logged_when_the_channel_layer_is_down(
    personas, shared_case, settings, caplog
):
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": ["redis://127.0.0.1:1/0"]},
        }
    }
    note = services.note_add(
        actor=personas.user("manager"), case=shared_case, body="Written while Redis is down"
    )
    assert note.pk
    event = Event.objects.get(kind="case.note_added", detail_key=f"cases.note:{note.pk}")
    assert event.payload["note"]["body"] == "Written while Redis is down"
    assert "channel layer send" in caplog.text


def test_a_restricted_note_event_has_only_its_agencies_in_the_audience(case_notes):
    event = Event.objects.get(detail_key=f"cases.note:{case_notes.restricted.pk}")
    audience = set(
        EventAudience.objects.filter(event=event).values_list("agency__short_name", flat=True)
    )
    assert audience == {"MGR", "CON"}


def test_narrowing_a_note_retracts_its_past_events_from_dropped_agencies(personas, case_notes):
    note = case_notes.open
    services.note_edit(
        actor=personas.user("manager"),
        note=note,
        expected_version=1,
        body="now restricted",
        visibility=NoteVisibility.RESTRICTED,
        restricted_to=[personas.agency("contributor")],
    )
    viewer_events = EventAudience.objects.filter(
        agency=personas.agency("viewer"), event__detail_key=f"cases.note:{note.pk}"
    )
    assert not viewer_events.exists()


def test_retracting_from_no_subjects_keeps_every_event(personas, case_notes):
    # A cascade over an empty list (a task force without meetings, say) takes nothing away;
    # a retraction that names nothing at all is a mistake, not "everything".
    viewer = personas.agency("viewer")
    before = EventAudience.objects.filter(agency=viewer).count()
    assert before and live.retract(agency_ids=[viewer.pk], subjects=[]) == 0
    assert EventAudience.objects.filter(agency=viewer).count() == before
    with pytest.raises(ValueError):
        live.retract(agency_ids=[viewer.pk])


def test_redaction_scrubs_the_text_from_past_events(personas, case_notes):
    services.note_redact(actor=personas.user("manager"), note=case_notes.open, reason="wrong case")
    events = Event.objects.filter(detail_key=f"cases.note:{case_notes.open.pk}")
    assert events.exists()
    for event in events:
        assert "Surveillance schedule" not in str(event.payload)


def test_an_expired_share_no_longer_replays(personas, shared_case, case_notes):
    viewer, agency = personas.user("viewer"), personas.agency("viewer")
    _share_with_viewer(shared_case, agency, timezone.localdate() + dt.timedelta(days=1))
    with time_machine.travel(local_noon(2)):
        # From the day after its date the share replays nothing, before anything has run.
        assert list(live.events_for(user=viewer, agency_id=agency.pk)) == []
        call_command("end_expired_shares", stdout=StringIO())
        events = live.events_for(user=viewer, agency_id=agency.pk)
        assert [e.kind for e in events] == ["case.withdrawn"]


def test_the_audit_admin_shows_no_content(personas, shared_case):
    services.case_update(actor=personas.user("manager"), case=shared_case, title="Secret new title")
    record = AuditRecord.objects.filter(action="case.updated").latest("id")
    client = Client()
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    page = client.get(f"/admin/activity/auditrecord/{record.pk}/change/")
    assert page.status_code == 200
    assert b"Secret new title" not in page.content


def _share_with_viewer(case, agency, expires_on):
    return CaseShareFactory(
        case=case, agency=agency, level="view", purpose="Operation window", expires_on=expires_on
    )


def test_a_share_extended_without_end_replays_again(personas, shared_case, case_notes):
    viewer, agency = personas.user("viewer"), personas.agency("viewer")
    _share_with_viewer(shared_case, agency, timezone.localdate() + dt.timedelta(days=1))
    _share_with_viewer(shared_case, agency, None)
    with time_machine.travel(local_noon(2)):
        kinds = [e.kind for e in live.events_for(user=viewer, agency_id=agency.pk)]
    assert "case.note_added" in kinds


def test_events_of_a_meeting_about_the_case_stop_with_the_share(personas, shared_case):
    viewer, agency = personas.user("viewer"), personas.agency("viewer")
    coordinator = personas.user("coordinator")
    meeting = MeetingFactory(
        actor=coordinator,
        task_force=personas.task_force,
        title="Case review",
        kind="case_review",
        starts_at=soon(5),
        ends_at=soon(5, 11),
        case=shared_case,
        invited_agencies=[agency],
    )
    _share_with_viewer(shared_case, agency, timezone.localdate() + dt.timedelta(days=1))
    meeting_services.meeting_update(actor=coordinator, meeting=meeting, agenda="Updated agenda")
    key = f"meetings.meeting:{meeting.pk}"
    replayed = {e.subject_key for e in live.events_for(user=viewer, agency_id=agency.pk)}
    assert key in replayed
    with time_machine.travel(local_noon(2)):
        replayed = {e.subject_key for e in live.events_for(user=viewer, agency_id=agency.pk)}
        assert key not in replayed
        assert not meeting_access.visible_meetings(viewer).filter(pk=meeting.pk).exists()
