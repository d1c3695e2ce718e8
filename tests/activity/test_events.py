"""The event log: audiences, retraction, scrubbing, and writes that survive a dead layer."""

import pytest

from activity.models import Event, EventAudience
from cases import services
from cases.models import NoteVisibility

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_write_succeeds_and_is_logged_when_the_channel_layer_is_down(
    case_world, settings, caplog
):
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": ["redis://127.0.0.1:1/0"]},
        }
    }
    note = services.note_add(
        actor=case_world.user("manager"), case=case_world.case, body="Written while Redis is down"
    )
    assert note.pk
    event = Event.objects.get(kind="case.note_added", detail_key=f"cases.note:{note.pk}")
    assert event.payload["note"]["body"] == "Written while Redis is down"
    assert "channel layer send" in caplog.text


def test_a_restricted_note_event_has_only_its_agencies_in_the_audience(case_world):
    event = Event.objects.get(detail_key=f"cases.note:{case_world.restricted_note.pk}")
    audience = set(
        EventAudience.objects.filter(event=event).values_list("agency__short_name", flat=True)
    )
    assert audience == {"MGR", "CON"}


def test_narrowing_a_note_retracts_its_past_events_from_dropped_agencies(case_world):
    note = case_world.open_note
    services.note_edit(
        actor=case_world.user("manager"),
        note=note,
        expected_version=1,
        body="now restricted",
        visibility=NoteVisibility.RESTRICTED,
        restricted_to=[case_world.agencies["contributor"]],
    )
    viewer_events = EventAudience.objects.filter(
        agency=case_world.agencies["viewer"], event__detail_key=f"cases.note:{note.pk}"
    )
    assert not viewer_events.exists()


def test_redaction_scrubs_the_text_from_past_events(case_world):
    services.note_redact(
        actor=case_world.user("manager"), note=case_world.open_note, reason="wrong case"
    )
    for event in Event.objects.filter(detail_key=f"cases.note:{case_world.open_note.pk}"):
        assert "Surveillance schedule" not in str(event.payload)


def test_an_expired_share_no_longer_replays(case_world):
    import datetime as dt
    from io import StringIO

    import time_machine
    from django.core.management import call_command
    from django.utils import timezone

    from activity import live
    from cases import services as case_services

    viewer, agency = case_world.user("viewer"), case_world.agencies["viewer"]
    case_services.case_share(
        actor=case_world.user("manager"),
        case=case_world.case,
        agency=agency,
        level="view",
        purpose="Until the end of the operation",
        expires_on=timezone.localdate() + dt.timedelta(days=1),
    )
    with time_machine.travel(timezone.now() + dt.timedelta(days=2)):
        # From the day after its date the share replays nothing, before anything has run.
        assert list(live.events_for(user=viewer, agency_id=agency.pk)) == []
        call_command("end_expired_shares", stdout=StringIO())
        events = live.events_for(user=viewer, agency_id=agency.pk)
        assert [e.kind for e in events] == ["case.unshared"]


def test_the_audit_admin_shows_no_content(case_world):
    from django.test import Client

    from activity.models import AuditRecord
    from cases import services as case_services
    from tests.agencies.factories import UserFactory

    case_services.case_update(
        actor=case_world.user("manager"), case=case_world.case, title="Secret new title"
    )
    record = AuditRecord.objects.filter(action="case.updated").latest("id")
    client = Client()
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    page = client.get(f"/admin/activity/auditrecord/{record.pk}/change/")
    assert page.status_code == 200
    assert b"Secret new title" not in page.content


def _share_with_viewer(world, expires_on):
    from cases import services as case_services

    return case_services.case_share(
        actor=world.user("manager"),
        case=world.case,
        agency=world.agencies["viewer"],
        level="view",
        purpose="Operation window",
        expires_on=expires_on,
    )


def test_a_share_extended_without_end_replays_again(case_world):
    import datetime as dt

    import time_machine
    from django.utils import timezone

    from activity import live

    viewer, agency = case_world.user("viewer"), case_world.agencies["viewer"]
    _share_with_viewer(case_world, timezone.localdate() + dt.timedelta(days=1))
    _share_with_viewer(case_world, None)
    with time_machine.travel(timezone.now() + dt.timedelta(days=2)):
        kinds = [e.kind for e in live.events_for(user=viewer, agency_id=agency.pk)]
    assert "case.note_added" in kinds


def test_events_of_a_meeting_about_the_case_stop_with_the_share(case_world):
    import datetime as dt

    import time_machine
    from django.utils import timezone

    from activity import live
    from meetings import services as meeting_services
    from tests.meetings.test_departures import soon

    viewer, agency = case_world.user("viewer"), case_world.agencies["viewer"]
    manager = case_world.user("manager")
    case_world.task_force.coordinators.add(manager)
    meeting, _ = meeting_services.meeting_schedule(
        actor=manager,
        task_force=case_world.task_force,
        title="Case review",
        kind="case_review",
        starts_at=soon(5),
        ends_at=soon(5, 11),
        case=case_world.case,
        invited_agencies=[agency],
    )
    _share_with_viewer(case_world, timezone.localdate() + dt.timedelta(days=1))
    meeting_services.meeting_update(actor=manager, meeting=meeting, agenda="Updated agenda")
    key = f"meetings.meeting:{meeting.pk}"
    replayed = {e.subject_key for e in live.events_for(user=viewer, agency_id=agency.pk)}
    assert key in replayed
    with time_machine.travel(timezone.now() + dt.timedelta(days=2)):
        replayed = {e.subject_key for e in live.events_for(user=viewer, agency_id=agency.pk)}
        assert key not in replayed
        from meetings import access as meeting_access

        assert not meeting_access.visible_meetings(viewer).filter(pk=meeting.pk).exists()
