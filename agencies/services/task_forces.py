"""Task forces, their memberships and their coordinators."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from activity import live
from activity.clock import policy_today
from activity.kinds import EventKind
from activity.services import audit_record
from agencies import signals
from agencies.models import (
    Agency,
    MembershipRole,
    TaskForce,
    TaskForceMembership,
)
from agencies.services.changes import apply_changes

TASK_FORCE_FIELDS = {"name", "slug", "case_prefix", "description", "time_zone"}


def _publish_membership(membership: TaskForceMembership, change: str, *, actor) -> None:
    """The task force's member agencies, and the agency concerned, hear of the change."""
    task_force = membership.task_force
    members = set(
        TaskForceMembership.objects.current()
        .filter(task_force=task_force)
        .values_list("agency_id", flat=True)
    )
    live.publish(
        EventKind.TASKFORCE_MEMBERSHIP,
        subject=task_force,
        payload={
            "task_force": {"id": task_force.pk, "name": task_force.name, "slug": task_force.slug},
            "agency": {"id": membership.agency_id, "short_name": membership.agency.short_name},
            "role": membership.role,
            "change": change,
        },
        agency_ids=members | {membership.agency_id},
        actor=actor,
    )


@transaction.atomic
def task_force_create(
    *,
    actor,
    name: str,
    slug: str,
    case_prefix: str,
    lead_agency: Agency,
    description: str = "",
    time_zone: str = "America/Chicago",
    founded_on: dt.date | None = None,
) -> TaskForce:
    """Create a task force; its lead agency becomes its first member, with the lead role."""
    task_force = TaskForce(
        name=name,
        slug=slug,
        case_prefix=case_prefix,
        description=description,
        lead_agency=lead_agency,
        time_zone=time_zone,
    )
    task_force.full_clean()
    task_force.save()
    audit_record(
        actor=actor,
        action="taskforce.created",
        target=task_force,
        changes={"name": name, "lead_agency": lead_agency.short_name},
    )
    membership_add(
        actor=actor,
        task_force=task_force,
        agency=lead_agency,
        role=MembershipRole.LEAD,
        joined_on=founded_on,
    )
    return task_force


@transaction.atomic
def task_force_update(*, actor, task_force: TaskForce, **changes) -> TaskForce:
    """Change a task force's name, slug, description or time zone."""
    diff = apply_changes(task_force, changes, TASK_FORCE_FIELDS)
    if diff:
        task_force.full_clean()
        task_force.save()
        audit_record(actor=actor, action="taskforce.updated", target=task_force, changes=diff)
    return task_force


def _current_membership(task_force: TaskForce, agency: Agency) -> TaskForceMembership | None:
    return (
        TaskForceMembership.objects.select_for_update()
        .filter(task_force=task_force, agency=agency, left_on__isnull=True)
        .first()
    )


@transaction.atomic
def task_force_change_lead(*, actor, task_force: TaskForce, agency: Agency) -> TaskForce:
    """Hand the lead to another current member; the previous lead stays a member."""
    new_membership = _current_membership(task_force, agency)
    if new_membership is None:
        raise ValidationError("The new lead agency must be a current member of the task force.")
    previous = task_force.lead_agency
    if previous == agency:
        return task_force
    old_membership = _current_membership(task_force, previous)
    if old_membership is not None:
        old_membership.role = MembershipRole.MEMBER
        old_membership.save(update_fields=["role"])
    new_membership.role = MembershipRole.LEAD
    new_membership.save(update_fields=["role"])
    task_force.lead_agency = agency
    task_force.save(update_fields=["lead_agency"])
    audit_record(
        actor=actor,
        action="taskforce.lead_changed",
        target=task_force,
        changes={"lead_agency": [previous.short_name, agency.short_name]},
    )
    return task_force


def _check_role(task_force: TaskForce, agency: Agency, role: str) -> None:
    if role not in MembershipRole.values:
        raise ValidationError({"role": f"Unknown role {role!r}."})
    is_lead = agency.pk == task_force.lead_agency_id
    if is_lead and role != MembershipRole.LEAD:
        raise ValidationError(
            {"role": "The lead agency's role is 'lead'; hand the lead over first."}
        )
    if not is_lead and role == MembershipRole.LEAD:
        raise ValidationError({"role": "Only the task force's lead agency has the 'lead' role."})


@transaction.atomic
def membership_add(
    *,
    actor,
    task_force: TaskForce,
    agency: Agency,
    role: str = MembershipRole.MEMBER,
    joined_on: dt.date | None = None,
) -> TaskForceMembership:
    """Admit an agency to a task force (again, if it left before: history is kept)."""
    _check_role(task_force, agency, role)
    if _current_membership(task_force, agency) is not None:
        raise ValidationError(f"{agency.short_name} is already a member of {task_force}.")
    membership = TaskForceMembership(
        task_force=task_force,
        agency=agency,
        role=role,
        joined_on=joined_on or policy_today(),
    )
    membership.full_clean()
    membership.save()
    audit_record(
        actor=actor,
        action="membership.added",
        target=membership,
        changes={"agency": agency.short_name, "role": role, "joined_on": membership.joined_on},
    )
    _publish_membership(membership, "joined", actor=actor)
    return membership


@transaction.atomic
def membership_change_role(
    *, actor, membership: TaskForceMembership, role: str
) -> TaskForceMembership:
    """Change a member agency's role (member or affiliate)."""
    if membership.left_on is not None:
        raise ValidationError("This membership has ended; add the agency again instead.")
    _check_role(membership.task_force, membership.agency, role)
    if membership.role == role:
        return membership
    old = membership.role
    membership.role = role
    membership.save(update_fields=["role"])
    audit_record(
        actor=actor,
        action="membership.role_changed",
        target=membership,
        changes={"role": [old, role]},
    )
    _publish_membership(membership, "role_changed", actor=actor)
    return membership


@transaction.atomic
def membership_end(
    *, actor, membership: TaskForceMembership, left_on: dt.date | None = None
) -> TaskForceMembership:
    """End a membership, keeping it as history; the agency's coordinators step down and
    the floors above end what membership gave (``signals.membership_ended``)."""
    if membership.left_on is not None:
        raise ValidationError("This membership has ended already.")
    if membership.agency_id == membership.task_force.lead_agency_id:
        raise ValidationError(
            "The lead agency cannot leave; hand the lead to another member first."
        )
    membership.left_on = left_on or policy_today()
    membership.full_clean()
    membership.save(update_fields=["left_on"])
    task_force = membership.task_force
    leaving = list(task_force.coordinators.filter(profile__agency=membership.agency))
    task_force.coordinators.remove(*leaving)
    for user in leaving:
        signals.coordinator_removed.send(
            sender=TaskForce, task_force=task_force, user=user, actor=actor
        )
    signals.membership_ended.send(sender=TaskForceMembership, membership=membership, actor=actor)
    audit_record(
        actor=actor,
        action="membership.ended",
        target=membership,
        changes={
            "left_on": membership.left_on,
            "coordinators_removed": [user.get_username() for user in leaving],
        },
    )
    _publish_membership(membership, "left", actor=actor)
    return membership


@transaction.atomic
def coordinator_add(*, actor, task_force: TaskForce, user) -> None:
    """Make a person of a current member agency a coordinator of the task force."""
    profile = getattr(user, "profile", None)
    if (
        profile is None
        or not task_force.memberships.current().filter(agency=profile.agency).exists()
    ):
        raise ValidationError("A coordinator must belong to a current member agency.")
    if task_force.coordinators.filter(pk=user.pk).exists():
        return
    task_force.coordinators.add(user)
    audit_record(
        actor=actor,
        action="taskforce.coordinator_added",
        target=task_force,
        changes={"coordinator": user.get_username()},
    )


@transaction.atomic
def coordinator_remove(*, actor, task_force: TaskForce, user) -> None:
    """Remove a coordinator from a task force."""
    if not task_force.coordinators.filter(pk=user.pk).exists():
        return
    task_force.coordinators.remove(user)
    signals.coordinator_removed.send(
        sender=TaskForce, task_force=task_force, user=user, actor=actor
    )
    audit_record(
        actor=actor,
        action="taskforce.coordinator_removed",
        target=task_force,
        changes={"coordinator": user.get_username()},
    )
