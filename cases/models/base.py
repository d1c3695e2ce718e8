"""Cases a task force works together, who they are shared with, and their notes.

Who may see what is decided in ``cases/access.py`` only; these models hold the data.
"""

import datetime as dt

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from activity.clock import policy_today

# Length limits, one place for the models, the forms, the API and the services. A value past
# its limit is refused with a message that gives both numbers, never cut short.
NOTE_MAX_LENGTH = 50_000
SUMMARY_MAX_LENGTH = 10_000
TITLE_MAX_LENGTH = 200
PURPOSE_MAX_LENGTH = 500
REASON_MAX_LENGTH = 500
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def too_long(what: str, limit: int, length: int) -> str:
    """The refusal of a text past its limit: ``Notes are limited to 50,000 characters; this
    one has 50,013.``"""
    return f"{what} are limited to {limit:,} characters; this one has {length:,}."


class CaseKind(models.TextChoices):
    SEX_TRAFFICKING = "sex_trafficking", "Sex trafficking"
    LABOR_TRAFFICKING = "labor_trafficking", "Labor trafficking"
    CHILD_EXPLOITATION = "child_exploitation", "Child exploitation"
    ILLICIT_MASSAGE_BUSINESS = "illicit_massage_business", "Illicit massage business"
    OTHER = "other", "Other"


class TraffickingType(models.TextChoices):
    """The form of trafficking a case is about, as the grant reports count it."""

    SEX = "sex", "Sex trafficking"
    LABOR = "labor", "Labor trafficking"
    BOTH = "both", "Sex and labor trafficking"
    UNKNOWN = "unknown", "Not yet known"


class CaseStatus(models.TextChoices):
    OPEN = "open", "Open"
    ACTIVE = "active", "Active"
    REFERRED = "referred", "Referred"
    CLOSED = "closed", "Closed"


class CasePriority(models.TextChoices):
    LOW = "low", "Low"
    NORMAL = "normal", "Normal"
    HIGH = "high", "High"
    URGENT = "urgent", "Urgent"


class AccessLevel(models.TextChoices):
    """What an agency may do with a shared case; each level includes the ones before it."""

    VIEW = "view", "View"
    CONTRIBUTE = "contribute", "Contribute"
    MANAGE = "manage", "Manage"


class Case(models.Model):
    """A case of a task force, opened by a member agency (its lead agency).

    Agencies see it only through a share (``CaseShare``) and the object permissions that
    come with it. ``number`` is unique within the task force: PREFIX-YEAR-SEQUENCE.
    What came of it (victims, arrests, charges, ...) is kept as dated ``CaseOutcome``
    records, counts and categories only, which the reports add up per period.
    """

    task_force = models.ForeignKey(
        "agencies.TaskForce", on_delete=models.PROTECT, related_name="cases"
    )
    number = models.CharField(max_length=32)
    title = models.CharField(max_length=TITLE_MAX_LENGTH)
    kind = models.CharField(max_length=32, choices=CaseKind.choices)
    summary = models.TextField(blank=True, validators=[MaxLengthValidator(SUMMARY_MAX_LENGTH)])
    priority = models.CharField(
        max_length=8, choices=CasePriority.choices, default=CasePriority.NORMAL
    )
    status = models.CharField(max_length=8, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    status_changed_at = models.DateTimeField()
    lead_agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, related_name="led_cases"
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="opened_cases"
    )
    trafficking_type = models.CharField(
        max_length=8, choices=TraffickingType.choices, default=TraffickingType.UNKNOWN
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-id"]
        permissions = [
            ("contribute_case", "Add notes to the case"),
            ("manage_case", "Edit and share the case"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["task_force", "number"], name="case_number_per_task_force"
            )
        ]
        indexes = [
            models.Index(fields=["status"], name="case_status"),
            models.Index(fields=["kind"], name="case_kind"),
            models.Index(fields=["lead_agency"], name="case_lead_agency"),
            models.Index(fields=["-updated_at", "-id"], name="case_recent"),
            # The reports count the cases a task force opened in a period.
            models.Index(fields=["task_force", "created_at"], name="case_opened"),
            models.Index(fields=["lead_agency", "created_at"], name="case_opened_by_lead"),
        ]

    def __str__(self) -> str:
        # The number only: titles are case content, and this text reaches the audit trail
        # and the admin, which people outside the case may read.
        return self.number

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        # The lists order each agency's access rows by the case's last change; whatever
        # saves a case keeps them in step.
        update_fields = kwargs.get("update_fields")
        if update_fields is None or "updated_at" in update_fields:
            self.access.update(case_updated_at=self.updated_at)

    def get_absolute_url(self) -> str:
        return reverse("case-detail", args=[self.pk])

    @property
    def version(self) -> str:
        """What If-Match compares (activity.conditional): the last change, in microseconds."""
        return str((self.updated_at - EPOCH) // dt.timedelta(microseconds=1))


class CaseAgencyPermission(GroupObjectPermissionBase):
    """Guardian's object permission of an agency's group on a case, with a real foreign key:
    the decision on one case reads it with an indexed query, and it goes when the case goes.
    Lists read the same grants from ``CaseAccess``."""

    content_object = models.ForeignKey(Case, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        indexes = [
            models.Index(fields=["group", "permission", "content_object"], name="case_grant")
        ]


class CaseUserPermission(UserObjectPermissionBase):
    """Guardian's per-user permission on a case. Cases are shared with agencies, never with
    single people; the model exists so guardian never falls back to its generic table."""

    content_object = models.ForeignKey(Case, on_delete=models.CASCADE)


class CaseAccess(models.Model):
    """What one agency holds on one case, kept beside the grants in the shape the lists read:
    the level, the last day of a dated share, the case's last change and the newest note the
    agency may read. A list is then one range of an index of the agency's rows instead of a
    walk over every case it may see (benchmark: 3,900 cases for the largest agency).

    ``cases/access.py`` writes these rows with the grants, and with every note and case
    change; nothing else does.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="access")
    # Indexed by the unique constraint, which leads with it.
    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    level = models.CharField(max_length=12, choices=AccessLevel.choices)
    expires_on = models.DateField(null=True, blank=True)
    case_updated_at = models.DateTimeField()
    last_note_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "case"], name="one_access_per_agency")
        ]
        indexes = [
            models.Index(fields=["agency", "-case_updated_at", "-case"], name="case_access_recent"),
        ]
        # The dashboard's order (newest readable note first, cases without notes last) has
        # its index too, made by migration 0003: SQLite cannot write NULLS LAST in an index.

    def __str__(self) -> str:
        return f"{self.case_id} → {self.agency_id} ({self.level})"


class CaseStatusChange(models.Model):
    """One dated step of a case's status history."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=8, choices=CaseStatus.choices, blank=True)
    to_status = models.CharField(max_length=8, choices=CaseStatus.choices)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    changed_at = models.DateTimeField()
    reason = models.CharField(max_length=REASON_MAX_LENGTH, blank=True)

    class Meta:
        ordering = ["changed_at", "id"]

    def __str__(self) -> str:
        return f"{self.case.number}: {self.from_status or '—'} → {self.to_status}"


class CaseShareQuerySet(models.QuerySet):
    def active(self):
        return self.filter(ended_at__isnull=True)

    def expired(self, on=None):
        """Active shares past their expiry date. The lead agency's own access never
        expires, even where a date was set on it before sharing with the lead was refused."""
        on = on or policy_today()
        return (
            self.active()
            .filter(expires_on__lt=on)
            .exclude(agency_id=models.F("case__lead_agency_id"))
        )


class CaseShare(models.Model):
    """Why, since when and until when an agency has access to a case, at which level.

    The grant itself is the guardian permission rows; this record is its reason and
    history. An agency has at most one active share of a case; ended shares are kept.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="shares")
    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, related_name="case_shares"
    )
    level = models.CharField(max_length=12, choices=AccessLevel.choices)
    purpose = models.CharField(max_length=PURPOSE_MAX_LENGTH)
    expires_on = models.DateField(null=True, blank=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    granted_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    end_reason = models.CharField(max_length=200, blank=True)

    objects = CaseShareQuerySet.as_manager()

    class Meta:
        ordering = ["case", "agency__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "agency"],
                condition=Q(ended_at__isnull=True),
                name="one_active_share_per_agency",
            )
        ]
        indexes = [
            models.Index(
                fields=["expires_on"], condition=Q(ended_at__isnull=True), name="share_expiry"
            )
        ]

    def __str__(self) -> str:
        return f"{self.case.number} → {self.agency.short_name} ({self.level})"


class NoteVisibility(models.TextChoices):
    CASE = "case", "Every agency with access to the case"
    RESTRICTED = "restricted", "Only the listed agencies"


class Note(models.Model):
    """A case note. Case-wide notes are seen by every agency that can view the case;
    restricted notes only by the listed agencies (the author's always among them).

    Notes are never deleted: redaction blanks ``body`` and keeps the text in the
    revisions. ``version`` grows on every change and is the note's ETag.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    author_agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, related_name="authored_notes"
    )
    body = models.TextField(validators=[MaxLengthValidator(NOTE_MAX_LENGTH)])
    visibility = models.CharField(max_length=12, choices=NoteVisibility.choices)
    restricted_to = models.ManyToManyField(
        "agencies.Agency", blank=True, related_name="restricted_notes"
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    redacted_at = models.DateTimeField(null=True, blank=True)
    redacted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    redaction_reason = models.CharField(max_length=REASON_MAX_LENGTH, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["case", "-created_at", "-id"], name="note_timeline")]

    def __str__(self) -> str:
        return f"Note {self.pk} on {self.case.number}"

    @property
    def is_redacted(self) -> bool:
        return self.redacted_at is not None


class NoteRevision(models.Model):
    """Every version of a note as it was written: who, when, what, seen by whom."""

    note = models.ForeignKey(Note, on_delete=models.CASCADE, related_name="revisions")
    version = models.PositiveIntegerField()
    body = models.TextField()
    visibility = models.CharField(max_length=12, choices=NoteVisibility.choices)
    restricted_to = models.JSONField(default=list, help_text="Agency ids of a restricted note.")
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    edited_at = models.DateTimeField()
    change = models.CharField(max_length=16, help_text="created, edited or redacted")

    class Meta:
        ordering = ["note", "version"]
        constraints = [
            models.UniqueConstraint(fields=["note", "version"], name="one_revision_per_version")
        ]

    def __str__(self) -> str:
        return f"Note {self.note_id} v{self.version}"
