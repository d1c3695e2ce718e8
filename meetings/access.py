"""The meeting policy: who sees and does what with meetings, trainings and their answers.

- An agency sees a meeting it is invited to while it is a member of the meeting's task
  force and, for a meeting about a case, while it has access to the case (asked of the
  case policy). An invitation of a task force the agency left, or about a case it lost,
  stays as history of who took part and opens nothing.
- Coordinators see every meeting of their task force; a training open to all is seen by
  every agency.
- A registration opens nothing by itself: services end the registrations of people whose
  agency loses a training.
- A meeting about a case shows the case only to agencies that see the case.
- What the caller may not see does not exist for them (404, recorded in the audit trail as
  the case policy records it); what they may see but not do is refused (403).
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.formats import date_format

from activity.services import audit_denied
from agencies.access import acting_agency
from agencies.models import Agency, AgencyRole, Profession, TaskForceMembership
from cases import access as case_access
from meetings.models import (
    Invitation,
    Meeting,
    MeetingKind,
    Registration,
    RegistrationStatus,
)


def coordinated_task_force_ids(user) -> set[int]:
    if acting_agency(user) is None:
        return set()
    return set(user.coordinated_task_forces.values_list("pk", flat=True))


def is_coordinator(user, task_force_id: int) -> bool:
    return task_force_id in coordinated_task_force_ids(user)


def _invited_meeting_ids(user, agency: Agency) -> QuerySet:
    """Meetings the agency's invitations open now."""
    member_of = TaskForceMembership.objects.current().filter(agency_id=agency.pk)
    return (
        Invitation.objects.filter(
            agency_id=agency.pk, meeting__task_force_id__in=member_of.values("task_force_id")
        )
        .filter(
            Q(meeting__case__isnull=True)
            | Q(meeting__case_id__in=case_access.visible_cases(user).values("pk"))
        )
        .values("meeting_id")
    )


def visible_meetings(user) -> QuerySet[Meeting]:
    agency = acting_agency(user)
    if agency is None:
        return Meeting.objects.none()
    return Meeting.objects.filter(
        Q(pk__in=_invited_meeting_ids(user, agency))
        | Q(task_force_id__in=coordinated_task_force_ids(user))
        | Q(kind=MeetingKind.TRAINING, open_to_all=True)
    )


def feed_meetings(user) -> QuerySet[Meeting]:
    """What a person's calendar subscription lists: their agency's meetings (invited or
    coordinated) and the trainings they registered for, as far as they see them now."""
    agency = acting_agency(user)
    if agency is None:
        return Meeting.objects.none()
    registered = Registration.objects.filter(user_id=user.pk).exclude(
        status=RegistrationStatus.CANCELLED
    )
    return visible_meetings(user).filter(
        Q(pk__in=_invited_meeting_ids(user, agency))
        | Q(task_force_id__in=coordinated_task_force_ids(user))
        | Q(pk__in=registered.values("meeting_id"))
    )


def meeting_for(user, pk, *, queryset=None) -> Meeting:
    """The meeting if the caller may see it; 404 otherwise."""
    try:
        return (queryset if queryset is not None else visible_meetings(user)).get(pk=pk)
    except (Meeting.DoesNotExist, ValueError, TypeError) as exc:
        audit_denied(actor=user, model=Meeting, requested_id=pk)
        raise Http404 from exc


def can_manage(user, meeting) -> bool:
    """Coordinators of the meeting's task force change it, cancel it and record answers."""
    return is_coordinator(user, meeting.task_force_id)


def can_change(user, meeting) -> bool:
    """A meeting changes (details, occurrences, minutes, answers by phone, action items)
    by its coordinators, until it is cancelled."""
    return can_manage(user, meeting) and not meeting.is_cancelled


def require_coordinator(user, meeting) -> None:
    """403 for someone who sees the meeting but does not coordinate its task force."""
    if not can_manage(user, meeting):
        raise PermissionDenied("Only the task force's coordinators change its meetings.")


def can_see_registrations(user, meeting) -> bool:
    """Who registered for a training is for its coordinators; anyone else sees their own."""
    return can_manage(user, meeting)


def _answering_agency(user) -> Agency | None:
    agency = acting_agency(user)
    if agency is None or user.profile.role != AgencyRole.LIAISON:
        return None
    return agency


def answering_invitation(user, meeting) -> Invitation | None:
    """The invitation a liaison may answer for their agency, or ``None``."""
    agency = _answering_agency(user)
    if agency is None:
        return None
    opened = Meeting.objects.filter(pk=meeting.pk, pk__in=_invited_meeting_ids(user, agency))
    if not opened.exists():
        return None
    return meeting.invitations.filter(agency_id=agency.pk).first()


def can_answer(user, meeting) -> bool:
    """A liaison of an invited agency answers for it, while the meeting is not cancelled."""
    return not meeting.is_cancelled and answering_invitation(user, meeting) is not None


def answerable_meeting_ids(user, meetings) -> set[int]:
    """Of ``meetings``, those the caller may answer for their agency (``can_answer`` for a
    list, in one query)."""
    agency = _answering_agency(user)
    ids = [meeting.pk for meeting in meetings if not meeting.is_cancelled]
    if agency is None or not ids:
        return set()
    return set(
        Meeting.objects.filter(pk__in=ids)
        .filter(pk__in=_invited_meeting_ids(user, agency))
        .values_list("pk", flat=True)
    )


@dataclass(frozen=True)
class RegistrationCheck:
    """Whether a person may register for a training now and, if not, why (in words they
    can act on); ``waitlist`` when the seats are taken and they would join the line."""

    allowed: bool
    reason: str = ""
    waitlist: bool = False
    field: str = ""  # the input the refusal is about, if one

    def __bool__(self) -> bool:
        return self.allowed


def can_register(user, meeting) -> RegistrationCheck:
    """Who may register for a training that they see: a person of an agency whose
    profession it is open to, before the registration deadline and before it begins, while
    it is not cancelled; past its capacity they join the waiting list. A page shows the
    Register button only when this allows it, and the reason otherwise."""
    if not meeting.is_training:
        return RegistrationCheck(False, "Only trainings take registrations.")
    if meeting.is_cancelled:
        return RegistrationCheck(False, "This training is cancelled.")
    profile = getattr(user, "profile", None)
    if acting_agency(user) is None or profile is None:
        return RegistrationCheck(False, "Registration is for people of an agency.")
    now = timezone.now()
    if meeting.registration_deadline and now > meeting.registration_deadline:
        closed = date_format(timezone.localtime(meeting.registration_deadline), "DATETIME_FORMAT")
        return RegistrationCheck(False, f"Registration closed on {closed}.")
    if now >= meeting.starts_at:
        return RegistrationCheck(False, "Registration is closed: the training has begun.")
    if meeting.eligible_professions and profile.profession not in meeting.eligible_professions:
        return RegistrationCheck(
            False,
            "This training is open to: "
            + ", ".join(meeting.eligible_profession_labels())
            + ". Your profile says you are "
            + Profession(profile.profession).label.lower()
            + ".",
        )
    held = [r for r in meeting.registrations.all() if r.status != RegistrationStatus.CANCELLED]
    if any(r.user_id == user.pk for r in held):
        return RegistrationCheck(False, "You are registered already.")
    confirmed = sum(1 for r in held if r.status == RegistrationStatus.CONFIRMED)
    full = meeting.capacity is not None and confirmed >= meeting.capacity
    return RegistrationCheck(True, waitlist=full)


def _closed_reason(meeting, now) -> str | None:
    """Why a training takes no more registrations now, or ``None``."""
    if not meeting.is_training:
        return "Only trainings take registrations."
    if meeting.is_cancelled:
        return "This training is cancelled."
    if meeting.registration_deadline and now > meeting.registration_deadline:
        closed = date_format(timezone.localtime(meeting.registration_deadline), "DATETIME_FORMAT")
        return f"Registration closed on {closed}."
    if now >= meeting.starts_at:
        return "Registration is closed: the training has begun."
    return None


def public_trainings() -> QuerySet[Meeting]:
    """Trainings a coordinator opened to public registration: anyone sees them, signed in
    or not (their title, days, place, topics, who is eligible and the seats left)."""
    return Meeting.objects.filter(
        kind=MeetingKind.TRAINING, public_registration=True, public_slug__isnull=False
    )


def public_training_for(slug) -> Meeting:
    """The public training at ``slug``; 404 for any other (a training not open to the
    public does not exist for the public)."""
    meeting = public_trainings().select_related("task_force").filter(public_slug=slug).first()
    if meeting is None:
        raise Http404
    return meeting


def can_register_publicly(meeting, profession: str | None = None) -> RegistrationCheck:
    """Whether a member of the public of ``profession`` may register now: the training is
    open to public registration and not closed, and their profession is eligible (not
    asked without one); past its capacity they join the waiting list."""
    if not meeting.public_registration:
        return RegistrationCheck(False, "This training does not take public registrations.")
    reason = _closed_reason(meeting, timezone.now())
    if reason:
        return RegistrationCheck(False, reason)
    eligible = meeting.eligible_professions
    if profession is not None and eligible and profession not in eligible:
        label = Profession(profession).label if profession in Profession.values else profession
        return RegistrationCheck(
            False,
            f"This training is open to: {', '.join(meeting.eligible_profession_labels())}. "
            f"It is not open to the profession you chose ({label.lower()}).",
            field="profession",
        )
    held = meeting.registrations.exclude(status=RegistrationStatus.CANCELLED)
    confirmed = held.filter(status=RegistrationStatus.CONFIRMED).count()
    return RegistrationCheck(
        True, waitlist=meeting.capacity is not None and confirmed >= meeting.capacity
    )


def can_see_registrants(user, meeting) -> bool:
    """Registrants' names, e-mails and attendance are personal data: the task force's
    coordinators see them (roster, CSV, certificates, export); everyone else sees counts."""
    return can_manage(user, meeting)


def require_registrants(user, meeting) -> None:
    """403 for someone who sees the training but not its registrants."""
    if not can_see_registrants(user, meeting):
        raise PermissionDenied("Only the task force's coordinators see who registered.")


def markable_action_item_ids(user, items) -> set[int]:
    """Of ``items`` (action items of one meeting), those the caller may mark done: all of
    them for a coordinator, those assigned to the caller's agency for anyone else."""
    items = list(items)
    if not items:
        return set()
    if can_manage(user, items[0].meeting):
        return {item.pk for item in items}
    agency = acting_agency(user)
    return {
        item.pk for item in items if agency is not None and item.assignee_agency_id == agency.pk
    }


def can_mark_done(user, item) -> bool:
    """The assignee agency or a coordinator marks an action item done."""
    return item.pk in markable_action_item_ids(user, [item])


def shown_case_ids(user, meetings) -> set[int]:
    """Of the cases these meetings are about, those the caller may see (one query)."""
    case_ids = {meeting.case_id for meeting in meetings if meeting.case_id}
    if not case_ids:
        return set()
    return set(case_access.visible_cases(user).filter(pk__in=case_ids).values_list("pk", flat=True))


def shows_case(user, meeting) -> bool:
    """Whether the meeting shows the caller the case it is about."""
    return meeting.case_id is not None and meeting.case_id in shown_case_ids(user, [meeting])


def shows_details(meeting) -> bool:
    """Whether text that leaves the meeting's audience (calendar files, the admin, the audit
    trail) may carry its title and details: a confidential meeting is only busy time."""
    return not meeting.confidential


def linkable_cases(user, task_force) -> QuerySet:
    """Cases a coordinator may link a new meeting of ``task_force`` to: the task force's
    cases that the coordinator's agency sees (asked of the case policy)."""
    if not is_coordinator(user, task_force.pk):
        return case_access.visible_cases(user).none()
    return case_access.visible_cases(user).filter(task_force_id=task_force.pk).order_by("number")


def invitable_agency_ids(task_force, case=None) -> set[int]:
    """Agencies a meeting may invite: current members of the task force; for a meeting
    about a case, only those among them with access to the case."""
    members = set(
        TaskForceMembership.objects.current()
        .filter(task_force=task_force, agency__active=True)
        .values_list("agency_id", flat=True)
    )
    return members & case_access.case_agency_ids(case) if case is not None else members


# Audiences of live events: who hears about what happens, as the policy stands now.


def invited_agency_ids(meeting) -> set[int]:
    """Invited agencies whose invitation opens the meeting now: current members of its task
    force with, for a meeting about a case, access to the case."""
    members = TaskForceMembership.objects.current().filter(task_force_id=meeting.task_force_id)
    invited = set(
        meeting.invitations.filter(agency_id__in=members.values("agency_id")).values_list(
            "agency_id", flat=True
        )
    )
    return invited & case_access.case_agency_ids(meeting.case) if meeting.case_id else invited


def meeting_audience(meeting) -> tuple[set[int], set[int]]:
    """Agencies and people who see ``meeting``: invited agencies, its task force's
    coordinators, and every active agency for a training open to all."""
    agency_ids = invited_agency_ids(meeting)
    if meeting.kind == MeetingKind.TRAINING and meeting.open_to_all:
        agency_ids |= set(Agency.objects.filter(active=True).values_list("pk", flat=True))
    user_ids = set(meeting.task_force.coordinators.values_list("pk", flat=True))
    return agency_ids, user_ids
