"""Every write of the agencies app: agencies, task forces, memberships, people, tokens.

Each function validates, writes in one transaction and appends to the audit trail.
``actor`` is the person acting (``None`` for the system itself, e.g. ``seed_demo``).
Authorisation to call them is the caller's: today that is the Django admin (superusers),
management commands and the demo seeding.
"""

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from activity import live
from activity.kinds import EventKind
from activity.services import audit_record
from agencies import signals
from agencies.models import (
    Agency,
    AgencyRole,
    ApiToken,
    MembershipRole,
    Profile,
    TaskForce,
    TaskForceMembership,
    TokenScope,
)

User = get_user_model()

AGENCY_FIELDS = {
    "name",
    "short_name",
    "kind",
    "jurisdiction",
    "contact_email",
    "contact_phone",
    "address",
    "website",
}
TASK_FORCE_FIELDS = {"name", "slug", "case_prefix", "description", "time_zone"}
PROFILE_FIELDS = {"title", "profession", "phone", "role", "is_agency_admin"}
USER_FIELDS = {"first_name", "last_name", "email"}


def _group_name(short_name: str) -> str:
    return f"agency:{short_name}"


def _apply(instance, changes: dict[str, Any], allowed: set[str]) -> dict[str, list]:
    """Set the allowed fields on ``instance``; return ``{field: [old, new]}`` of real changes."""
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationError(f"These fields cannot be changed here: {', '.join(sorted(unknown))}.")
    diff = {}
    for field, value in changes.items():
        old = getattr(instance, field)
        if old != value:
            diff[field] = [old, value]
            setattr(instance, field, value)
    return diff


# Agencies


@transaction.atomic
def agency_create(
    *,
    actor,
    name: str,
    short_name: str,
    kind: str,
    jurisdiction: str = "",
    contact_email: str = "",
    contact_phone: str = "",
    address: str = "",
    website: str = "",
) -> Agency:
    """Create an agency together with the auth group its permissions are granted to."""
    agency = Agency(
        name=name,
        short_name=short_name,
        kind=kind,
        jurisdiction=jurisdiction,
        contact_email=contact_email,
        contact_phone=contact_phone,
        address=address,
        website=website,
    )
    agency.full_clean(exclude=["group"])
    if Group.objects.filter(name=_group_name(short_name)).exists():
        raise ValidationError({"short_name": "A group for this short name exists already."})
    agency.group = Group.objects.create(name=_group_name(short_name))
    agency.save()
    audit_record(
        actor=actor,
        action="agency.created",
        target=agency,
        changes={"name": name, "short_name": short_name, "kind": kind},
    )
    return agency


@transaction.atomic
def agency_update(*, actor, agency: Agency, **changes) -> Agency:
    """Change an agency's details; renaming its short name renames its group too."""
    diff = _apply(agency, changes, AGENCY_FIELDS)
    if not diff:
        return agency
    agency.full_clean(exclude=["group"])
    if "short_name" in diff:
        agency.group.name = _group_name(agency.short_name)
        agency.group.save(update_fields=["name"])
    agency.save()
    audit_record(actor=actor, action="agency.updated", target=agency, changes=diff)
    return agency


@transaction.atomic
def agency_set_active(*, actor, agency: Agency, active: bool) -> Agency:
    """Activate or deactivate an agency. Its people cannot log in while it is inactive."""
    if agency.active == active:
        return agency
    agency.active = active
    agency.save(update_fields=["active"])
    audit_record(
        actor=actor,
        action="agency.activated" if active else "agency.deactivated",
        target=agency,
        changes={"active": [not active, active]},
    )
    if not active:
        live.close_sockets(agency_ids=[agency.pk])
    return agency


# Task forces and membership


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
    diff = _apply(task_force, changes, TASK_FORCE_FIELDS)
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
        joined_on=joined_on or timezone.localdate(),
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
    membership.left_on = left_on or timezone.localdate()
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


# People


@transaction.atomic
def person_create(
    *,
    actor,
    username: str,
    agency: Agency,
    profession: str,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
    title: str = "",
    phone: str = "",
    role: str = AgencyRole.MEMBER,
    is_agency_admin: bool = False,
    password: str | None = None,
    password_hash: str | None = None,
):
    """Create a person's account in an agency. Without a password the account cannot log
    in until one is set. ``password_hash`` (from ``make_password``) lets a batch of accounts
    share one costly hashing."""
    user = User(username=username, email=email, first_name=first_name, last_name=last_name)
    if password_hash:
        user.password = password_hash
    elif password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    profile = Profile(
        user=user,
        agency=agency,
        title=title,
        profession=profession,
        phone=phone,
        role=role,
        is_agency_admin=is_agency_admin,
    )
    profile.full_clean()
    profile.save()
    audit_record(
        actor=actor,
        action="person.created",
        target=user,
        changes={
            "agency": agency.short_name,
            "role": role,
            "is_agency_admin": is_agency_admin,
        },
    )
    return user


@transaction.atomic
def profile_create(*, actor, user, agency: Agency, profession: str, **fields) -> Profile:
    """Attach an agency profile to an existing account (one made in the admin, say)."""
    unknown = set(fields) - PROFILE_FIELDS
    if unknown:
        raise ValidationError(f"Unknown profile fields: {', '.join(sorted(unknown))}.")
    profile = Profile(user=user, agency=agency, profession=profession, **fields)
    profile.full_clean()
    profile.save()
    audit_record(
        actor=actor,
        action="person.profile_created",
        target=user,
        changes={"agency": agency.short_name, "role": profile.role},
    )
    return profile


@transaction.atomic
def person_update(*, actor, profile: Profile, **changes) -> Profile:
    """Change a person's details, role in their agency or agency-admin flag."""
    user_changes = {k: v for k, v in changes.items() if k in USER_FIELDS}
    profile_changes = {k: v for k, v in changes.items() if k not in USER_FIELDS}
    diff = _apply(profile.user, user_changes, USER_FIELDS)
    diff |= _apply(profile, profile_changes, PROFILE_FIELDS)
    if not diff:
        return profile
    profile.user.full_clean(exclude=["password"])
    profile.full_clean()
    profile.user.save()
    profile.save()
    audit_record(actor=actor, action="person.updated", target=profile.user, changes=diff)
    return profile


@transaction.atomic
def person_change_agency(*, actor, profile: Profile, agency: Agency) -> Profile:
    """Move a person to another agency. Coordinator roles in task forces the new agency is
    not a member of end, and the agency-admin flag does not travel."""
    old = profile.agency
    if old == agency:
        return profile
    profile.agency = agency
    profile.is_agency_admin = False
    profile.save(update_fields=["agency", "is_agency_admin"])
    user = profile.user
    kept = TaskForceMembership.objects.current().filter(agency=agency).values("task_force")
    dropped = list(user.coordinated_task_forces.exclude(pk__in=kept))
    user.coordinated_task_forces.remove(*dropped)
    for task_force in dropped:
        signals.coordinator_removed.send(
            sender=TaskForce, task_force=task_force, user=user, actor=actor
        )
    signals.person_moved.send(
        sender=Profile, user=user, old_agency=old, new_agency=agency, actor=actor
    )
    audit_record(
        actor=actor,
        action="person.agency_changed",
        target=user,
        changes={
            "agency": [old.short_name, agency.short_name],
            "coordinator_of_removed": [tf.slug for tf in dropped],
        },
    )
    # Open sockets listen to the old agency's events: they must reconnect.
    live.close_sockets(user_ids=[user.pk])
    return profile


@transaction.atomic
def person_set_active(*, actor, user, active: bool):
    """Activate or deactivate a person's account."""
    if user.is_active == active:
        return user
    user.is_active = active
    user.save(update_fields=["is_active"])
    audit_record(
        actor=actor,
        action="person.activated" if active else "person.deactivated",
        target=user,
        changes={"is_active": [not active, active]},
    )
    if not active:
        live.close_sockets(user_ids=[user.pk])
    return user


# API tokens


def token_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def token_issue(
    *,
    actor,
    user,
    name: str,
    scope: str = TokenScope.READ,
    expires_in_days: int | None = None,
) -> tuple[ApiToken, str]:
    """Issue a bearer token for ``user``. Returns the token and its secret, which is not
    stored and cannot be shown again."""
    if scope not in TokenScope.values:
        raise ValidationError({"scope": f"Scope must be one of {', '.join(TokenScope.values)}."})
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "Give the token a name that says what it is for."})
    days = settings.API_TOKEN_DEFAULT_DAYS if expires_in_days is None else expires_in_days
    if days < 1:
        raise ValidationError({"expires_in_days": "A token lives at least one day."})
    secret = "crx_" + secrets.token_urlsafe(32)
    token = ApiToken(
        user=user,
        name=name,
        prefix=secret[:12],
        digest=token_digest(secret),
        scope=scope,
        expires_at=timezone.now() + dt.timedelta(days=days),
    )
    token.full_clean()
    token.save()
    audit_record(
        actor=actor,
        action="token.issued",
        target=token,
        changes={"user": user.get_username(), "scope": scope, "expires_at": token.expires_at},
    )
    return token, secret


@transaction.atomic
def token_revoke(*, actor, token: ApiToken) -> ApiToken:
    """Revoke a token at once; it never authenticates again."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(actor=actor, action="token.revoked", target=token)
        # A socket opened with the token is closed with it (the person reconnects).
        live.close_sockets(user_ids=[token.user_id])
    return token
