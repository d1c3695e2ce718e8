"""Training registrations: confirmed while seats remain, a waiting line after."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from activity.services import audit_record
from meetings import access, mail
from meetings.models import (
    Meeting,
    Registration,
    RegistrationStatus,
)
from meetings.services.publishing import publish_registration


@transaction.atomic
def registration_register(*, actor, meeting: Meeting) -> Registration:
    """Register the caller for a training: confirmed while seats remain, waitlisted after.
    The meeting row is locked, so concurrent registrations never exceed the capacity."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    check = access.can_register(actor, meeting)
    if not check:
        raise ValidationError(check.reason)
    held = meeting.registrations.exclude(status=RegistrationStatus.CANCELLED)
    confirmed = held.filter(status=RegistrationStatus.CONFIRMED).count()
    has_seat = meeting.capacity is None or confirmed < meeting.capacity
    registration = Registration.objects.create(
        meeting=meeting,
        user=actor,
        status=RegistrationStatus.CONFIRMED if has_seat else RegistrationStatus.WAITLISTED,
    )
    audit_record(
        actor=actor,
        action="training.registered",
        target=meeting,
        changes={"status": registration.status},
    )
    publish_registration(registration, actor=actor)
    return registration


def end_registration(registration: Registration, meeting: Meeting, *, actor) -> None:
    """Cancel a live registration; the first in line moves up into a freed seat. The
    caller holds the meeting's row lock."""
    freed_seat = registration.status == RegistrationStatus.CONFIRMED
    registration.status, registration.cancelled_at = RegistrationStatus.CANCELLED, timezone.now()
    registration.save(update_fields=["status", "cancelled_at"])
    promoted = None
    if freed_seat:
        promoted = (
            meeting.registrations.select_for_update()
            .filter(status=RegistrationStatus.WAITLISTED)
            .order_by("created_at", "id")
            .first()
        )
        if promoted is not None:
            promoted.status = RegistrationStatus.CONFIRMED
            promoted.save(update_fields=["status"])
            publish_registration(promoted, actor=actor)
            moved_up = promoted
            transaction.on_commit(lambda: mail.send_moved_up(moved_up), robust=True)
    audit_record(
        actor=actor,
        action="training.registration_cancelled",
        target=meeting,
        changes={"registration": _named(registration), "promoted": _named(promoted)},
    )


def _named(registration: Registration | None) -> str | None:
    """A registration as the audit trail names it: a portal user by username, a member of
    the public by the registration's number (their name is personal data)."""
    if registration is None:
        return None
    if registration.user_id is not None:
        return registration.user.get_username()
    return f"registration {registration.pk}"


@transaction.atomic
def registration_cancel(*, actor, registration: Registration) -> Registration:
    """Cancel a registration (the person, or a coordinator); the first in line moves up."""
    meeting = Meeting.objects.select_for_update().get(pk=registration.meeting_id)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.user_id != actor.pk and not access.is_coordinator(actor, meeting.task_force_id):
        raise PermissionDenied("Only the registered person or a coordinator cancels this.")
    if registration.status != RegistrationStatus.CANCELLED:
        end_registration(registration, meeting, actor=actor)
    return registration
