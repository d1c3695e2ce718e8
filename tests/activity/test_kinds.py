"""Every event kind travels as JSON: through the socket's encoder and through the Redis
channel layer's serialiser, exactly as the services send it."""

import json

import pytest
from channels_redis.serializers import registry

from activity import live
from activity.kinds import PAYLOAD_KEYS, EventKind
from agencies import services as agency_services
from agencies.models import TaskForceMembership
from cases import services as case_services
from cases.models import AccessLevel
from meetings import services as meeting_services
from tests.agencies.factories import person
from tests.meetings.test_departures import soon

pytestmark = pytest.mark.django_db


def test_every_kind_declares_its_payload():
    assert set(PAYLOAD_KEYS) == set(EventKind)


@pytest.fixture
def sent(monkeypatch):
    """The messages handed to the channel layer, as the services send them."""
    messages = []
    monkeypatch.setattr(live, "_send", lambda groups, message: messages.append(message))
    return messages


def every_kind_happens(world) -> None:
    manager, contributor = world.user("manager"), world.user("contributor")
    viewer = world.user("viewer")
    world.task_force.coordinators.add(manager)
    case, member = world.case, world.agencies["member"]
    case_services.case_share(
        actor=manager, case=case, agency=member, level=AccessLevel.VIEW, purpose="MOU"
    )
    case_services.case_update(actor=manager, case=case, arrests=2)
    note = case_services.note_add(actor=contributor, case=case, body="Seen at the motel")
    note = case_services.note_edit(
        actor=contributor, note=note, expected_version=note.version, body="Seen twice"
    )
    case_services.note_redact(actor=contributor, note=note, reason="Wrong case")
    case_services.case_unshare(actor=manager, case=case, agency=member)
    meeting, _ = meeting_services.meeting_schedule(
        actor=manager,
        task_force=world.task_force,
        title="Case review",
        kind="case_review",
        starts_at=soon(2),
        ends_at=soon(2, 11),
        invited_agencies=[world.agencies["viewer"], member],
    )
    meeting_services.meeting_update(
        actor=manager, meeting=meeting, starts_at=soon(4), ends_at=soon(4, 10)
    )
    meeting_services.meeting_rsvp(actor=viewer, meeting=meeting, response="accepted")
    training, _ = meeting_services.meeting_schedule(
        actor=manager,
        task_force=world.task_force,
        title="Interdiction training",
        kind="training",
        starts_at=soon(6),
        ends_at=soon(6, 16),
        invited_agencies=[world.agencies["viewer"]],
    )
    meeting_services.registration_register(
        actor=person(world.agencies["viewer"], username="trainee"), meeting=training
    )
    meeting_services.meeting_cancel(actor=manager, meeting=training)
    membership = TaskForceMembership.objects.get(agency=member, left_on__isnull=True)
    agency_services.membership_end(actor=None, membership=membership)


def test_every_kind_round_trips_through_json_and_the_redis_serialiser(
    case_world, sent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        every_kind_happens(case_world)
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


def test_a_payload_missing_a_declared_key_is_refused(case_world):
    with pytest.raises(ValueError, match="meeting"):
        live.publish(
            EventKind.MEETING_CANCELLED,
            subject=case_world.case,
            payload={"reason": "no meeting in it"},
            agency_ids=[case_world.agencies["manager"].pk],
        )
