"""Joint meetings and trainings of a task force, the agencies invited, their answers,
changed or cancelled occurrences, minutes, action items, and training registrations.

Times are stored in UTC; ``timezone`` is the zone the meeting is held in, which recurrence
follows (a weekly 09:00 meeting stays at 09:00 local across daylight-saving changes).
"""

import secrets

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from agencies.models import Profession, validate_time_zone

# Length limits of what people type, the same in the forms, the API and the database: a
# title is a line, an agenda a page, minutes a few pages. They keep one careless paste from
# widening every page and calendar that lists the meeting.
TITLE_MAX_LENGTH = 200
LOCATION_MAX_LENGTH = 300
VIDEO_LINK_MAX_LENGTH = 500
AGENDA_MAX_LENGTH = 5000
TOPICS_MAX_LENGTH = 2000
MINUTES_MAX_LENGTH = 20000
SHORT_TEXT_MAX_LENGTH = 500  # answer notes, who attends, action items, reasons
RULE_MAX_LENGTH = 500
REGISTRANT_TEXT_MAX_LENGTH = 200  # a public registrant's name, organisation, job title
PHONE_MAX_LENGTH = 40


class MeetingKind(models.TextChoices):
    TASK_FORCE_MEETING = "task_force_meeting", "Task force meeting"
    CASE_REVIEW = "case_review", "Case review"
    OPERATION_BRIEFING = "operation_briefing", "Operation briefing"
    TRAINING = "training", "Training"
    OTHER = "other", "Other"


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    CANCELLED = "cancelled", "Cancelled"


class Meeting(models.Model):
    """A joint meeting or training scheduled by a coordinator of the task force.

    ``starts_at``/``ends_at`` are the first occurrence; ``recurrence`` is an RFC 5545 RRULE
    expanded in ``timezone``. ``sequence`` grows on every change (iCalendar SEQUENCE).
    A confidential meeting shows only as "Busy" in calendars. A training may be open to
    every agency in the portal (``open_to_all``) and takes registrations up to ``capacity``.
    """

    task_force = models.ForeignKey(
        "agencies.TaskForce", on_delete=models.PROTECT, related_name="meetings"
    )
    title = models.CharField(max_length=TITLE_MAX_LENGTH)
    kind = models.CharField(max_length=24, choices=MeetingKind.choices)
    agenda = models.TextField(
        blank=True, max_length=AGENDA_MAX_LENGTH, validators=[MaxLengthValidator(AGENDA_MAX_LENGTH)]
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    timezone = models.CharField(max_length=64, validators=[validate_time_zone])
    location = models.CharField(max_length=LOCATION_MAX_LENGTH, blank=True)
    video_url = models.URLField("video link", blank=True, max_length=VIDEO_LINK_MAX_LENGTH)
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="meetings"
    )
    confidential = models.BooleanField(default=False)
    recurrence = models.CharField(max_length=RULE_MAX_LENGTH, blank=True)
    status = models.CharField(
        max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.SCHEDULED
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    sequence = models.PositiveIntegerField(default=0)
    organizer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="organized_meetings"
    )
    minutes = models.TextField(
        blank=True,
        max_length=MINUTES_MAX_LENGTH,
        validators=[MaxLengthValidator(MINUTES_MAX_LENGTH)],
    )
    open_to_all = models.BooleanField(default=False)
    topics = models.TextField(
        blank=True, max_length=TOPICS_MAX_LENGTH, validators=[MaxLengthValidator(TOPICS_MAX_LENGTH)]
    )
    capacity = models.PositiveIntegerField(null=True, blank=True)
    registration_deadline = models.DateTimeField(null=True, blank=True)
    eligible_professions = models.JSONField(default=list, blank=True)
    # A training open to public registration has a page at /trainings/<public_slug>/ where
    # people without an account register (meetings.services.public).
    public_registration = models.BooleanField(default=False)
    public_slug = models.SlugField(max_length=80, unique=True, null=True, blank=True)
    organisers = models.CharField(max_length=LOCATION_MAX_LENGTH, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [
            models.Index(fields=["task_force", "starts_at"], name="meeting_tf_start"),
            models.Index(fields=["kind", "open_to_all"], name="meeting_open_kind"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="meeting_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        # This text reaches the audit trail and the admin, which people outside the meeting
        # read: it names the meeting without its title (as a case is named by its number).
        return f"Meeting {self.pk} ({self.starts_at:%Y-%m-%d})"

    def get_absolute_url(self) -> str:
        return reverse("meeting-detail", args=[self.pk])

    @property
    def version(self) -> str:
        """What If-Match compares (activity.conditional): every change raises the sequence."""
        return str(self.sequence)

    @property
    def is_training(self) -> bool:
        return self.kind == MeetingKind.TRAINING

    @property
    def is_cancelled(self) -> bool:
        return self.status == MeetingStatus.CANCELLED

    def eligible_profession_labels(self) -> list[str]:
        return [Profession(p).label for p in self.eligible_professions if p in Profession.values]


class Answer(models.TextChoices):
    """An agency's answer to an invitation."""

    PENDING = "pending", "Pending"
    ACCEPTED = "accepted", "Accepted"
    TENTATIVE = "tentative", "Tentative"
    DECLINED = "declined", "Declined"


class Invitation(models.Model):
    """An agency invited to a meeting and its answer, given by a liaison or recorded by a
    coordinator (an answer given by phone). Moving the meeting resets the answer."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="invitations")
    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, related_name="invitations"
    )
    response = models.CharField(max_length=10, choices=Answer.choices, default=Answer.PENDING)
    note = models.CharField(max_length=SHORT_TEXT_MAX_LENGTH, blank=True)
    attendees = models.CharField(
        max_length=SHORT_TEXT_MAX_LENGTH, blank=True, help_text="Who will attend."
    )
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    responded_at = models.DateTimeField(null=True, blank=True)
    recorded_by_coordinator = models.BooleanField(default=False)

    class Meta:
        ordering = ["meeting", "agency__name"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "agency"], name="one_invitation_per_agency")
        ]
        indexes = [models.Index(fields=["agency", "response"], name="invitation_agency")]

    def __str__(self) -> str:
        return f"{self.agency.short_name}: {self.response}"


class OccurrenceChange(models.Model):
    """One occurrence of a recurring meeting, cancelled or moved, identified by the start it
    had in the rule (the iCalendar RECURRENCE-ID)."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="occurrence_changes"
    )
    original_start = models.DateTimeField()
    cancelled = models.BooleanField(default=False)
    starts_at = models.DateTimeField(null=True, blank=True)
    ends_at = models.DateTimeField(null=True, blank=True)
    sequence = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["original_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "original_start"], name="one_change_per_occurrence"
            )
        ]

    def __str__(self) -> str:
        return f"{self.meeting_id} @ {self.original_start:%Y-%m-%d %H:%M}"


class ActionItem(models.Model):
    """A task agreed at a meeting: who does it (an agency), by when, and whether it is done."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="action_items")
    description = models.CharField(max_length=SHORT_TEXT_MAX_LENGTH)
    assignee_agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, related_name="action_items"
    )
    due_on = models.DateField(null=True, blank=True)
    done = models.BooleanField(default=False)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["done", "due_on", "id"]

    def __str__(self) -> str:
        return self.description[:60]


class RegistrationStatus(models.TextChoices):
    CONFIRMED = "confirmed", "Confirmed"
    WAITLISTED = "waitlisted", "Waitlisted"
    CANCELLED = "cancelled", "Cancelled"


class Registration(models.Model):
    """A person's registration for a training: a portal user (``user``), or a member of the
    public who confirmed their e-mail address (``user`` empty, the registrant's own fields
    filled). Both share one capacity and one line: past capacity they wait, and the line
    moves up, in order of registration, when someone cancels. A registrant's personal data
    is erased on request (``erased_at``); the seat, attendance and completion stay counted.
    """

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="registrations",
    )
    status = models.CharField(max_length=10, choices=RegistrationStatus.choices)
    name = models.CharField(max_length=REGISTRANT_TEXT_MAX_LENGTH, blank=True)
    email = models.EmailField(max_length=254, blank=True)
    phone = models.CharField(max_length=PHONE_MAX_LENGTH, blank=True)
    organisation = models.CharField(max_length=REGISTRANT_TEXT_MAX_LENGTH, blank=True)
    profession = models.CharField(max_length=32, choices=Profession.choices, blank=True)
    job_title = models.CharField(max_length=REGISTRANT_TEXT_MAX_LENGTH, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    erased_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "user"],
                condition=~Q(status=RegistrationStatus.CANCELLED),
                name="one_live_registration_per_person",
            ),
            # One e-mail address holds one live registration per training: registering
            # twice is one registration.
            models.UniqueConstraint(
                fields=["meeting", "email"],
                condition=~Q(status=RegistrationStatus.CANCELLED) & ~Q(email=""),
                name="one_live_registration_per_email",
            ),
        ]
        indexes = [models.Index(fields=["meeting", "status", "id"], name="registration_line")]

    def __str__(self) -> str:
        return f"Registration {self.pk} → {self.meeting_id} ({self.status})"

    @property
    def is_public(self) -> bool:
        return self.user_id is None

    @property
    def display_name(self) -> str:
        if self.user_id is not None:
            return self.user.get_full_name() or self.user.get_username()
        return self.name or "(erased)"

    @property
    def contact_email(self) -> str:
        return self.user.email if self.user_id is not None else self.email

    @property
    def organisation_name(self) -> str:
        if self.user_id is not None:
            profile = getattr(self.user, "profile", None)
            return profile.agency.name if profile is not None else ""
        return self.organisation

    @property
    def profession_value(self) -> str:
        if self.user_id is not None:
            profile = getattr(self.user, "profile", None)
            return profile.profession if profile is not None else ""
        return self.profession

    def profession_label(self) -> str:
        value = self.profession_value
        return Profession(value).label if value in Profession.values else ""


class Attendance(models.Model):
    """A registrant checked in on one day of a training (by a coordinator at the door)."""

    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="attendances"
    )
    day = models.DateField()
    checked_in_at = models.DateTimeField(auto_now_add=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["day"]
        constraints = [
            models.UniqueConstraint(fields=["registration", "day"], name="one_check_in_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.registration_id} on {self.day}"


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """A person's private calendar subscription. The token in its URL is the only key, so
    it can be rotated at any time; the old URL then answers 404."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    rotated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Calendar feed of {self.user}"

    def get_absolute_url(self) -> str:
        return reverse("calendar-feed", args=[self.token])
