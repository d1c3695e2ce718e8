"""What came of a case, as the task force reports it: dated counts and categories, never
identities.

Each ``CaseOutcome`` says "on this day, this many of this kind (in this group)": three
adult foreign nationals identified as victims on 12 March, two arrests on 14 March, one
human-trafficking charge filed on 2 April. A quarter counts what happened in it. A record
is never changed: a correction withdraws it (kept, with who, when and why) and records the
right figure, so the history of a case's figures stays readable.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

# Outcome counts: far above any real case, low enough that a slip of the keyboard is caught.
OUTCOME_MAX = 100_000
WITHDRAWAL_REASON_MAX_LENGTH = 500


class OutcomeKind(models.TextChoices):
    VICTIMS_IDENTIFIED = "victims_identified", "Victims identified"
    VICTIMS_REFERRED = "victims_referred", "Victims referred to services"
    ARRESTS = "arrests", "Arrests"
    CHARGES_FILED = "charges_filed", "Charges filed"
    PROSECUTIONS = "prosecutions", "Prosecutions"
    CONVICTIONS = "convictions", "Convictions"


class AgeGroup(models.TextChoices):
    ADULT = "adult", "Adult"
    MINOR = "minor", "Minor"
    UNKNOWN = "unknown", "Age not known"


class Citizenship(models.TextChoices):
    US_CITIZEN = "us_citizen", "US citizen"
    FOREIGN_NATIONAL = "foreign_national", "Foreign national"
    UNKNOWN = "unknown", "Citizenship not known"


class Statute(models.TextChoices):
    HUMAN_TRAFFICKING = "human_trafficking", "Human-trafficking statutes"
    OTHER = "other", "Other charges"


class CaseOutcome(models.Model):
    """A dated count of one kind of outcome of a case. Victims carry their group (age and
    citizenship), charges their statute; the other kinds carry neither (blank).

    ``task_force`` repeats the case's (which never changes) so that a task force's report
    reads one index range instead of joining every case.
    """

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="outcomes")
    task_force = models.ForeignKey(
        "agencies.TaskForce", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    kind = models.CharField(max_length=20, choices=OutcomeKind.choices)
    count = models.PositiveIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(OUTCOME_MAX)]
    )
    occurred_on = models.DateField()
    age_group = models.CharField(max_length=8, choices=AgeGroup.choices, blank=True)
    citizenship = models.CharField(max_length=16, choices=Citizenship.choices, blank=True)
    statute = models.CharField(max_length=20, choices=Statute.choices, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawal_reason = models.CharField(max_length=WITHDRAWAL_REASON_MAX_LENGTH, blank=True)

    class Meta:
        ordering = ["-occurred_on", "-id"]
        indexes = [
            models.Index(fields=["case", "-occurred_on"], name="outcome_case"),
            # The task force report: one range per period over the records that count.
            models.Index(
                fields=["task_force", "occurred_on"],
                condition=Q(withdrawn_at__isnull=True),
                name="outcome_task_force_period",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.count} {self.kind} on {self.occurred_on:%Y-%m-%d}"

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    def group_label(self) -> str:
        """The group of the record in words: ``Adult, foreign national``, ``Human-trafficking
        statutes``, or empty."""
        if self.kind == OutcomeKind.VICTIMS_IDENTIFIED:
            return f"{AgeGroup(self.age_group).label}, {Citizenship(self.citizenship).label}"
        if self.kind == OutcomeKind.CHARGES_FILED:
            return Statute(self.statute).label
        return ""
