"""Public registration for trainings: a person without an account asks to register, confirms
their e-mail address by the link they receive, and may cancel by another link.

Nothing is stored before the address is confirmed: the confirmation link carries what the
person typed, signed (``meetings.public``). Confirming takes a seat or a place in the one
line that portal users' registrations share, under the meeting's row lock. One e-mail
address holds one registration per training: confirming again returns the one it has.
"""

import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.text import slugify

from activity.services import audit_record
from agencies.models import Profession
from meetings import access, mail, public
from meetings.models import (
    LOCATION_MAX_LENGTH,
    PHONE_MAX_LENGTH,
    REGISTRANT_TEXT_MAX_LENGTH,
    Meeting,
    Registration,
    RegistrationStatus,
)
from meetings.services.publishing import publish_registration
from meetings.services.trainings import end_registration

REGISTRANT_LIMITS = {
    "name": REGISTRANT_TEXT_MAX_LENGTH,
    "email": 254,
    "phone": PHONE_MAX_LENGTH,
    "organisation": REGISTRANT_TEXT_MAX_LENGTH,
    "profession": 32,
    "job_title": REGISTRANT_TEXT_MAX_LENGTH,
}
REQUIRED = {"name", "email", "organisation", "profession", "job_title"}
FIELD_WORDS = {
    "name": "Name",
    "email": "E-mail",
    "phone": "Phone",
    "organisation": "Organisation",
    "profession": "Profession",
    "job_title": "Job title",
}
PHONE = re.compile(r"^[0-9+().\- x]*$")
CONTROL = re.compile(r"[\x00-\x1f\x7f]")
SLUG_MAX_LENGTH = 80
# Addresses under /trainings/ that are pages of their own.
RESERVED_SLUGS = {"confirm", "cancel", "certificate"}


def clean_registrant(data: dict) -> dict:
    """What a person typed, trimmed and checked: required fields, lengths (refused, never
    cut), a valid e-mail address, a phone number of digits and separators, a known
    profession. Raises ``ValidationError`` with a message per field."""
    cleaned, errors = {}, {}
    for name, limit in REGISTRANT_LIMITS.items():
        value = data.get(name, "")
        value = value.strip() if isinstance(value, str) else ""
        words = FIELD_WORDS[name]
        if name in REQUIRED and not value:
            errors[name] = f"{words} is required."
        elif len(value) > limit:
            errors[name] = f"{words} is limited to {limit} characters; this one has {len(value)}."
        elif CONTROL.search(value):
            errors[name] = f"{words} cannot contain control characters or line breaks."
        cleaned[name] = value
    if "email" not in errors:
        try:
            validate_email(cleaned["email"])
        except ValidationError:
            errors["email"] = "Enter a valid e-mail address, such as name@agency.gov."
        cleaned["email"] = cleaned["email"].lower()
    if "phone" not in errors and not PHONE.match(cleaned["phone"]):
        errors["phone"] = "A phone number has digits, spaces and + ( ) - . x only."
    if "profession" not in errors and cleaned["profession"] not in Profession.values:
        errors["profession"] = f"Choose one of: {', '.join(Profession.values)}."
    if errors:
        raise ValidationError(errors)
    return cleaned


def _check(meeting: Meeting, profession: str) -> access.RegistrationCheck:
    check = access.can_register_publicly(meeting, profession)
    if not check:
        raise ValidationError({check.field: check.reason} if check.field else check.reason)
    return check


def public_registration_request(*, meeting: Meeting, registrant: dict) -> None:
    """Check a public registration and send the confirmation link to the address given.
    Nothing is stored: the seat is taken when the link is followed. A refused request
    raises ``ValidationError`` and sends nothing."""
    registrant = clean_registrant(registrant)
    _check(meeting, registrant["profession"])
    token = public.confirm_token(meeting, registrant)
    transaction.on_commit(
        lambda: mail.send_confirm_request(meeting, registrant, token), robust=True
    )


def _take_place(
    meeting: Meeting, registrant: dict, *, actor, check, notify: bool = True
) -> Registration:
    status = RegistrationStatus.WAITLISTED if check.waitlist else RegistrationStatus.CONFIRMED
    registration = Registration.objects.create(
        meeting=meeting, user=None, status=status, **registrant
    )
    audit_record(
        actor=actor,
        action="training.registered",
        target=meeting,
        changes={"status": status, "registration": registration.pk, "public": True},
    )
    publish_registration(registration, actor=actor)
    if notify:
        transaction.on_commit(lambda: mail.send_registered(registration), robust=True)
    return registration


@transaction.atomic
def public_registration_confirm(*, token: str) -> tuple[Registration, bool]:
    """Follow a confirmation link: the registrant takes a seat, or a place on the waiting
    list, unless their address holds a registration already (then that one is returned,
    with ``False``). The meeting row is locked, so concurrent confirmations never exceed
    the capacity."""
    try:
        data = public.read_confirm_token(token)
    except public.BadLink as exc:
        raise ValidationError(str(exc)) from exc
    meeting = Meeting.objects.select_for_update().filter(pk=data.get("m")).first()
    if meeting is None or not meeting.public_registration:
        raise ValidationError("This training no longer takes public registrations.")
    registrant = clean_registrant(data)
    held = (
        meeting.registrations.filter(email=registrant["email"])
        .exclude(status=RegistrationStatus.CANCELLED)
        .first()
    )
    if held is not None:
        return held, False
    check = _check(meeting, registrant["profession"])
    return _take_place(meeting, registrant, actor=None, check=check), True


@transaction.atomic
def public_registration_cancel(*, token: str) -> Registration:
    """Follow a cancel link: the registration ends and the first in line moves up."""
    try:
        registration = public.registration_from_token(token)
    except public.BadLink as exc:
        raise ValidationError(str(exc)) from exc
    meeting = Meeting.objects.select_for_update().get(pk=registration.meeting_id)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status != RegistrationStatus.CANCELLED:
        end_registration(registration, meeting, actor=None)
    return registration


@transaction.atomic
def registrant_add(
    *, actor, meeting: Meeting, registrant: dict, notify: bool = True
) -> Registration:
    """A coordinator registers a person without an account (by phone, or a walk-in at the
    door): no deadline applies, the seats and the line do. ``notify`` sends them the
    registration mail (the demo's invented people get none)."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    access.require_coordinator(actor, meeting)
    if not meeting.is_training or meeting.is_cancelled:
        raise ValidationError("Only a training that is not cancelled takes registrations.")
    registrant = clean_registrant(registrant)
    if (
        meeting.registrations.filter(email=registrant["email"])
        .exclude(status=RegistrationStatus.CANCELLED)
        .exists()
    ):
        raise ValidationError({"email": "This e-mail address is registered already."})
    confirmed = meeting.registrations.filter(status=RegistrationStatus.CONFIRMED).count()
    full = meeting.capacity is not None and confirmed >= meeting.capacity
    return _take_place(
        meeting, registrant, actor=actor, check=access.RegistrationCheck(True, waitlist=full)
    )


@transaction.atomic
def training_set_public(
    *, actor, meeting: Meeting, public_registration: bool, slug: str = "", organisers: str = ""
) -> Meeting:
    """Open a training to public registration at ``/trainings/<slug>/`` (or close it). The
    slug is readable (letters, digits, hyphens) and unique; the organisers are named on
    the public page and on certificates."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    access.require_coordinator(actor, meeting)
    errors = {}
    if not meeting.is_training:
        errors["public_registration"] = "Only trainings take public registrations."
    elif meeting.case_id is not None and public_registration:
        errors["public_registration"] = "A meeting about a case is never public."
    slug = slugify(slug or meeting.public_slug or meeting.title)[:SLUG_MAX_LENGTH].strip("-")
    if public_registration and not slug:
        errors["slug"] = "Give the page an address of letters, digits and hyphens."
    elif slug in RESERVED_SLUGS:
        errors["slug"] = f"The address /trainings/{slug}/ is reserved: choose another."
    elif Meeting.objects.filter(public_slug=slug).exclude(pk=meeting.pk).exists():
        errors["slug"] = f"The address /trainings/{slug}/ is taken by another training."
    organisers = organisers.strip()
    if len(organisers) > LOCATION_MAX_LENGTH:
        errors["organisers"] = (
            f"Organisers are limited to {LOCATION_MAX_LENGTH} characters; "
            f"this has {len(organisers)}."
        )
    if errors:
        raise ValidationError(errors)
    meeting.public_registration = public_registration
    meeting.public_slug = slug or None
    meeting.organisers = organisers
    meeting.save(update_fields=["public_registration", "public_slug", "organisers", "updated_at"])
    audit_record(
        actor=actor,
        action="training.opened_to_public" if public_registration else "training.closed_to_public",
        target=meeting,
        changes={"slug": slug},
    )
    return meeting
