"""Answers to invitations, and the action items agreed at a meeting."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from activity.kinds import EventKind
from activity.services import audit_record
from agencies.models import Agency
from meetings import access
from meetings.models import (
    ActionItem,
    Answer,
    Invitation,
    Meeting,
)
from meetings.services.publishing import publish_meeting


@transaction.atomic
def meeting_rsvp(
    *,
    actor,
    meeting: Meeting,
    response: str,
    note: str = "",
    attendees: str = "",
    agency: Agency | None = None,
) -> Invitation:
    """Answer an invitation: a liaison for their agency, or a coordinator recording an
    answer given by phone (``agency``)."""
    if response not in {Answer.ACCEPTED, Answer.TENTATIVE, Answer.DECLINED}:
        raise ValidationError({"response": "Answer accepted, tentative or declined."})
    meeting = Meeting.objects.get(pk=meeting.pk)
    if meeting.is_cancelled:
        raise ValidationError("The meeting is cancelled.")
    if agency is not None:
        access.require_coordinator(actor, meeting)
        invitation = meeting.invitations.filter(agency=agency).first()
        if invitation is None:
            raise ValidationError({"agency": "This agency is not invited."})
    else:
        invitation = access.answering_invitation(actor, meeting)
        if invitation is None:
            raise PermissionDenied("Only a liaison of an invited agency answers for it.")
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    invitation.response, invitation.note, invitation.attendees = (
        response,
        note[:500],
        attendees[:500],
    )
    invitation.responded_by, invitation.responded_at = actor, timezone.now()
    invitation.recorded_by_coordinator = agency is not None
    invitation.save()
    audit_record(
        actor=actor,
        action="meeting.rsvp",
        target=meeting,
        changes={"agency": invitation.agency.short_name, "response": response},
    )
    publish_meeting(
        EventKind.MEETING_RSVP,
        meeting,
        actor=actor,
        response=response,
        agency={"id": invitation.agency_id, "short_name": invitation.agency.short_name},
    )
    return invitation


@transaction.atomic
def action_item_add(
    *,
    actor,
    meeting: Meeting,
    description: str,
    assignee_agency: Agency,
    due_on: dt.date | None = None,
) -> ActionItem:
    """Record an action item after a meeting (coordinators); the assignee must be invited."""
    access.require_coordinator(actor, meeting)
    description = (description or "").strip()
    if not description:
        raise ValidationError({"description": "Say what is to be done."})
    if not meeting.invitations.filter(agency=assignee_agency).exists():
        raise ValidationError({"assignee_agency": "Assign an agency invited to the meeting."})
    item = ActionItem.objects.create(
        meeting=meeting,
        description=description[:500],
        assignee_agency=assignee_agency,
        due_on=due_on,
    )
    audit_record(
        actor=actor,
        action="meeting.action_item_added",
        target=meeting,
        changes={"assignee": assignee_agency.short_name},
    )
    return item


@transaction.atomic
def action_item_set_done(*, actor, item: ActionItem, done: bool) -> ActionItem:
    """Mark an action item done (or not): the assignee agency or a coordinator."""
    if not access.can_mark_done(actor, item):
        raise PermissionDenied("Only the assignee agency or a coordinator updates this item.")
    item.done, item.done_at = done, timezone.now() if done else None
    item.save(update_fields=["done", "done_at"])
    audit_record(
        actor=actor,
        action="meeting.action_item_done",
        target=item.meeting,
        changes={"item": item.pk, "done": done},
    )
    return item
