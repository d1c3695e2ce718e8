"""People: accounts, their agency profile, moves between agencies, deactivation."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction

from activity import live
from activity.services import audit_record
from agencies import signals
from agencies.models import (
    Agency,
    AgencyRole,
    Profile,
    TaskForce,
    TaskForceMembership,
)
from agencies.services.changes import apply_changes

User = get_user_model()
PROFILE_FIELDS = {"title", "profession", "phone", "role", "is_agency_admin"}
USER_FIELDS = {"first_name", "last_name", "email"}


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
    diff = apply_changes(profile.user, user_changes, USER_FIELDS)
    diff |= apply_changes(profile, profile_changes, PROFILE_FIELDS)
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
