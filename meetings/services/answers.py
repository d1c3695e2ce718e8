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
    SHORT_TEXT_MAX_LENGTH,
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
    note: str | None = None,
    attendees: str | None = None,
    agency: Agency | None = None,
) -> Invitation:
    """Answer an invitation: a liaison for their agency, or a coordinator recording an
    answer given by phone (``agency``). A ``note`` or ``attendees`` not given (``None``,
    as from the dashboard's one-click answer) keeps the agency's current one."""
    if response not in {Answer.ACCEPTED, Answer.TENTATIVE, Answer.DECLINED}:
        raise ValidationError({"response": "Answer accepted, tentative or declined."})
    too_long = {
        name: f"At most {SHORT_TEXT_MAX_LENGTH} characters (this has {len(value)})."
        for name, value in (("note", note), ("attendees", attendees))
        if value is not None and len(value) > SHORT_TEXT_MAX_LENGTH
    }
    if too_long:
        raise ValidationError(too_long)
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
    invitation.response = response
    if note is not None:
        invitation.note = note
    if attendees is not None:
        invitation.attendees = attendees
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
    if len(description) > SHORT_TEXT_MAX_LENGTH:
        raise ValidationError(
            {
                "description": f"At most {SHORT_TEXT_MAX_LENGTH} characters "
                f"(this has {len(description)})."
            }
        )
    if not meeting.invitations.filter(agency=assignee_agency).exists():
        raise ValidationError({"assignee_agency": "Assign an agency invited to the meeting."})
    item = ActionItem.objects.create(
        meeting=meeting,
        description=description,
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
