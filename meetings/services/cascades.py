"""Access to meetings that changes elsewhere take away: an agency uninvited, shut out of a
training, gone from the task force or the case; a person moved or no longer coordinating.
The receivers of ``meetings/receivers.py`` call these.
"""

from django.db.models import Q
from django.utils import timezone

from activity import live
from activity.kinds import EventKind
from activity.services import audit_record
from agencies.models import Agency
from meetings import access
from meetings.models import (
    Invitation,
    Meeting,
    MeetingKind,
    Registration,
    RegistrationStatus,
)
from meetings.services.trainings import end_registration


def withdraw(meetings, agency_ids, *, actor, reason: str) -> None:
    """The agencies no longer see these meetings: they stop replaying their events, their
    people's registrations end (the line moves up), their open dashboards are told, and
    each meeting's audit trail records it."""
    agency_ids = set(agency_ids)
    if not meetings or not agency_ids:
        return
    live.retract(agency_ids=agency_ids, subjects=meetings)
    now = timezone.now()
    names = sorted(Agency.objects.filter(pk__in=agency_ids).values_list("short_name", flat=True))
    for meeting in meetings:
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        registrations = list(
            # Only the registrations' rows are locked: their user is a nullable join now.
            meeting.registrations.select_for_update(of=("self",))
            .filter(user__profile__agency_id__in=agency_ids)
            .exclude(status=RegistrationStatus.CANCELLED)
            .select_related("user")
        )
        for registration in registrations:
            end_registration(registration, meeting, actor=actor)
        if registrations:
            live.retract(user_ids=[r.user_id for r in registrations], subject=meeting)
        if meeting.ends_at >= now or meeting.recurrence:
            live.publish(
                EventKind.MEETING_WITHDRAWN,
                subject=meeting,
                payload={"meeting": {"id": meeting.pk}, "reason": reason},
                agency_ids=agency_ids,
                actor=actor,
            )
        audit_record(
            actor=actor,
            action="meeting.withdrawn",
            target=meeting,
            changes={"agency": ", ".join(names), "reason": reason},
        )


def _upcoming(meetings):
    """Meetings still to come (a series counts as still to come)."""
    return meetings.filter(~Q(recurrence="") | Q(ends_at__gte=timezone.now()))


def _uninvite(meetings, agency: Agency, *, actor, reason: str) -> None:
    """Take ``agency`` off meetings it may no longer see. Invitations to meetings still to
    come are removed; those of past meetings stay as the record of who took part (the
    policy no longer lets them open anything)."""
    meetings = list(meetings)
    Invitation.objects.filter(
        meeting__in=_upcoming(Meeting.objects.filter(pk__in=[m.pk for m in meetings])),
        agency=agency,
    ).delete()
    withdraw(meetings, {agency.pk}, actor=actor, reason=reason)


def registrations_end_for_person(*, user, actor=None) -> None:
    """A person who moved agency keeps only the registrations for trainings they still
    see; the others end and their lines move up."""
    visible = access.visible_meetings(user).values("pk")
    for registration in (
        Registration.objects.filter(user=user)
        .exclude(status=RegistrationStatus.CANCELLED)
        .exclude(meeting__in=visible)
        .select_related("user")
    ):
        meeting = Meeting.objects.select_for_update().get(pk=registration.meeting_id)
        end_registration(registration, meeting, actor=actor)
        live.retract(user_ids=[user.pk], subject=meeting)


def case_meeting_events_until(*, case, agency, until) -> None:
    """The agency replays the events of meetings about ``case`` until its share ends."""
    meetings = list(Meeting.objects.filter(case=case))
    if meetings:
        live.set_until(agency_ids=[agency.pk], subjects=meetings, until=until)


def coordinator_events_retract(*, user, task_force) -> None:
    """A person who stops coordinating a task force stops replaying its meetings' events
    (what their agency was invited to stays, through the agency)."""
    live.retract(user_ids=[user.pk], subjects=list(Meeting.objects.filter(task_force=task_force)))


def invitations_end_for_case(*, case, agency, actor=None) -> None:
    """An agency that loses a case loses the meetings about it."""
    meetings = Meeting.objects.filter(case=case, invitations__agency=agency).distinct()
    _uninvite(meetings, agency, actor=actor, reason="lost access to the case")


def invitations_end_for_task_force(*, task_force, agency, actor=None) -> None:
    """An agency that leaves a task force loses the meetings of it it was invited to;
    trainings open to every agency stay open to it, as to anyone."""
    invited = Meeting.objects.filter(task_force=task_force, invitations__agency=agency).distinct()
    lost = invited.exclude(kind=MeetingKind.TRAINING, open_to_all=True)
    # Its invitations to open trainings end too: from now on it sees them as anyone does.
    Invitation.objects.filter(
        meeting__in=_upcoming(invited.filter(kind=MeetingKind.TRAINING, open_to_all=True)),
        agency=agency,
    ).delete()
    _uninvite(lost, agency, actor=actor, reason="left the task force")
