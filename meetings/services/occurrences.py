"""One occurrence of a recurring meeting, cancelled or moved."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from activity.kinds import EventKind
from activity.services import audit_record
from meetings import access, recurrence, timing
from meetings.models import (
    Meeting,
    OccurrenceChange,
)
from meetings.services.publishing import publish_meeting


def _occurrence_change(actor, meeting, original_start) -> tuple[Meeting, OccurrenceChange]:
    access.require_coordinator(actor, meeting)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.is_cancelled:
        raise ValidationError("The meeting is cancelled.")
    if not meeting.recurrence:
        raise ValidationError(
            "Only a recurring meeting has occurrences to change; change the meeting itself."
        )
    if not recurrence.is_rule_start(meeting, original_start):
        raise ValidationError({"original_start": "The meeting has no occurrence at that time."})
    change, _ = OccurrenceChange.objects.get_or_create(
        meeting=meeting, original_start=original_start
    )
    meeting.sequence += 1
    meeting.save(update_fields=["sequence", "updated_at"])
    change.sequence = meeting.sequence
    return meeting, change


@transaction.atomic
def occurrence_cancel(*, actor, meeting: Meeting, original_start: dt.datetime) -> OccurrenceChange:
    """Cancel one occurrence of a recurring meeting."""
    meeting, change = _occurrence_change(actor, meeting, original_start)
    change.cancelled, change.starts_at, change.ends_at = True, None, None
    change.save()
    audit_record(
        actor=actor,
        action="meeting.occurrence_cancelled",
        target=meeting,
        changes={"original_start": original_start},
    )
    publish_meeting(
        EventKind.MEETING_UPDATED,
        meeting,
        actor=actor,
        answers_reset=False,
        occurrence={"original_start": original_start, "cancelled": True},
    )
    return change


@transaction.atomic
def occurrence_move(
    *,
    actor,
    meeting: Meeting,
    original_start: dt.datetime,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
) -> OccurrenceChange:
    """Move one occurrence of a recurring meeting."""
    if errors := timing.time_errors(starts_at=starts_at, ends_at=ends_at, what="occurrence"):
        raise ValidationError(errors)
    meeting, change = _occurrence_change(actor, meeting, original_start)
    change.cancelled, change.starts_at, change.ends_at = False, starts_at, ends_at
    change.save()
    audit_record(
        actor=actor,
        action="meeting.occurrence_moved",
        target=meeting,
        changes={"original_start": original_start, "starts_at": starts_at},
    )
    publish_meeting(
        EventKind.MEETING_UPDATED,
        meeting,
        actor=actor,
        answers_reset=False,
        occurrence={"original_start": original_start, "starts_at": starts_at, "ends_at": ends_at},
    )
    return change
