"""Who may see what of agencies and people, and which agency a person acts for.

The directory rule: everyone signed in sees the task forces and their member agencies;
an agency's contact details and its people are shown only to people whose own agency
currently shares a task force with it (their own agency included).

The people rule: an agency's admins manage its people (below); nobody else's. The same
admins manage the API tokens their people's integrations use.

The webhook rule: an agency's admins see and manage its webhook endpoints; for anyone else
an endpoint does not exist (404).

The audit rule: an agency admin reads the audit records of their own agency (what its
people did, and what they were refused), a superuser every record, nobody else any.
"""

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from activity.models import AuditRecord
from agencies.models import (
    Agency,
    ApiToken,
    Profile,
    TaskForceMembership,
    WebhookEndpoint,
)


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


# People: agency admins manage their own agency's people and nobody else's. Superusers use
# the Django admin; every other caller manages no one. A person another agency's admin asks
# about does not exist for them (404); the section itself is known to everyone, so a
# signed-in person who is not an agency admin is refused there (403).


def can_manage_people(user) -> bool:
    """An active agency admin of an active agency."""
    agency = acting_agency(user)
    return agency is not None and user.is_active and user.profile.is_agency_admin


def require_people_manager(user) -> Agency:
    """The agency whose people ``user`` manages; ``PermissionDenied`` for anyone else."""
    if not can_manage_people(user):
        raise PermissionDenied("Only your agency's admins manage its people.")
    return user.profile.agency


def manageable_people(user) -> QuerySet[Profile]:
    """The people ``user`` manages: everyone of their agency, active or not, except
    superusers (an agency admin never changes the portal's own administrators)."""
    if not can_manage_people(user):
        return Profile.objects.none()
    return Profile.objects.filter(agency_id=user.profile.agency_id).exclude(user__is_superuser=True)


def person_for(user, pk) -> Profile:
    """The profile of the person with user id ``pk``, if ``user`` manages them; else 404,
    whether the person exists elsewhere or not at all."""
    try:
        return manageable_people(user).select_related("user", "agency").get(user_id=pk)
    except (Profile.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def can_manage_person(user, person) -> bool:
    """Whether ``user`` may change the account ``person`` (a user): superusers may change
    anyone, an agency admin the non-superusers of their own agency. Unlocking an account
    and resetting its second factor ask the same question."""
    if user is None or not user.is_authenticated:
        return False
    if user.is_superuser and user.is_active:
        return True
    if not can_manage_people(user) or person.is_superuser:
        return False
    profile = getattr(person, "profile", None)
    return profile is not None and profile.agency_id == user.profile.agency_id


def can_deactivate(user, person) -> bool:
    """An agency admin deactivates the active people they manage, never themselves: the
    account that does it would end its own session half-way, and another admin (or a
    superuser) can always do it for them."""
    return person.is_active and person.pk != user.pk and can_manage_person(user, person)


# Tokens: an integration acts as a person of the agency, so the tokens of the agency's
# people are the agency admins' to issue, list and revoke; anyone else's do not exist.


def manageable_tokens(user) -> QuerySet[ApiToken]:
    """Tokens of the people ``user`` manages (revoked and expired ones too: the history)."""
    return ApiToken.objects.filter(user__profile__in=manageable_people(user))


def token_holders(user) -> QuerySet[Profile]:
    """Whom ``user`` (an agency admin) may issue a token for: themselves, or a service
    account of their agency, i.e. an active person who cannot sign in (no usable password),
    is no agency admin and coordinates no task force. A token of anyone else would let the
    admin act with that person's rights, unseen: a coordinator's registrants, a fellow
    admin's people."""
    service_account = Q(
        user__password__startswith=UNUSABLE_PASSWORD_PREFIX, is_agency_admin=False
    ) & ~Q(user__coordinated_task_forces__isnull=False)
    return manageable_people(user).filter(
        Q(user_id=user.pk) | service_account, user__is_active=True
    )


def token_holder_for(user, pk) -> Profile:
    """The person ``pk`` if ``user`` may issue a token for them; 404 for anyone else of any
    agency (a person of another agency does not exist for the admin)."""
    try:
        return token_holders(user).select_related("user").get(user_id=pk)
    except (Profile.DoesNotExist, ValueError, TypeError, OverflowError) as exc:
        raise Http404 from exc


def token_for(user, pk) -> ApiToken:
    """The token ``pk`` if ``user`` manages it; 404 otherwise, whether it exists or not."""
    try:
        return manageable_tokens(user).select_related("user").get(pk=pk)
    except (ApiToken.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


# The audit trail: agency admins read their own agency's records, superusers everyone's.


def audit_agency(user) -> Agency | None:
    """The agency whose audit records ``user`` may read: their own, if they are its agency
    admin and it is active; ``None`` otherwise (superusers: see ``can_read_audit``)."""
    agency = acting_agency(user)
    if agency is None or not user.profile.is_agency_admin:
        return None
    return agency


def can_read_audit(user) -> bool:
    """Agency admins of an active agency and superusers read (and export) the trail."""
    if user is None or not user.is_authenticated:
        return False
    return user.is_superuser or audit_agency(user) is not None


def visible_audit_records(user) -> QuerySet[AuditRecord]:
    """Records ``user`` may read: those of their agency for an agency admin (whoever in the
    agency acted, denied requests included), every record for a superuser, none otherwise.
    A person's records stay with the agency they acted for, even after they move."""
    if user is None or not user.is_authenticated:
        return AuditRecord.objects.none()
    if user.is_superuser:
        return AuditRecord.objects.all()
    agency = audit_agency(user)
    if agency is None:
        return AuditRecord.objects.none()
    return AuditRecord.objects.filter(agency_id=agency.pk)


# Webhooks: an agency's admins manage its endpoints, nobody else sees them.


def can_manage_webhooks(user) -> bool:
    """Agency admins of an active agency register and manage its webhook endpoints."""
    return can_manage_people(user)


def require_webhook_manager(user) -> Agency:
    """The agency whose endpoints ``user`` manages; ``PermissionDenied`` for anyone else."""
    if not can_manage_webhooks(user):
        raise PermissionDenied("Only your agency's admins manage its webhooks.")
    return user.profile.agency


def visible_webhooks(user) -> QuerySet[WebhookEndpoint]:
    """The endpoints of the agency ``user`` is an admin of; none for anyone else."""
    if not can_manage_webhooks(user):
        return WebhookEndpoint.objects.none()
    return WebhookEndpoint.objects.filter(agency_id=user.profile.agency_id)


def webhook_for(user, pk) -> WebhookEndpoint:
    """One endpoint ``user`` manages; 404 whether it belongs to another agency or to none."""
    try:
        return visible_webhooks(user).select_related("agency").get(pk=pk)
    except (WebhookEndpoint.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def can_manage_webhook(user, endpoint: WebhookEndpoint) -> bool:
    return can_manage_webhooks(user) and endpoint.agency_id == user.profile.agency_id
