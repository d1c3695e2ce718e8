"""The live events of meetings: payloads carry only what the whole audience may see."""

from activity import live
from activity.kinds import EventKind
from cases import access as case_access
from meetings import access
from meetings.models import (
    Meeting,
    Registration,
)


def publish_meeting(kind: str, meeting: Meeting, *, actor, **payload) -> None:
    agency_ids, user_ids = access.meeting_audience(meeting)
    live.publish(
        kind,
        subject=meeting,
        payload={
            "meeting": {
                "id": meeting.pk,
                "title": meeting.title,
                "kind": meeting.kind,
                "starts_at": meeting.starts_at,
                "ends_at": meeting.ends_at,
                "status": meeting.status,
            },
            **payload,
        },
        agency_ids=agency_ids,
        user_ids=user_ids,
        actor=actor,
        until=case_access.access_until(meeting.case) if meeting.case_id else None,
    )


def publish_registration(registration: Registration, *, actor) -> None:
    """The registered person and the coordinators hear of a registration's status."""
    meeting = registration.meeting
    live.publish(
        EventKind.TRAINING_REGISTRATION,
        subject=meeting,
        payload={
            "meeting": {"id": meeting.pk, "title": meeting.title},
            "registration": {"id": registration.pk, "status": registration.status},
        },
        agency_ids=(),
        user_ids=({registration.user_id} - {None})
        | set(meeting.task_force.coordinators.values_list("pk", flat=True)),
        actor=actor,
    )
