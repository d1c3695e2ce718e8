"""The tips policy: the one place that decides who sees and does what with tips, the
identifiers of cases and tips, and deconfliction notices.

- A tip is seen by its task force's coordinators and, while they are current members of
  its task force, the agency that recorded it and the agency it is assigned to; by nobody
  else (404). Only the coordinators triage it; only
  the assigned agency turns it into a case.
- A case's identifiers are seen by the agencies that see the case (``cases.access``) and
  added or removed by those that contribute to it; a tip's by those who see the tip.
- A deconfliction notice on a case is seen by the agency it is addressed to only; one on
  a tip by the task force's coordinators and the tip's assigned agency only (not by a
  partner that merely recorded the tip, so recording tips cannot probe cases). It tells
  them, and nobody else, that another agency holds something with the same identifier.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from activity.services import audit_denied
from agencies.access import acting_agency
from agencies.models import AgencyKind, AgencyRole, TaskForce, TaskForceMembership
from cases import access as case_access
from cases.models import AccessLevel, Case
from tips.models import DeconflictionNotice, Identifier, Tip, TipStatus

# Agencies whose members record tips whatever their role: the trained partners
# (outreach nonprofits, hotel and medical staff) the tips come from.
PARTNER_KINDS = {AgencyKind.NONPROFIT, AgencyKind.MEDICAL}


def _refused(user, model, pk) -> Http404:
    audit_denied(actor=user, model=model, requested_id=pk)
    return Http404()


# Tips


def coordinated_task_force_ids(user) -> QuerySet:
    if user is None or not user.is_authenticated or acting_agency(user) is None:
        return TaskForce.objects.none().values("pk")
    return TaskForce.objects.filter(coordinators=user).values("pk")


def _member_task_force_ids(agency_id: int) -> QuerySet:
    return TaskForceMembership.objects.current().filter(agency_id=agency_id).values("task_force_id")


def visible_tips(user) -> QuerySet[Tip]:
    """Tips of the task forces the caller coordinates, and those their agency recorded or
    was assigned, in the task forces it is a current member of."""
    agency = acting_agency(user)
    if agency is None:
        return Tip.objects.none()
    return Tip.objects.filter(
        Q(task_force_id__in=coordinated_task_force_ids(user))
        | (
            Q(task_force_id__in=_member_task_force_ids(agency.pk))
            & (Q(recording_agency_id=agency.pk) | Q(assigned_agency_id=agency.pk))
        )
    )


def assigned_tips(user) -> QuerySet[Tip]:
    """Tips of the task forces the caller coordinates, and those assigned to their agency
    while it is a current member: the tips whose deconfliction notices the caller reads."""
    agency = acting_agency(user)
    if agency is None:
        return Tip.objects.none()
    return Tip.objects.filter(
        Q(task_force_id__in=coordinated_task_force_ids(user))
        | Q(task_force_id__in=_member_task_force_ids(agency.pk), assigned_agency_id=agency.pk)
    )


def tip_for(user, pk) -> Tip:
    """The tip, or 404 (recorded as refused) if the caller may not see it."""
    try:
        return visible_tips(user).select_related("task_force", "assigned_agency").get(pk=pk)
    except (Tip.DoesNotExist, ValueError, TypeError) as exc:
        raise _refused(user, Tip, pk) from exc


def is_coordinator(user, task_force_id: int) -> bool:
    return coordinated_task_force_ids(user).filter(pk=task_force_id).exists()


def can_triage(user, tip: Tip) -> bool:
    """The task force's coordinators triage its tips while they are open."""
    return tip.status in (TipStatus.NEW, TipStatus.ASSIGNED) and is_coordinator(
        user, tip.task_force_id
    )


def require_triage(user, tip: Tip) -> None:
    if not is_coordinator(user, tip.task_force_id):
        raise PermissionDenied("Only the task force's coordinators triage its tips.")
    if tip.status not in (TipStatus.NEW, TipStatus.ASSIGNED):
        raise PermissionDenied(f"This tip is {tip.get_status_display().lower()}.")


def can_open_case(user, tip: Tip) -> bool:
    """The assigned agency (anyone of it but observers) turns an assigned tip into a case."""
    agency = acting_agency(user)
    return (
        agency is not None
        and tip.status == TipStatus.ASSIGNED
        and tip.assigned_agency_id == agency.pk
        and user.profile.role != AgencyRole.OBSERVER
    )


def can_add_tip_identifiers(user, tip: Tip) -> bool:
    """While a tip is open, its coordinators and the agency it is assigned to (anyone of it
    but observers) attach what they learn about it; they are matched like a case's."""
    if tip.status not in (TipStatus.NEW, TipStatus.ASSIGNED):
        return False
    if is_coordinator(user, tip.task_force_id):
        return True
    agency = acting_agency(user)
    return (
        agency is not None
        and tip.assigned_agency_id == agency.pk
        and user.profile.role != AgencyRole.OBSERVER
    )


def recordable_task_forces(user) -> QuerySet[TaskForce]:
    """Task forces the caller may record a tip for: those they coordinate, and those
    their agency belongs to if they are its liaison or work for a partner agency."""
    agency = acting_agency(user)
    if agency is None:
        return TaskForce.objects.none()
    may_record = user.profile.role == AgencyRole.LIAISON or (
        agency.kind in PARTNER_KINDS and user.profile.role != AgencyRole.OBSERVER
    )
    member_of = TaskForceMembership.objects.current().filter(agency=agency).values("task_force_id")
    condition = Q(pk__in=coordinated_task_force_ids(user))
    if may_record:
        condition |= Q(pk__in=member_of)
    return TaskForce.objects.filter(condition).order_by("name")


def tip_audience(tip: Tip) -> tuple[set[int], set[int]]:
    """Agencies and people who see ``tip``: the audience of what happens to it."""
    agencies = {a for a in (tip.recording_agency_id, tip.assigned_agency_id) if a}
    agencies &= set(
        TaskForceMembership.objects.current()
        .filter(task_force_id=tip.task_force_id, agency_id__in=agencies)
        .values_list("agency_id", flat=True)
    )
    users = set(tip.task_force.coordinators.values_list("pk", flat=True))
    return agencies, users


# Identifiers


def case_identifiers(case: Case) -> QuerySet[Identifier]:
    """The identifiers of a case the caller was found to see (``case_for`` first)."""
    return Identifier.objects.filter(case=case)


def can_edit_identifiers(level: str | None) -> bool:
    return case_access.has_level(level, AccessLevel.CONTRIBUTE)


def identifier_for(user, pk) -> Identifier:
    """An identifier the caller may remove: 404 unless they see its case or tip, 403 if
    they see a case they do not contribute to."""
    try:
        identifier = Identifier.objects.select_related("case", "tip").get(pk=pk)
    except (Identifier.DoesNotExist, ValueError, TypeError) as exc:
        raise _refused(user, Identifier, pk) from exc
    if identifier.case_id is not None:
        try:
            case_access.case_for(user, identifier.case_id, need=AccessLevel.CONTRIBUTE)
        except Http404 as exc:
            raise _refused(user, Identifier, pk) from exc
    elif not visible_tips(user).filter(pk=identifier.tip_id).exists():
        raise _refused(user, Identifier, pk)
    return identifier


# Deconfliction


def case_notices(user, case: Case) -> QuerySet[DeconflictionNotice]:
    """The notices of ``case`` addressed to the caller's agency (``case_for`` first)."""
    agency = acting_agency(user)
    if agency is None:
        return DeconflictionNotice.objects.none()
    return DeconflictionNotice.objects.filter(case=case, agency_id=agency.pk)


def tip_notices(user, tip: Tip) -> QuerySet[DeconflictionNotice]:
    """The notices of a tip the caller was found to see (``tip_for`` first): none unless
    they coordinate its task force or their agency is the one it is assigned to."""
    if not assigned_tips(user).filter(pk=tip.pk).exists():
        return DeconflictionNotice.objects.none()
    return DeconflictionNotice.objects.filter(tip=tip)


def tip_notice_agency_ids(tip: Tip) -> set[int]:
    """The agencies that hear of a notice on ``tip`` (besides its coordinators): the agency
    it is assigned to, while a current member of the task force."""
    agency_id = tip.assigned_agency_id
    if agency_id is None:
        return set()
    current = TaskForceMembership.objects.current().filter(
        task_force_id=tip.task_force_id, agency_id=agency_id
    )
    return {agency_id} if current.exists() else set()


def visible_notices(user) -> QuerySet[DeconflictionNotice]:
    """Every notice the caller may read: those on cases addressed to their agency, and
    those on tips they coordinate or their agency is assigned."""
    agency = acting_agency(user)
    if agency is None:
        return DeconflictionNotice.objects.none()
    return DeconflictionNotice.objects.filter(
        Q(agency_id=agency.pk, case__isnull=False) | Q(tip__in=assigned_tips(user).values("pk"))
    )


def can_opt_out(level: str | None) -> bool:
    """An agency that manages a case marks it "do not deconflict"."""
    return case_access.has_level(level, AccessLevel.MANAGE)
