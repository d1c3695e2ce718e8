"""People: accounts, their agency profile, moves between agencies, deactivation.

Superusers (the Django admin) and the system (``actor=None``) change anyone; an agency
admin changes only the people of their own agency (``agencies.access.can_manage_person``),
and only their role, title, profession and agency-admin flag.
"""

from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY, get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from activity import live
from activity.services import audit_record
from agencies import access, signals
from agencies.models import (
    Agency,
    AgencyRole,
    ApiToken,
    Profile,
    TaskForce,
    TaskForceMembership,
)
from agencies.services.changes import apply_changes
from agencies.services.tokens import tokens_revoke_all

User = get_user_model()
PROFILE_FIELDS = {"title", "profession", "phone", "role", "is_agency_admin"}
USER_FIELDS = {"first_name", "last_name", "email"}
# What an agency admin may change of their people; names and e-mail stay with the person
# and the portal's administrators (an e-mail address decides where a reset link goes).
AGENCY_ADMIN_FIELDS = {"title", "profession", "role", "is_agency_admin"}


def _is_portal_admin(actor) -> bool:
    """The system itself or a superuser: not confined to an agency."""
    return actor is None or (actor.is_superuser and actor.is_active)


def require_can_manage(actor, user) -> None:
    """``PermissionDenied`` unless ``actor`` may change ``user``'s account."""
    if not _is_portal_admin(actor) and not access.can_manage_person(actor, user):
        raise PermissionDenied("You may change only the people of your own agency.")


def _lock_agency(agency: Agency) -> None:
    # Changes that count an agency's admins run one at a time per agency, so two admins
    # stepping down at once cannot both see the other one still in place.
    Agency.objects.select_for_update().filter(pk=agency.pk).first()


def _other_active_admins(profile: Profile):
    return Profile.objects.filter(
        agency_id=profile.agency_id, is_agency_admin=True, user__is_active=True
    ).exclude(pk=profile.pk)


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
    share one costly hashing. An agency admin creates people only in their own agency."""
    if not _is_portal_admin(actor) and access.require_people_manager(actor) != agency:
        raise PermissionDenied("You may add people only to your own agency.")
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
    """Change a person's details, role in their agency or agency-admin flag.

    An agency admin changes only ``AGENCY_ADMIN_FIELDS`` of their own agency's people, and
    cannot remove their own admin flag while they are the agency's last active admin: the
    agency would be left with nobody to manage its people.
    """
    require_can_manage(actor, profile.user)
    if not _is_portal_admin(actor):
        refused = set(changes) - AGENCY_ADMIN_FIELDS
        if refused:
            raise ValidationError(
                f"An agency admin cannot change these fields: {', '.join(sorted(refused))}."
            )
        stepping_down = (
            profile.user_id == actor.pk
            and profile.is_agency_admin
            and "is_agency_admin" in changes
            and not changes["is_agency_admin"]
        )
        if stepping_down:
            _lock_agency(profile.agency)
            if not _other_active_admins(profile).exists():
                raise ValidationError(
                    {
                        "is_agency_admin": (
                            f"You are the last active admin of {profile.agency.short_name}: "
                            "make someone else an agency admin before you step down."
                        )
                    }
                )
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


def _end_sessions(user) -> int:
    """Delete ``user``'s sessions from the session store; returns how many there were.

    A session names its user only inside its encoded data, so each unexpired session is
    decoded: deactivation is rare enough for that scan, and expired rows are skipped.
    With cookie-based sessions nothing is stored to delete; the authentication backend then
    refuses the inactive account on its next request.
    """
    store = import_module(settings.SESSION_ENGINE).SessionStore
    if not hasattr(store, "get_model_class"):
        return 0
    keys = [
        session.session_key
        for session in store.get_model_class()
        .objects.filter(expire_date__gt=timezone.now())
        .iterator()
        if session.get_decoded().get(SESSION_KEY) == str(user.pk)
    ]
    for key in keys:
        # The store's own delete also clears a cached copy (the cached_db engine).
        store(session_key=key).delete(key)
    return len(keys)


@transaction.atomic
def person_set_active(*, actor, user, active: bool):
    """Activate or deactivate a person's account.

    Deactivation ends everything at once: the person's sessions are deleted (their next
    request is signed out), their usable API tokens are revoked (a reactivated account
    gets new ones, never the old ones back) and their open dashboard sockets close. An
    agency admin cannot deactivate their own account (``access.can_deactivate``).
    """
    require_can_manage(actor, user)
    if not active and not _is_portal_admin(actor) and actor.pk == user.pk:
        raise ValidationError("You cannot deactivate your own account; another agency admin can.")
    if user.is_active == active:
        return user
    user.is_active = active
    user.save(update_fields=["is_active"])
    changes = {"is_active": [not active, active]}
    if not active:
        changes["tokens_revoked"] = tokens_revoke_all(
            actor=actor, tokens=ApiToken.objects.filter(user=user)
        )
        changes["sessions_ended"] = _end_sessions(user)
        live.close_sockets(user_ids=[user.pk])
    audit_record(
        actor=actor,
        action="person.activated" if active else "person.deactivated",
        target=user,
        changes=changes,
    )
    return user
