"""The access policy: the one place that decides who sees and does what with cases and notes.

Every read asks here: API views, page views, templates (through their views), exports and,
later, the live event fan-out. The rules:

- An agency sees a case only through a share, held as guardian object permissions on the
  agency's group: view, contribute (adds notes), manage (edits and shares). Membership of
  the task force alone opens nothing.
- A case-wide note is seen by every agency that sees the case; a restricted note only by
  the agencies it lists, which are among those.
- What the caller may not see does not exist for them (404); what they may see but not do
  is refused (403).
"""

from collections import defaultdict

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from guardian.shortcuts import assign_perm, remove_perm

from agencies.models import Agency
from cases.models import (
    AccessLevel,
    Case,
    CaseAgencyPermission,
    CaseShare,
    Note,
    NoteRevision,
    NoteVisibility,
)

# Each level grants its own permission and those of the levels below it.
LEVEL_PERMISSIONS = {
    AccessLevel.VIEW: ("view_case",),
    AccessLevel.CONTRIBUTE: ("view_case", "contribute_case"),
    AccessLevel.MANAGE: ("view_case", "contribute_case", "manage_case"),
}
LEVEL_RANK = {AccessLevel.VIEW: 1, AccessLevel.CONTRIBUTE: 2, AccessLevel.MANAGE: 3}
ALL_CASE_PERMISSIONS = LEVEL_PERMISSIONS[AccessLevel.MANAGE]


def caller_agency(user) -> Agency | None:
    """The agency a signed-in person acts for; ``None`` for anyone without one."""
    if user is None or not user.is_authenticated:
        return None
    profile = getattr(user, "profile", None)
    if profile is None or not profile.agency.active:
        return None
    return profile.agency


# Grants: the only code that writes guardian permissions on cases.


def grant(case: Case, agency: Agency, level: str) -> None:
    """Give ``agency`` exactly ``level`` on ``case`` (replacing any other level)."""
    wanted = set(LEVEL_PERMISSIONS[level])
    for codename in ALL_CASE_PERMISSIONS:
        if codename in wanted:
            assign_perm(f"cases.{codename}", agency.group, case)
        else:
            remove_perm(f"cases.{codename}", agency.group, case)


def revoke(case: Case, agency: Agency) -> None:
    """Take every permission on ``case`` from ``agency``."""
    CaseAgencyPermission.objects.filter(content_object=case, group=agency.group).delete()


# Shares that reach their expiry end at the first read after it, whoever reads.


def end_expired_shares() -> None:
    if CaseShare.objects.expired().exists():
        from cases.services import case_shares_end_expired

        case_shares_end_expired()


# Cases


def visible_cases(user) -> QuerySet[Case]:
    """Cases the caller's agency may view: one indexed subquery on the grants."""
    agency = caller_agency(user)
    if agency is None:
        return Case.objects.none()
    end_expired_shares()
    granted = CaseAgencyPermission.objects.filter(
        group_id=agency.group_id, permission__codename="view_case"
    ).values("content_object_id")
    return Case.objects.filter(pk__in=granted)


def _level_of(codenames: set[str]) -> str | None:
    for level in (AccessLevel.MANAGE, AccessLevel.CONTRIBUTE, AccessLevel.VIEW):
        if set(LEVEL_PERMISSIONS[level]) <= codenames:
            return level
    return None


def agency_level(case: Case, agency: Agency | None) -> str | None:
    """The level ``agency`` holds on ``case``, or ``None``."""
    if agency is None:
        return None
    codenames = set(
        CaseAgencyPermission.objects.filter(
            content_object=case, group_id=agency.group_id
        ).values_list("permission__codename", flat=True)
    )
    return _level_of(codenames)


def agency_levels(user, case_ids) -> dict[int, str]:
    """The caller's level on each of ``case_ids`` (one query, for lists)."""
    agency = caller_agency(user)
    if agency is None:
        return {}
    found: dict[int, set[str]] = defaultdict(set)
    rows = CaseAgencyPermission.objects.filter(
        group_id=agency.group_id, content_object_id__in=list(case_ids)
    ).values_list("content_object_id", "permission__codename")
    for case_id, codename in rows:
        found[case_id].add(codename)
    return {case_id: level for case_id, codes in found.items() if (level := _level_of(codes))}


def has_level(level: str | None, needed: str) -> bool:
    return level is not None and LEVEL_RANK[level] >= LEVEL_RANK[needed]


def case_for(user, pk, *, need: str = AccessLevel.VIEW, queryset=None) -> tuple[Case, str]:
    """The case and the caller's level; 404 if they may not see it, 403 if they may see it
    but lack ``need``."""
    try:
        case = (queryset if queryset is not None else visible_cases(user)).get(pk=pk)
    except (Case.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    level = agency_level(case, caller_agency(user))
    if level is None:
        raise Http404
    if not has_level(level, need):
        raise PermissionDenied(f"Your agency's access to this case does not allow this ({need}).")
    return case, level


def case_agency_ids(case: Case) -> set[int]:
    """Agencies that may view ``case``: the audience of what happens to it."""
    return set(
        Agency.objects.filter(
            group__caseagencypermission__content_object=case,
            group__caseagencypermission__permission__codename="view_case",
        ).values_list("pk", flat=True)
    )


# Notes


def _note_filter(agency: Agency) -> Q:
    restricted_to_agency = Note.restricted_to.through.objects.filter(agency_id=agency.pk)
    return Q(visibility=NoteVisibility.CASE) | Q(pk__in=restricted_to_agency.values("note_id"))


def visible_note_condition(user, prefix: str = "") -> Q:
    """The note rule as a condition on a related path (``prefix="notes__"`` from a case),
    for annotations such as the time of the latest note the caller may read."""
    agency = caller_agency(user)
    if agency is None:
        return Q(pk__in=[])
    return Q(**{f"{prefix}visibility": NoteVisibility.CASE}) | Q(
        **{f"{prefix}restricted_to": agency.pk}
    )


def visible_notes(user, case: Case) -> QuerySet[Note]:
    """Notes of ``case`` the caller's agency may read. The caller must see the case: ask
    ``case_for`` first."""
    agency = caller_agency(user)
    if agency is None:
        return Note.objects.none()
    return case.notes.filter(_note_filter(agency))


def note_for(user, pk) -> tuple[Note, str]:
    """The note and the caller's level on its case; 404 unless they may read both."""
    agency = caller_agency(user)
    if agency is None:
        raise Http404
    try:
        note = (
            Note.objects.filter(case__in=visible_cases(user))
            .filter(_note_filter(agency))
            .select_related("case", "author", "author_agency")
            .get(pk=pk)
        )
    except (Note.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
    level = agency_level(note.case, agency)
    if level is None:
        raise Http404
    return note, level


def note_agency_ids(note: Note) -> set[int]:
    """Agencies that may read ``note`` now."""
    case_agencies = case_agency_ids(note.case)
    if note.visibility == NoteVisibility.CASE:
        return case_agencies
    return case_agencies & set(note.restricted_to.values_list("pk", flat=True))


def can_edit_note(user, note: Note, level: str) -> bool:
    """The author's agency edits its notes while it may contribute."""
    agency = caller_agency(user)
    return (
        agency is not None
        and note.author_agency_id == agency.pk
        and has_level(level, AccessLevel.CONTRIBUTE)
        and not note.is_redacted
    )


def can_redact_note(user, note: Note, level: str) -> bool:
    """The author's agency, or an agency that manages the case, redacts a note."""
    if note.is_redacted:
        return False
    return can_edit_note(user, note, level) or has_level(level, AccessLevel.MANAGE)


def visible_revisions(user, note: Note) -> list[NoteRevision]:
    """Revisions of a readable note, each only if the caller's agency could read that
    version: widening a note later does not open its earlier restricted text."""
    agency = caller_agency(user)
    if agency is None:
        return []
    return [
        revision
        for revision in note.revisions.select_related("edited_by").order_by("version")
        if revision.visibility == NoteVisibility.CASE or agency.pk in revision.restricted_to
    ]


# Meetings and trainings
#
# An agency sees a meeting it is invited to while it is a member of the meeting's task force
# and, for a meeting about a case, while it has access to the case; coordinators see every
# meeting of their task force; a training open to all is seen by every agency. A registration
# opens nothing by itself: services end the registrations of people whose agency loses a
# training. A meeting linked to a case shows the case only to agencies that see it.


def coordinated_task_force_ids(user) -> set[int]:
    if user is None or not user.is_authenticated or caller_agency(user) is None:
        return set()
    return set(user.coordinated_task_forces.values_list("pk", flat=True))


def is_coordinator(user, task_force_id: int) -> bool:
    return task_force_id in coordinated_task_force_ids(user)


def _invited_meeting_ids(user, agency: Agency) -> QuerySet:
    """Meetings the agency's invitations open now. An invitation of a task force the agency
    left, or about a case it lost, stays as history of who took part and opens nothing."""
    from agencies.models import TaskForceMembership
    from meetings.models import Invitation

    member_of = TaskForceMembership.objects.current().filter(agency_id=agency.pk)
    return (
        Invitation.objects.filter(
            agency_id=agency.pk, meeting__task_force_id__in=member_of.values("task_force_id")
        )
        .filter(
            Q(meeting__case__isnull=True) | Q(meeting__case_id__in=visible_cases(user).values("pk"))
        )
        .values("meeting_id")
    )


def visible_meetings(user) -> QuerySet:
    from meetings.models import Meeting, MeetingKind

    agency = caller_agency(user)
    if agency is None:
        return Meeting.objects.none()
    return Meeting.objects.filter(
        Q(pk__in=_invited_meeting_ids(user, agency))
        | Q(task_force_id__in=coordinated_task_force_ids(user))
        | Q(kind=MeetingKind.TRAINING, open_to_all=True)
    )


def feed_meetings(user) -> QuerySet:
    """What a person's calendar subscription lists: their agency's meetings (invited or
    coordinated) and the trainings they registered for, as far as they see them now."""
    from meetings.models import Registration, RegistrationStatus

    agency = caller_agency(user)
    if agency is None:
        return visible_meetings(user)
    registered = Registration.objects.filter(user_id=user.pk).exclude(
        status=RegistrationStatus.CANCELLED
    )
    return visible_meetings(user).filter(
        Q(pk__in=_invited_meeting_ids(user, agency))
        | Q(task_force_id__in=coordinated_task_force_ids(user))
        | Q(pk__in=registered.values("meeting_id"))
    )


def meeting_for(user, pk, *, queryset=None):
    """The meeting if the caller may see it; 404 otherwise."""
    from meetings.models import Meeting

    try:
        return (queryset if queryset is not None else visible_meetings(user)).get(pk=pk)
    except (Meeting.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def can_see_registrations(user, meeting) -> bool:
    """Who registered for a training is for its coordinators; anyone else sees their own."""
    return is_coordinator(user, meeting.task_force_id)


def require_coordinator(user, meeting) -> None:
    """403 for someone who sees the meeting but does not coordinate its task force."""
    if not is_coordinator(user, meeting.task_force_id):
        raise PermissionDenied("Only the task force's coordinators change its meetings.")


def answering_invitation(user, meeting):
    """The invitation a liaison may answer for their agency, or ``None``."""
    from agencies.models import AgencyRole

    agency = caller_agency(user)
    if agency is None or user.profile.role != AgencyRole.LIAISON:
        return None
    if agency.pk not in invited_agency_ids(meeting):
        return None
    return meeting.invitations.filter(agency_id=agency.pk).first()


def meeting_case_visible(user, meeting) -> bool:
    return meeting.case_id is not None and visible_cases(user).filter(pk=meeting.case_id).exists()


def invitable_agency_ids(task_force, case=None) -> set[int]:
    """Agencies a meeting may invite: current members of the task force; for a meeting
    about a case, only those among them with access to the case."""
    from agencies.models import TaskForceMembership

    members = set(
        TaskForceMembership.objects.current()
        .filter(task_force=task_force, agency__active=True)
        .values_list("agency_id", flat=True)
    )
    return members & case_agency_ids(case) if case is not None else members


# Audiences of live events: who hears about what happens, as the policy stands now.


def invited_agency_ids(meeting) -> set[int]:
    """Invited agencies whose invitation opens the meeting now: current members of its task
    force with, for a meeting about a case, access to the case."""
    from agencies.models import TaskForceMembership

    members = TaskForceMembership.objects.current().filter(task_force_id=meeting.task_force_id)
    invited = set(
        meeting.invitations.filter(agency_id__in=members.values("agency_id")).values_list(
            "agency_id", flat=True
        )
    )
    return invited & case_agency_ids(meeting.case) if meeting.case_id else invited


def meeting_audience(meeting) -> tuple[set[int], set[int]]:
    """Agencies and people who see ``meeting``: invited agencies, its task force's
    coordinators, and every active agency for a training open to all."""
    from agencies.models import Agency
    from meetings.models import MeetingKind

    agency_ids = invited_agency_ids(meeting)
    if meeting.kind == MeetingKind.TRAINING and meeting.open_to_all:
        agency_ids |= set(Agency.objects.filter(active=True).values_list("pk", flat=True))
    user_ids = set(meeting.task_force.coordinators.values_list("pk", flat=True))
    return agency_ids, user_ids


def dashboard_agency(user) -> Agency | None:
    """The agency whose events a person's dashboard receives."""
    return caller_agency(user)
