"""Identifiers attached to and removed from cases and tips, and the "do not deconflict"
mark of a case."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from activity.services import audit_record
from agencies.access import acting_agency
from cases.models import AccessLevel, Case
from cases.services.checks import require_level
from tips import access, limits
from tips.models import REASON_MAX_LENGTH, DeconflictionOptOut, Identifier, Tip
from tips.normalise import match_key, normalise
from tips.services.deconfliction import match_identifier


def clean_identifier(kind, value) -> tuple[str, str, str]:
    """The kind, normalised value and match key of what the caller typed."""
    normalised = normalise(kind, value)
    return kind, normalised, match_key(kind, normalised)


def attach(*, actor, kind: str, value: str, case: Case | None = None, tip: Tip | None = None):
    """Write one identifier on a case or tip (checked by the caller) and match it; the
    same identifier twice on one subject is refused."""
    kind, normalised, key = clean_identifier(kind, value)
    existing = Identifier.objects.filter(match_key=key)
    if existing.filter(case=case, tip=tip).exists():
        raise ValidationError({"value": "This identifier is already on it."})
    try:
        with transaction.atomic():
            identifier = Identifier.objects.create(
                case=case,
                tip=tip,
                kind=kind,
                value=normalised,
                match_key=key,
                added_by=actor if actor is not None and actor.is_authenticated else None,
                added_agency=acting_agency(actor),
            )
    except IntegrityError as exc:
        raise ValidationError({"value": "This identifier is already on it."}) from exc
    audit_record(
        actor=actor,
        action="identifier.added",
        target=identifier,
        changes={"kind": kind, "case": case.pk if case else None, "tip": tip.pk if tip else None},
    )
    match_identifier(actor=actor, identifier=identifier)
    return identifier


@transaction.atomic
def identifier_add(*, actor, kind: str, value: str, case: Case) -> Identifier:
    """Attach an identifier to a case (agencies that contribute to it), then match it
    against every other case and tip. Rate-limited per person (``tips.limits``)."""
    require_level(actor, case, AccessLevel.CONTRIBUTE)
    clean_identifier(kind, value)
    limits.take(actor)
    return attach(actor=actor, kind=kind, value=value, case=case)


@transaction.atomic
def tip_identifier_add(*, actor, kind: str, value: str, tip: Tip) -> Identifier:
    """Attach an identifier to an open tip (its coordinators and assigned agency), then
    match it as a case's would be. Rate-limited like a case's."""
    if not access.can_add_tip_identifiers(actor, tip):
        raise PermissionDenied(
            "Only the task force's coordinators and the agency the tip is assigned to add "
            "identifiers, while the tip is open."
        )
    clean_identifier(kind, value)
    limits.take(actor)
    return attach(actor=actor, kind=kind, value=value, tip=tip)


@transaction.atomic
def identifier_remove(*, actor, identifier: Identifier) -> None:
    """Remove an identifier from its case (contributing agencies) or tip (those who see
    it). Notices already given stay: the match was real when it was made."""
    if identifier.case_id is not None:
        require_level(actor, identifier.case, AccessLevel.CONTRIBUTE)
    elif not access.visible_tips(actor).filter(pk=identifier.tip_id).exists():
        raise PermissionDenied("You do not see this tip.")
    audit_record(
        actor=actor,
        action="identifier.removed",
        target=identifier,
        changes={"kind": identifier.kind, "case": identifier.case_id, "tip": identifier.tip_id},
    )
    identifier.delete()


@transaction.atomic
def case_opt_out(*, actor, case: Case, reason: str) -> DeconflictionOptOut:
    """Mark a case "do not deconflict" (managing agencies, with a reason): from now on its
    identifiers match nothing and nothing matches them; neither side learns of it."""
    require_level(actor, case, AccessLevel.MANAGE)
    reason = (reason or "").strip() if isinstance(reason, str) else ""
    if not reason:
        raise ValidationError({"reason": "Say why this case must not be deconflicted."})
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError({"reason": f"A reason is limited to {REASON_MAX_LENGTH} characters."})
    opt_out, _ = DeconflictionOptOut.objects.update_or_create(
        case=case, defaults={"reason": reason, "set_by": actor, "set_at": timezone.now()}
    )
    audit_record(
        actor=actor, action="case.deconfliction_off", target=case, changes={"reason": reason}
    )
    return opt_out


@transaction.atomic
def case_opt_in(*, actor, case: Case) -> None:
    """Take the "do not deconflict" mark off a case (managing agencies). Identifiers added
    from then on are matched; those added while it was marked are not matched again."""
    require_level(actor, case, AccessLevel.MANAGE)
    deleted, _ = DeconflictionOptOut.objects.filter(case=case).delete()
    if deleted:
        audit_record(actor=actor, action="case.deconfliction_on", target=case)
