"""Reads of tasks and evidence files that depend on who asks; visibility comes from the
policy (``cases/work_access.py``)."""

from django.db import models
from django.db.models import QuerySet

from activity.clock import policy_today
from agencies.access import acting_agency
from cases import work_access
from cases.models import Case, EvidenceFile, Task, TaskStatus

OPEN_STATUSES = (TaskStatus.OPEN, TaskStatus.IN_PROGRESS)


def _with_related(tasks: QuerySet[Task]) -> QuerySet[Task]:
    return tasks.select_related(
        "case", "assigned_agency", "assignee", "created_by", "created_by_agency"
    ).prefetch_related("restricted_to")


def overdue_first(tasks: QuerySet[Task]) -> QuerySet[Task]:
    """Open tasks past their due date first, then open tasks by due date (undated last),
    then finished ones, newest change first."""
    today = policy_today()
    rank = models.Case(
        models.When(status__in=OPEN_STATUSES, due_on__lt=today, then=models.Value(0)),
        models.When(status__in=OPEN_STATUSES, then=models.Value(1)),
        default=models.Value(2),
        output_field=models.IntegerField(),
    )
    return tasks.annotate(urgency=rank).order_by(
        "urgency", models.F("due_on").asc(nulls_last=True), "-updated_at", "-id"
    )


def task_list(user, *, assigned: str = "", status: str = "") -> QuerySet[Task]:
    """The caller's visible tasks across cases; ``assigned="mine"`` keeps those assigned to
    the caller's agency; ``status`` one status, or ``"open"`` and ``"in_progress"``."""
    tasks = work_access.visible_tasks(user)
    if assigned == "mine":
        agency = acting_agency(user)
        tasks = tasks.filter(assigned_agency=agency)
    if status:
        tasks = tasks.filter(status=status)
    return overdue_first(_with_related(tasks))


def case_tasks(user, case: Case) -> QuerySet[Task]:
    """The tasks of a case the caller's agency may see, overdue first."""
    return overdue_first(_with_related(work_access.visible_tasks(user).filter(case=case)))


def case_files(user, case: Case) -> QuerySet[EvidenceFile]:
    """The evidence files of a case the caller's agency may see, newest first."""
    return (
        work_access.visible_files(user)
        .filter(case=case)
        .select_related("uploaded_by", "uploaded_by_agency", "redacted_by", "note")
        .prefetch_related("restricted_to")
        .order_by("-uploaded_at", "-id")
    )


def is_overdue(task: Task) -> bool:
    return task.status in OPEN_STATUSES and task.due_on is not None and task.due_on < policy_today()
