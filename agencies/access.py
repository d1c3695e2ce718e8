"""Who may see what of agencies and people, and which agency a person acts for.

The directory rule: everyone signed in sees the task forces and their member agencies;
an agency's contact details and its people are shown only to people whose own agency
currently shares a task force with it (their own agency included).
"""

from agencies.models import Agency, TaskForceMembership


def acting_agency(user) -> Agency | None:
    """The agency a signed-in person acts for; ``None`` for anonymous callers, people
    without an agency (superusers) and people of a deactivated agency. Every policy asks
    this one question."""
    if user is None or not user.is_authenticated:
        return None
    profile = getattr(user, "profile", None)
    if profile is None or not profile.agency.active:
        return None
    return profile.agency


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
    agency = acting_agency(user)
    return partner_agency_ids(agency) if agency is not None else set()


def contacts_visible(visible_ids: set[int] | None, agency: Agency) -> bool:
    return visible_ids is None or agency.pk in visible_ids


def can_manage_account(actor, user) -> bool:
    """Whether ``actor`` may act on ``user``'s sign-in (unlock it, reset its second factor):
    superusers for every account; an agency admin for the people of their own agency, never
    another agency's nor an account without an agency."""
    if actor is None or not actor.is_authenticated:
        return False
    if actor.is_superuser:
        return True
    agency = acting_agency(actor)
    if agency is None or not actor.profile.is_agency_admin:
        return False
    profile = getattr(user, "profile", None)
    return profile is not None and profile.agency_id == agency.pk
