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

    from django.utils import timezone

    from activity import live
    from cases.models import CaseShare

    CaseShare.objects.filter(agency=case_world.agencies["viewer"]).update(
        expires_on=timezone.localdate() - dt.timedelta(days=1)
    )
    events = live.events_for(
        user=case_world.user("viewer"), agency_id=case_world.agencies["viewer"].pk
    )
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
