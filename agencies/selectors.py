"""Reads of the agencies app that depend on who asks.

The directory rule: everyone signed in sees the task forces and their member agencies;
an agency's contact details and its people are shown only to people whose own agency
currently shares a task force with it (their own agency included).
"""

from django.db.models import Case, Prefetch, QuerySet, Value, When

from agencies.models import (
    Agency,
    AgencyRole,
    MembershipRole,
    Profile,
    TaskForce,
    TaskForceMembership,
)


def user_agency(user) -> Agency | None:
    profile = getattr(user, "profile", None)
    return profile.agency if profile is not None else None


def partner_agency_ids(agency: Agency) -> set[int]:
    """Ids of agencies that currently share at least one task force with ``agency``."""
    shared_task_forces = TaskForceMembership.objects.current().filter(agency=agency)
    return set(
        TaskForceMembership.objects.current()
        .filter(task_force__in=shared_task_forces.values("task_force"))
        .values_list("agency_id", flat=True)
    ) | {agency.pk}


def contact_visible_agency_ids(user) -> set[int] | None:
    """Agencies whose contacts ``user`` may see; ``None`` means all (superusers only)."""
    if user.is_superuser:
        return None
    agency = user_agency(user)
    return partner_agency_ids(agency) if agency is not None else set()


def contacts_visible(visible_ids: set[int] | None, agency: Agency) -> bool:
    return visible_ids is None or agency.pk in visible_ids


def agency_list() -> QuerySet[Agency]:
    return Agency.objects.order_by("name")


# Lead first, then members, then affiliates.
ROLE_ORDER = Case(
    When(role=MembershipRole.LEAD, then=Value(0)),
    When(role=MembershipRole.MEMBER, then=Value(1)),
    default=Value(2),
)


def current_memberships() -> QuerySet[TaskForceMembership]:
    return (
        TaskForceMembership.objects.current()
        .select_related("agency")
        .order_by(ROLE_ORDER, "agency__name")
    )


def task_force_list() -> QuerySet[TaskForce]:
    """Task forces with their current members and coordinators, in a fixed number of queries."""
    return (
        TaskForce.objects.select_related("lead_agency")
        .prefetch_related(
            Prefetch("memberships", queryset=current_memberships(), to_attr="current_members"),
            Prefetch("coordinators__profile", queryset=Profile.objects.select_related("agency")),
        )
        .order_by("name")
    )


def task_force_history(task_force: TaskForce) -> QuerySet[TaskForceMembership]:
    """Every membership the task force has had, current and ended, newest first."""
    return task_force.memberships.select_related("agency").order_by("-joined_on", "agency__name")


def agency_memberships(agency: Agency) -> QuerySet[TaskForceMembership]:
    return agency.memberships.select_related("task_force").order_by("-joined_on")


def agency_liaisons(agency: Agency) -> QuerySet[Profile]:
    """The agency's active liaisons: the people other agencies contact."""
    return (
        Profile.objects.filter(agency=agency, role=AgencyRole.LIAISON, user__is_active=True)
        .select_related("user")
        .order_by("user__last_name", "user__first_name")
    )


def user_coordinated_task_forces(user) -> QuerySet[TaskForce]:
    return user.coordinated_task_forces.order_by("name")


def user_task_forces(user) -> QuerySet[TaskForce]:
    """Task forces the user's agency currently belongs to."""
    agency = user_agency(user)
    if agency is None:
        return TaskForce.objects.none()
    member_of = TaskForceMembership.objects.current().filter(agency=agency)
    return TaskForce.objects.filter(pk__in=member_of.values("task_force")).order_by("name")
