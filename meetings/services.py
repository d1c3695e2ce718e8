"""Every write of the meetings app: scheduling, changes, answers, occurrences, minutes,
action items, training registrations and calendar feeds. Access comes from the policy in
``cases/access.py``; each function validates, writes in one transaction and audits."""

import datetime as dt
import zoneinfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from activity import live
from activity.kinds import EventKind
from activity.services import audit_record
from agencies.models import Agency, Profession, TaskForce
from cases import access as case_access
from meetings import access, recurrence, timing
from meetings.models import (
    ActionItem,
    Answer,
    CalendarFeed,
    Invitation,
    Meeting,
    MeetingKind,
    MeetingStatus,
    OccurrenceChange,
    Registration,
    RegistrationStatus,
)

# How far ahead scheduling looks for conflicts with meetings already accepted.
CONFLICT_HORIZON = dt.timedelta(days=366)

DETAIL_FIELDS = {"title", "agenda", "location", "video_url", "confidential", "minutes"}
TIME_FIELDS = {"starts_at", "ends_at", "timezone", "recurrence"}
TRAINING_FIELDS = {
    "open_to_all",
    "topics",
    "capacity",
    "registration_deadline",
    "eligible_professions",
}


def _publish(kind: str, meeting: Meeting, *, actor, **payload) -> None:
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


def _validate(meeting: Meeting) -> None:
    errors = timing.time_errors(
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        registration_deadline=meeting.registration_deadline,
    )
    if meeting.timezone not in zoneinfo.available_timezones():
        errors["timezone"] = (
            f"{meeting.timezone!r} is not a known time zone (e.g. America/Chicago)."
        )
    if meeting.kind not in MeetingKind.values:
        errors["kind"] = f"Choose one of: {', '.join(MeetingKind.values)}."
    unknown = set(meeting.eligible_professions or []) - set(Profession.values)
    if unknown:
        errors["eligible_professions"] = f"Unknown professions: {', '.join(sorted(unknown))}."
    if not meeting.is_training and (
        meeting.capacity is not None or meeting.open_to_all or meeting.registration_deadline
    ):
        errors["kind"] = "Capacity, registration and opening to all are for trainings."
    if meeting.capacity is not None and meeting.capacity < 0:
        errors["capacity"] = "Capacity cannot be below zero."
    if meeting.case_id is not None and meeting.open_to_all:
        errors["open_to_all"] = (
            "A meeting about a case is never open to every agency: invite the agencies "
            "that have access to the case."
        )
    if errors:
        raise ValidationError(errors)
    if meeting.recurrence:
        recurrence.parse_rule(
            meeting.recurrence, first_start=meeting.starts_at, time_zone=meeting.timezone
        )
    meeting.full_clean(exclude=["task_force", "organizer", "case"])


def _check_invitees(task_force, case, agencies) -> list[Agency]:
    agencies = list({agency.pk: agency for agency in agencies}.values())
    allowed = access.invitable_agency_ids(task_force, case)
    outside = [agency.short_name for agency in agencies if agency.pk not in allowed]
    if outside:
        why = "have no access to the case" if case is not None else "are not current members"
        raise ValidationError(
            {
                "invited_agencies": f"These agencies cannot be invited: they {why}: "
                f"{', '.join(outside)}."
            }
        )
    return agencies


def _check_case(actor, task_force, case) -> None:
    if case is None:
        return
    if not case_access.visible_cases(actor).filter(pk=case.pk).exists():
        raise ValidationError({"case": "Unknown case."})
    if case.task_force_id != task_force.pk:
        raise ValidationError({"case": "The case belongs to another task force."})


def meeting_conflicts(meeting: Meeting, *, viewer) -> list[dict]:
    """Invited agencies that already accepted a meeting overlapping an occurrence of this
    one. Another meeting is named only if the viewer may see it; otherwise only its time."""
    start = meeting.starts_at
    end = start + CONFLICT_HORIZON
    mine = recurrence.occurrences(meeting, start, end, changes=[])
    if not mine:
        return []
    invited = meeting.invitations.values_list("agency_id", flat=True)
    accepted = (
        Invitation.objects.filter(
            agency_id__in=invited,
            response=Answer.ACCEPTED,
            meeting__status=MeetingStatus.SCHEDULED,
            meeting__starts_at__lt=end,
        )
        .exclude(meeting=meeting)
        .select_related("meeting", "agency")
        .prefetch_related("meeting__occurrence_changes")
    )
    visible = set(access.visible_meetings(viewer).values_list("pk", flat=True))
    conflicts = []
    for invitation in accepted:
        other = invitation.meeting
        theirs = recurrence.occurrences(
            other, start, end, changes=list(other.occurrence_changes.all())
        )
        for occurrence in theirs:
            if occurrence.cancelled:
                continue
            if any(
                o.starts_at < occurrence.ends_at and occurrence.starts_at < o.ends_at for o in mine
            ):
                conflicts.append(
                    {
                        "agency": {
                            "id": invitation.agency.pk,
                            "short_name": invitation.agency.short_name,
                            "name": invitation.agency.name,
                        },
                        "starts_at": occurrence.starts_at,
                        "ends_at": occurrence.ends_at,
                        "meeting": {"id": other.pk, "title": other.title}
                        if other.pk in visible
                        else None,
                    }
                )
                break
    return conflicts


@transaction.atomic
def meeting_schedule(
    *,
    actor,
    task_force: TaskForce,
    title: str,
    kind: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    timezone_name: str | None = None,
    agenda: str = "",
    location: str = "",
    video_url: str = "",
    invited_agencies=(),
    invite_all: bool = False,
    recurrence_rule: str = "",
    case=None,
    confidential: bool = False,
    open_to_all: bool = False,
    topics: str = "",
    capacity: int | None = None,
    registration_deadline: dt.datetime | None = None,
    eligible_professions=(),
) -> tuple[Meeting, list[dict]]:
    """Schedule a meeting (coordinators of the task force). Returns it with the conflicts
    of its invited agencies: a warning, not a block."""
    if not access.is_coordinator(actor, task_force.pk):
        raise PermissionDenied("Only the task force's coordinators schedule its meetings.")
    _check_case(actor, task_force, case)
    if invite_all:
        invited_agencies = Agency.objects.filter(
            pk__in=access.invitable_agency_ids(task_force, case)
        )
    agencies = _check_invitees(task_force, case, invited_agencies)
    meeting = Meeting(
        task_force=task_force,
        title=(title or "").strip(),
        kind=kind,
        agenda=agenda or "",
        starts_at=starts_at,
        ends_at=ends_at,
        timezone=timezone_name or task_force.time_zone,
        location=location or "",
        video_url=video_url or "",
        case=case,
        confidential=confidential,
        recurrence=recurrence.normalise_rule(recurrence_rule or ""),
        organizer=actor,
        open_to_all=open_to_all,
        topics=topics or "",
        capacity=capacity,
        registration_deadline=registration_deadline,
        eligible_professions=sorted(set(eligible_professions or [])),
    )
    _validate(meeting)
    meeting.save()
    Invitation.objects.bulk_create(Invitation(meeting=meeting, agency=a) for a in agencies)
    audit_record(
        actor=actor,
        action="meeting.scheduled",
        target=meeting,
        changes={"invited": sorted(a.short_name for a in agencies), "kind": kind},
    )
    _publish(EventKind.MEETING_SCHEDULED, meeting, actor=actor)
    return meeting, meeting_conflicts(meeting, viewer=actor)


@transaction.atomic
def meeting_update(*, actor, meeting: Meeting, invited_agencies=None, **changes):
    """Change a meeting (coordinators). Moving it resets every answer to pending; every
    change raises its iCalendar SEQUENCE. Returns the meeting and its conflicts."""
    access.require_coordinator(actor, meeting)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.is_cancelled:
        raise ValidationError("A cancelled meeting cannot change.")
    if (
        invited_agencies is not None
        and meeting.case_id
        and not case_access.visible_cases(actor).filter(pk=meeting.case_id).exists()
    ):
        # Which agencies may be invited would tell who has access to the case.
        raise PermissionDenied(
            "This meeting is about a case your agency does not see; its invitations "
            "cannot be changed by you."
        )
    audience_before = access.meeting_audience(meeting)
    if "timezone_name" in changes:
        changes["timezone"] = changes.pop("timezone_name")
    if "recurrence_rule" in changes:
        changes["recurrence"] = recurrence.normalise_rule(changes.pop("recurrence_rule") or "")
    unknown = set(changes) - DETAIL_FIELDS - TIME_FIELDS - TRAINING_FIELDS
    if unknown:
        raise ValidationError(f"These fields cannot be changed: {', '.join(sorted(unknown))}.")
    diff = {}
    for field, value in changes.items():
        if getattr(meeting, field) != value:
            diff[field] = [getattr(meeting, field), value]
            setattr(meeting, field, value)
    invite_diff = {}
    if invited_agencies is not None:
        wanted = {
            a.pk: a for a in _check_invitees(meeting.task_force, meeting.case, invited_agencies)
        }
        current = set(meeting.invitations.values_list("agency_id", flat=True))
        added, removed = set(wanted) - current, current - set(wanted)
        if added or removed:
            Invitation.objects.bulk_create(
                Invitation(meeting=meeting, agency=wanted[pk]) for pk in added
            )
            meeting.invitations.filter(agency_id__in=removed).delete()
            invite_diff = {"invited_added": sorted(added), "invited_removed": sorted(removed)}
    if not diff and not invite_diff:
        return meeting, []
    _validate(meeting)
    moved = bool(TIME_FIELDS & set(diff))
    if moved:
        meeting.invitations.update(
            response=Answer.PENDING,
            responded_by=None,
            responded_at=None,
            recorded_by_coordinator=False,
        )
        if {"recurrence", "timezone"} & set(diff) or "starts_at" in diff:
            # Exceptions name starts of the old rule; they no longer apply.
            meeting.occurrence_changes.all().delete()
    meeting.sequence += 1
    meeting.save()
    # Whoever no longer sees the meeting (uninvited, a training closed to outsiders) loses
    # it everywhere: replay, registrations, the open dashboards.
    audience_after = access.meeting_audience(meeting)
    _withdraw([meeting], audience_before[0] - audience_after[0], actor=actor, reason="uninvited")
    live.retract(user_ids=audience_before[1] - audience_after[1], subject=meeting)
    audit_record(
        actor=actor,
        action="meeting.updated",
        target=meeting,
        changes={**diff, **invite_diff, "answers_reset": moved},
    )
    # The invited agencies are told; a move asks them to answer again.
    _publish(
        EventKind.MEETING_UPDATED, meeting, actor=actor, answers_reset=moved, fields=sorted(diff)
    )
    return meeting, meeting_conflicts(meeting, viewer=actor) if moved or invite_diff else []


@transaction.atomic
def meeting_cancel(*, actor, meeting: Meeting, reason: str = "") -> Meeting:
    """Cancel a meeting; it stays visible, marked cancelled."""
    access.require_coordinator(actor, meeting)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.is_cancelled:
        return meeting
    meeting.status, meeting.cancelled_at = MeetingStatus.CANCELLED, timezone.now()
    meeting.sequence += 1
    meeting.save()
    audit_record(
        actor=actor, action="meeting.cancelled", target=meeting, changes={"reason": reason}
    )
    _publish(EventKind.MEETING_CANCELLED, meeting, actor=actor, reason=reason)
    return meeting


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
    _publish(
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
    _publish(
        EventKind.MEETING_UPDATED,
        meeting,
        actor=actor,
        answers_reset=False,
        occurrence={"original_start": original_start, "starts_at": starts_at, "ends_at": ends_at},
    )
    return change


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
    _publish(
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


# Trainings


def _publish_registration(registration: Registration, *, actor) -> None:
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
        user_ids={registration.user_id}
        | set(meeting.task_force.coordinators.values_list("pk", flat=True)),
        actor=actor,
    )


@transaction.atomic
def registration_register(*, actor, meeting: Meeting) -> Registration:
    """Register the caller for a training: confirmed while seats remain, waitlisted after.
    The meeting row is locked, so concurrent registrations never exceed the capacity."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    profile = getattr(actor, "profile", None)
    if not meeting.is_training:
        raise ValidationError("Only trainings take registrations.")
    if meeting.is_cancelled:
        raise ValidationError("This training is cancelled.")
    if meeting.registration_deadline and timezone.now() > meeting.registration_deadline:
        raise ValidationError(
            f"Registration closed on {meeting.registration_deadline:%B %-d, %Y at %H:%M} UTC."
        )
    if meeting.eligible_professions and (
        profile is None or profile.profession not in meeting.eligible_professions
    ):
        raise ValidationError(
            "This training is open to: "
            + ", ".join(meeting.eligible_profession_labels())
            + ". Your profile says you are "
            + (Profession(profile.profession).label.lower() if profile else "not in an agency")
            + "."
        )
    held = meeting.registrations.exclude(status=RegistrationStatus.CANCELLED)
    if held.filter(user=actor).exists():
        raise ValidationError("You are registered already.")
    confirmed = held.filter(status=RegistrationStatus.CONFIRMED).count()
    has_seat = meeting.capacity is None or confirmed < meeting.capacity
    registration = Registration.objects.create(
        meeting=meeting,
        user=actor,
        status=RegistrationStatus.CONFIRMED if has_seat else RegistrationStatus.WAITLISTED,
    )
    audit_record(
        actor=actor,
        action="training.registered",
        target=meeting,
        changes={"status": registration.status},
    )
    _publish_registration(registration, actor=actor)
    return registration


def _registration_end(registration: Registration, meeting: Meeting, *, actor) -> None:
    """Cancel a live registration; the first in line moves up into a freed seat. The
    caller holds the meeting's row lock."""
    freed_seat = registration.status == RegistrationStatus.CONFIRMED
    registration.status, registration.cancelled_at = RegistrationStatus.CANCELLED, timezone.now()
    registration.save(update_fields=["status", "cancelled_at"])
    promoted = None
    if freed_seat:
        promoted = (
            meeting.registrations.select_for_update()
            .filter(status=RegistrationStatus.WAITLISTED)
            .order_by("created_at", "id")
            .first()
        )
        if promoted is not None:
            promoted.status = RegistrationStatus.CONFIRMED
            promoted.save(update_fields=["status"])
            _publish_registration(promoted, actor=actor)
    audit_record(
        actor=actor,
        action="training.registration_cancelled",
        target=meeting,
        changes={
            "user": registration.user.get_username(),
            "promoted": promoted.user.get_username() if promoted else None,
        },
    )


@transaction.atomic
def registration_cancel(*, actor, registration: Registration) -> Registration:
    """Cancel a registration (the person, or a coordinator); the first in line moves up."""
    meeting = Meeting.objects.select_for_update().get(pk=registration.meeting_id)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.user_id != actor.pk and not access.is_coordinator(actor, meeting.task_force_id):
        raise PermissionDenied("Only the registered person or a coordinator cancels this.")
    if registration.status != RegistrationStatus.CANCELLED:
        _registration_end(registration, meeting, actor=actor)
    return registration


# Calendar feeds


def feed_for(user) -> CalendarFeed | None:
    """The person's subscription, if they made one (reading never creates it)."""
    return CalendarFeed.objects.filter(user=user).first()


@transaction.atomic
def feed_rotate(*, actor) -> CalendarFeed:
    """Give the person a (new) subscription URL; an old one stops working at once."""
    feed = CalendarFeed.objects.select_for_update().filter(user=actor).first()
    if feed is None:
        feed = CalendarFeed.objects.create(user=actor)
        action = "calendar.feed_created"
    else:
        feed.token = CalendarFeed._meta.get_field("token").default()
        feed.save()
        action = "calendar.feed_rotated"
    audit_record(actor=actor, action=action, target=feed)
    return feed


# Cascades: access to meetings that other apps' changes take away.


def _withdraw(meetings, agency_ids, *, actor, reason: str) -> None:
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
            meeting.registrations.select_for_update()
            .filter(user__profile__agency_id__in=agency_ids)
            .exclude(status=RegistrationStatus.CANCELLED)
            .select_related("user")
        )
        for registration in registrations:
            _registration_end(registration, meeting, actor=actor)
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
    _withdraw(meetings, {agency.pk}, actor=actor, reason=reason)


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
        _registration_end(registration, meeting, actor=actor)
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
