"""Tasks on a case: who does what by when, with the history of every change."""

import datetime as dt

from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.db import models
from django.urls import reverse

from cases.models.base import EPOCH, TITLE_MAX_LENGTH, Case, NoteVisibility

TASK_DESCRIPTION_MAX_LENGTH = 10_000


class TaskStatus(models.TextChoices):
    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


class Task(models.Model):
    """A piece of work on a case, assigned to an agency that may contribute to it (and
    optionally to one person of that agency), due by a date.

    Visibility follows the rule of notes: a case-wide task is seen by every agency that
    sees the case; a restricted task only by the agencies it lists (the creating and the
    assigned agencies always among them). ``cases/access.py`` decides.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(max_length=TITLE_MAX_LENGTH)
    description = models.TextField(
        blank=True, validators=[MaxLengthValidator(TASK_DESCRIPTION_MAX_LENGTH)]
    )
    assigned_agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, related_name="assigned_tasks"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_tasks",
    )
    due_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    visibility = models.CharField(
        max_length=12, choices=NoteVisibility.choices, default=NoteVisibility.CASE
    )
    restricted_to = models.ManyToManyField(
        "agencies.Agency", blank=True, related_name="restricted_tasks"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_by_agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(fields=["assigned_agency", "status", "due_on"], name="task_agency_due"),
            models.Index(fields=["case", "status"], name="task_case_status"),
        ]

    def __str__(self) -> str:
        # No title: it is case content, and this text reaches the audit trail.
        return f"Task {self.pk} on case {self.case_id}"

    def get_absolute_url(self) -> str:
        return reverse("task-detail", args=[self.pk])

    @property
    def version(self) -> str:
        """What If-Match compares (activity.conditional): the last change, in microseconds."""
        return str((self.updated_at - EPOCH) // dt.timedelta(microseconds=1))

    @property
    def is_closed(self) -> bool:
        return self.status in (TaskStatus.DONE, TaskStatus.CANCELLED)


class TaskChange(models.Model):
    """One change of a task: who, when, and each field's value before and after
    (``{"status": ["open", "done"]}``); the first records the creation."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="changes")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    changed_by_agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField()
    change = models.CharField(max_length=16, help_text="created or edited")
    fields = models.JSONField(default=dict)
    # Who could read the task once this change was made: the history shows a change only
    # to agencies that could read the task before and after it (``work_access``).
    visibility = models.CharField(
        max_length=12, choices=NoteVisibility.choices, default=NoteVisibility.CASE
    )
    restricted_to = models.JSONField(default=list, help_text="agency ids, if restricted")

    class Meta:
        ordering = ["changed_at", "id"]

    def __str__(self) -> str:
        return f"Task {self.task_id} {self.change} at {self.changed_at:%Y-%m-%d %H:%M}"
