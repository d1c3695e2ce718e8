"""Every event kind travels as JSON: through the socket's encoder and through the Redis
channel layer's serialiser, exactly as the services send it."""

import json

import pytest
from channels_redis.serializers import registry
from django.core.files.uploadedfile import SimpleUploadedFile

from activity import live
from activity.kinds import PAYLOAD_KEYS, EventKind
from agencies import services as agency_services
from agencies.models import TaskForceMembership, WebhookEndpoint
from cases import services as case_services
from cases.models import AccessLevel
from meetings import services as meeting_services
from tests.agencies.factories import person
from tests.clock import soon
from tips import services as tip_services

pytestmark = pytest.mark.django_db


def test_every_kind_declares_its_payload():
    assert set(PAYLOAD_KEYS) == set(EventKind)


@pytest.fixture
def sent(monkeypatch):
    """The messages handed to the channel layer, as the services send them."""
    messages = []
    monkeypatch.setattr(live, "_send", lambda groups, message: messages.append(message))
    return messages


def every_kind_happens(personas, case) -> None:
    manager, contributor = personas.user("manager"), personas.user("contributor")
    viewer, coordinator = personas.user("viewer"), personas.user("coordinator")
    member = personas.agency("member")
    case_services.case_share(
        actor=manager, case=case, agency=member, level=AccessLevel.VIEW, purpose="MOU"
    )
    case_services.case_update(actor=manager, case=case, trafficking_type="labor")
    note = case_services.note_add(actor=contributor, case=case, body="Seen at the motel")
    note = case_services.note_edit(
        actor=contributor, note=note, expected_version=note.version, body="Seen twice"
    )
    case_services.note_redact(actor=contributor, note=note, reason="Wrong case")
    task = case_services.task_create(
        actor=manager, case=case, title="Canvass", assigned_agency=personas.agency("contributor")
    )
    task = case_services.task_update(actor=contributor, task=task, status="in_progress")
    case_services.task_update(actor=contributor, task=task, title="Canvass the motels")
    evidence = case_services.file_upload(
        actor=contributor, case=case, upload=SimpleUploadedFile("log.txt", b"Seen at 22:10")
    )
    case_services.file_redact(actor=contributor, evidence=evidence, reason="Wrong case")
    case_services.case_unshare(actor=manager, case=case, agency=member)
    meeting, _ = meeting_services.meeting_schedule(
        actor=coordinator,
        task_force=personas.task_force,
        title="Case review",
        kind="case_review",
        starts_at=soon(2),
        ends_at=soon(2, 11),
        invited_agencies=[personas.agency("viewer"), member],
    )
    meeting_services.meeting_update(
        actor=coordinator, meeting=meeting, starts_at=soon(4), ends_at=soon(4, 10)
    )
    meeting_services.meeting_rsvp(actor=viewer, meeting=meeting, response="accepted")
    training, _ = meeting_services.meeting_schedule(
        actor=coordinator,
        task_force=personas.task_force,
        title="Interdiction training",
        kind="training",
        starts_at=soon(6),
        ends_at=soon(6, 16),
        invited_agencies=[personas.agency("viewer")],
    )
    meeting_services.registration_register(
        actor=person(personas.agency("viewer"), username="trainee"), meeting=training
    )
    meeting_services.meeting_cancel(actor=coordinator, meeting=training)
    membership = TaskForceMembership.objects.get(agency=member, left_on__isnull=True)
    agency_services.membership_end(actor=None, membership=membership)
    endpoint = WebhookEndpoint.objects.create(
        agency=personas.agency("manager"), url="https://hooks.example.org/", kinds=["case.updated"]
    )
    agency_services.webhook_disable_failing(endpoint=endpoint, reason="20 deliveries failed.")
    # A tip assigned to a member agency shares a phone with the case: a deconfliction match.
    tip = tip_services.tip_record(
        actor=coordinator,
        task_force=personas.task_force,
        source="hotline",
        reference="NHTH-1",
        what="Two young women brought to rooms by an older man.",
        identifiers=[{"kind": "phone", "value": "(816) 555-0117"}],
    )
    tip_services.tip_assign(actor=coordinator, tip=tip, agency=personas.agency("contributor"))
    tip_services.identifier_add(actor=manager, kind="phone", value="816-555-0117", case=case)


def test_every_kind_round_trips_through_json_and_the_redis_serialiser(
    personas, shared_case, sent, django_capture_on_commit_callbacks, evidence_dir
):
    with django_capture_on_commit_callbacks(execute=True):
        every_kind_happens(personas, shared_case)
    serializer = registry.get_serializer("msgpack", random_prefix_length=12)
    kinds = set()
    for message in sent:
        if message.get("type") != "event.forward":
            continue
        frame = message["event"]
        kinds.add(frame["kind"])
        assert json.loads(json.dumps(frame)) == frame
        assert serializer.deserialize(serializer.serialize(message)) == message
        assert PAYLOAD_KEYS[frame["kind"]] <= set(frame["payload"]), frame["kind"]
    assert kinds == set(EventKind.values)


def test_a_payload_missing_a_declared_key_is_refused(personas, shared_case):
    with pytest.raises(ValueError, match="meeting"):
        live.publish(
            EventKind.MEETING_CANCELLED,
            subject=shared_case,
            payload={"reason": "no meeting in it"},
            agency_ids=[personas.agency("manager").pk],
        )
