"""What coordinators record of a training's registrants: who was there each day, who
completed it, and, on a registrant's request, the export and erasure of their data."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from activity.services import audit_read, audit_record
from meetings import access, mail, public
from meetings.models import Attendance, Meeting, Registration, RegistrationStatus


def _locked(actor, registration: Registration) -> tuple[Meeting, Registration]:
    meeting = Meeting.objects.select_for_update().get(pk=registration.meeting_id)
    access.require_registrants(actor, meeting)
    registration = (
        Registration.objects.select_for_update(of=("self",))
        .select_related("user")
        .get(pk=registration.pk)
    )
    registration.meeting = meeting
    return meeting, registration


def _require_seat(registration: Registration) -> None:
    if registration.status != RegistrationStatus.CONFIRMED:
        raise ValidationError(
            "Only people with a seat (confirmed) are checked in or complete the training."
        )


@transaction.atomic
def attendance_record(
    *, actor, registration: Registration, day: dt.date, present: bool = True
) -> Registration:
    """Check a registrant in on one day of the training (or take the check-in back)."""
    meeting, registration = _locked(actor, registration)
    _require_seat(registration)
    days = public.training_days(meeting)
    if day not in days:
        listed = ", ".join(d.isoformat() for d in days)
        raise ValidationError({"day": f"The training meets on {listed}; not on {day}."})
    if present:
        _, changed = Attendance.objects.get_or_create(
            registration=registration, day=day, defaults={"checked_in_by": actor}
        )
    else:
        changed, _ = Attendance.objects.filter(registration=registration, day=day).delete()
    if changed:
        audit_record(
            actor=actor,
            action="training.checked_in" if present else "training.check_in_removed",
            target=meeting,
            changes={"registration": registration.pk, "day": day.isoformat()},
        )
    return registration


@transaction.atomic
def registration_complete(
    *, actor, registration: Registration, completed: bool = True, notify: bool = True
) -> Registration:
    """Mark that a registrant completed the training (checked in at least once); they are
    sent their certificate (unless ``notify`` is false: the demo's invented people). Taking
    it back withdraws the certificate."""
    meeting, registration = _locked(actor, registration)
    _require_seat(registration)
    if completed and not registration.attendances.exists():
        raise ValidationError("Check the person in on at least one day before completing.")
    if completed == (registration.completed_at is not None):
        return registration
    registration.completed_at = timezone.now() if completed else None
    registration.save(update_fields=["completed_at"])
    audit_record(
        actor=actor,
        action="training.completed" if completed else "training.completion_withdrawn",
        target=meeting,
        changes={"registration": registration.pk},
    )
    if completed and notify and registration.contact_email:
        done = registration
        transaction.on_commit(lambda: mail.send_certificate(done), robust=True)
    return registration


def registrant_data(registration: Registration) -> dict:
    """Everything the portal holds about a registrant, as it is exported to them."""
    return {
        "training": registration.meeting.title,
        "registration": registration.pk,
        "name": registration.display_name,
        "email": registration.contact_email,
        "phone": registration.phone,
        "organisation": registration.organisation_name,
        "profession": registration.profession_label(),
        "job_title": registration.job_title,
        "status": registration.status,
        "registered_at": registration.created_at.isoformat(),
        "cancelled_at": registration.cancelled_at.isoformat()
        if registration.cancelled_at
        else None,
        "days_attended": [a.day.isoformat() for a in registration.attendances.all()],
        "completed_at": registration.completed_at.isoformat()
        if registration.completed_at
        else None,
    }


def registrant_export(*, actor, registration: Registration) -> dict:
    """A registrant's data for them (a coordinator answers their request); recorded."""
    access.require_registrants(actor, registration.meeting)
    audit_read(
        actor=actor,
        action="training.registrant_exported",
        target=registration.meeting,
        changes={"registration": registration.pk},
    )
    return registrant_data(registration)


def certificate_record_download(*, actor, registration: Registration) -> None:
    """Record that a coordinator downloaded a registrant's certificate."""
    audit_read(
        actor=actor,
        action="training.certificate_downloaded",
        target=registration.meeting,
        changes={"registration": registration.pk},
    )


@transaction.atomic
def registrant_erase(*, actor, registration: Registration) -> Registration:
    """Erase a member of the public's personal data on their request: name, e-mail, phone,
    organisation and job title go; the seat, the days attended and the completion stay
    counted (as an anonymous registration), and their links stop working. A portal user's
    registration is their account's, erased with it."""
    meeting, registration = _locked(actor, registration)
    if registration.user_id is not None:
        raise ValidationError(
            "This registration belongs to a portal account; its agency's admin removes it."
        )
    if registration.erased_at is None:
        for field in ("name", "email", "phone", "organisation", "job_title"):
            setattr(registration, field, "")
        registration.erased_at = timezone.now()
        registration.save(
            update_fields=["name", "email", "phone", "organisation", "job_title", "erased_at"]
        )
        audit_record(
            actor=actor,
            action="training.registrant_erased",
            target=meeting,
            changes={"registration": registration.pk},
        )
    return registration
