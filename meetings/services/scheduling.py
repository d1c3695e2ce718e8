"""Scheduling meetings, changing and cancelling them, and the conflicts they warn of."""

import datetime as dt
import zoneinfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from activity import live
from activity.conditional import check_version
from activity.kinds import EventKind
from activity.services import audit_record
from agencies.models import Agency, Profession, TaskForce
from cases import access as case_access
from meetings import access, recurrence, timing
from meetings.models import (
    SHORT_TEXT_MAX_LENGTH,
    Answer,
    Invitation,
    Meeting,
    MeetingKind,
    MeetingStatus,
)
from meetings.services.cascades import withdraw
from meetings.services.publishing import publish_meeting

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
    publish_meeting(EventKind.MEETING_SCHEDULED, meeting, actor=actor)
    return meeting, meeting_conflicts(meeting, viewer=actor)


@transaction.atomic
def meeting_update(
    *, actor, meeting: Meeting, invited_agencies=None, if_match: list[str] | None = None, **changes
):
    """Change a meeting (coordinators). Moving it resets every answer to pending; every
    change raises its iCalendar SEQUENCE. With ``if_match`` (the versions an If-Match
    named), only if the meeting is still at one of them. Returns the meeting and its
    conflicts."""
    access.require_coordinator(actor, meeting)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    check_version(meeting.version, if_match)
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
    withdraw([meeting], audience_before[0] - audience_after[0], actor=actor, reason="uninvited")
    live.retract(user_ids=audience_before[1] - audience_after[1], subject=meeting)
    audit_record(
        actor=actor,
        action="meeting.updated",
        target=meeting,
        changes={**diff, **invite_diff, "answers_reset": moved},
    )
    # The invited agencies are told; a move asks them to answer again.
    publish_meeting(
        EventKind.MEETING_UPDATED, meeting, actor=actor, answers_reset=moved, fields=sorted(diff)
    )
    return meeting, meeting_conflicts(meeting, viewer=actor) if moved or invite_diff else []


@transaction.atomic
def meeting_cancel(*, actor, meeting: Meeting, reason: str = "") -> Meeting:
    """Cancel a meeting; it stays visible, marked cancelled."""
    access.require_coordinator(actor, meeting)
    reason = (reason or "").strip()
    if len(reason) > SHORT_TEXT_MAX_LENGTH:
        raise ValidationError(
            {"reason": f"At most {SHORT_TEXT_MAX_LENGTH} characters (this has {len(reason)})."}
        )
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.is_cancelled:
        return meeting
    meeting.status, meeting.cancelled_at = MeetingStatus.CANCELLED, timezone.now()
    meeting.sequence += 1
    meeting.save()
    audit_record(
        actor=actor, action="meeting.cancelled", target=meeting, changes={"reason": reason}
    )
    publish_meeting(EventKind.MEETING_CANCELLED, meeting, actor=actor, reason=reason)
    return meeting
