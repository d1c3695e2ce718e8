"""Agencies and the auth group each one owns."""

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction

from activity import live
from activity.services import audit_record
from agencies.models import (
    Agency,
    ApiToken,
)
from agencies.services.changes import apply_changes
from agencies.services.tokens import tokens_revoke_all

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


def _group_name(short_name: str) -> str:
    return f"agency:{short_name}"


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
    diff = apply_changes(agency, changes, AGENCY_FIELDS)
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
    """Activate or deactivate an agency. Its people cannot log in while it is inactive,
    and deactivating it revokes its people's tokens for good (integrations get new ones
    when it is active again)."""
    if agency.active == active:
        return agency
    agency.active = active
    agency.save(update_fields=["active"])
    changes = {"active": [not active, active]}
    if not active:
        changes["tokens_revoked"] = tokens_revoke_all(
            actor=actor, tokens=ApiToken.objects.filter(user__profile__agency=agency)
        )
    audit_record(
        actor=actor,
        action="agency.activated" if active else "agency.deactivated",
        target=agency,
        changes=changes,
    )
    if not active:
        live.close_sockets(agency_ids=[agency.pk])
    return agency
