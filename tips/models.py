"""Tips a task force receives, the identifiers attached to cases and tips, and the blind
deconfliction notices their matches produce.

Who may see what is decided in ``tips/access.py`` only; these models hold the data.
"""

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from tips.display import readable

# Length limits, one place for the models, forms, API and services. Past them: refused.
TIP_TEXT_MAX_LENGTH = 5_000
TIP_FIELD_MAX_LENGTH = 300
CONTACT_MAX_LENGTH = 200
REFERENCE_MAX_LENGTH = 64
REASON_MAX_LENGTH = 500
IDENTIFIER_MAX_LENGTH = 300
# A tip carries at most this many identifiers at once.
TIP_IDENTIFIERS_MAX = 20


class TipSource(models.TextChoices):
    HOTLINE = "hotline", "Hotline referral"
    PUBLIC = "public", "Member of the public"
    PARTNER = "partner", "Partner organisation"
    OFFICER = "officer", "Officer"
    OTHER = "other", "Other"


class TipStatus(models.TextChoices):
    NEW = "new", "New"
    ASSIGNED = "assigned", "Assigned"
    DUPLICATE = "duplicate", "Duplicate"
    CLOSED = "closed", "Closed"
    CASE_OPENED = "case_opened", "Case opened"


class Tip(models.Model):
    """A tip received by a task force: from a Hotline referral, the public, a partner, an
    officer. Its task force's coordinators triage it: assign it to a member agency (which
    then sees it), mark it a duplicate, close it, and the assigned agency may turn it into
    a case. Contact details are optional and kept only as typed; no address of the sender's
    computer is stored."""

    task_force = models.ForeignKey(
        "agencies.TaskForce", on_delete=models.PROTECT, related_name="tips"
    )
    source = models.CharField(max_length=16, choices=TipSource.choices)
    reference = models.CharField(
        max_length=REFERENCE_MAX_LENGTH, blank=True, help_text="The Hotline's referral number."
    )
    received_at = models.DateTimeField()
    what = models.TextField(validators=[MaxLengthValidator(TIP_TEXT_MAX_LENGTH)])
    where = models.CharField(max_length=TIP_FIELD_MAX_LENGTH, blank=True)
    when = models.CharField(max_length=TIP_FIELD_MAX_LENGTH, blank=True)
    contact_name = models.CharField(max_length=CONTACT_MAX_LENGTH, blank=True)
    contact_phone = models.CharField(max_length=40, blank=True)
    contact_email = models.CharField(max_length=254, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Empty for a tip from the public page.",
    )
    recording_agency = models.ForeignKey(
        "agencies.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=12, choices=TipStatus.choices, default=TipStatus.NEW)
    assigned_agency = models.ForeignKey(
        "agencies.Agency",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_tips",
    )
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    close_reason = models.CharField(max_length=REASON_MAX_LENGTH, blank=True)
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["task_force", "status"], name="tip_triage"),
            models.Index(fields=["assigned_agency"], name="tip_assigned"),
            models.Index(fields=["recording_agency"], name="tip_recording"),
        ]

    def __str__(self) -> str:
        # The number only: the text is tip content, and this reaches the audit trail.
        return f"Tip {self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("tip-detail", args=[self.pk])

    @property
    def holder_id(self) -> int:
        """The agency that answers for the tip: the assigned one, else the one that recorded
        it, else the lead agency of its task force (for a public tip not yet assigned)."""
        return self.assigned_agency_id or self.recording_agency_id or self.task_force.lead_agency_id


class IdentifierKind(models.TextChoices):
    PHONE = "phone", "Phone number"
    EMAIL = "email", "E-mail address"
    ADDRESS = "address", "Street address"
    PLATE = "plate", "Vehicle plate"
    HANDLE = "handle", "Online handle"
    URL = "url", "Ad or web address"


class Identifier(models.Model):
    """A phone number, e-mail address, street address, plate, handle or URL on one case or
    one tip. ``value`` is the normalised readable value, seen only by those who see its case
    or tip; ``match_key`` is a keyed digest (HMAC-SHA256 with the server's key) of the kind
    and that value, the only thing deconfliction compares."""

    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    tip = models.ForeignKey(
        Tip, null=True, blank=True, on_delete=models.CASCADE, related_name="identifiers"
    )
    kind = models.CharField(max_length=8, choices=IdentifierKind.choices)
    value = models.CharField(max_length=IDENTIFIER_MAX_LENGTH)
    match_key = models.CharField(max_length=64)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    added_agency = models.ForeignKey(
        "agencies.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "value", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(case__isnull=False) & Q(tip__isnull=True))
                | (Q(case__isnull=True) & Q(tip__isnull=False)),
                name="identifier_on_case_or_tip",
            ),
            models.UniqueConstraint(
                fields=["case", "match_key"],
                condition=Q(case__isnull=False),
                name="one_identifier_per_case",
            ),
            models.UniqueConstraint(
                fields=["tip", "match_key"],
                condition=Q(tip__isnull=False),
                name="one_identifier_per_tip",
            ),
        ]
        indexes = [models.Index(fields=["match_key"], name="identifier_match")]

    def __str__(self) -> str:
        # The kind only: the value must not reach the audit trail's readable text.
        return f"{self.get_kind_display()} {self.pk}"

    @property
    def readable_value(self) -> str:
        """The value as people write it: a US phone number as (816) 555-0117."""
        return readable(self.kind, self.value)


class DeconflictionOptOut(models.Model):
    """A case that takes part in no match ("do not deconflict"), as covert operations
    sometimes require: neither side learns of a match. Set by a managing agency, with a
    reason, audited."""

    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=REASON_MAX_LENGTH)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Do not deconflict: case {self.case_id}"


class DeconflictionNotice(models.Model):
    """What one agency learns of a match: its own case or tip shares an identifier of a
    kind with a case or tip held by ``other_agency``. It names the kind and that agency
    (whose liaison to contact) and nothing else of the other side. ``counterpart`` links the
    other identifier only so a match is noticed once; it is never shown."""

    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    tip = models.ForeignKey(Tip, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=8, choices=IdentifierKind.choices)
    other_agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    other_is_tip = models.BooleanField(default=False)
    identifier = models.ForeignKey(
        Identifier, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    counterpart = models.ForeignKey(
        Identifier, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["identifier", "counterpart"], name="one_notice_per_match"
            )
        ]
        indexes = [
            models.Index(fields=["case", "agency"], name="notice_case"),
            models.Index(fields=["tip"], name="notice_tip"),
        ]

    def __str__(self) -> str:
        return f"Deconfliction notice {self.pk}"
