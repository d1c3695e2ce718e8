"""The report policy: who sees which report, and which figures it shows exactly.

- A task force's report is seen by its coordinators and by the agency admins of its current
  member agencies; an agency's own report by the people of that agency. For anyone else the
  report does not exist (404), as for every object of the portal.
- A report counts every case of its scope, whoever was given it, but shows no case number,
  title, summary or name: figures only.
- The small-number rule: in a report that covers more than the viewer's own agency (a task
  force's), a figure below ``CROSSROADS_REPORT_MIN_CELL`` (5 unless configured) is shown as
  "fewer than 5", so that a small number cannot point at a victim, a suspect or a trainee.
  Where a family of figures shows its total, a single suppressed figure of the family would
  be the total minus the others: the next smallest is suppressed with it. The agency's own
  report shows exact figures.
- The task force report depends on who reads it: the viewer's own agency's share of a
  figure is known to them exactly (their agency's report), so a figure is also hidden where
  the total minus that share is between 1 and the minimum (task force 7, own agency 5: the
  other agencies' 2 would show). The quarter series follows the same rule.
- A report that hides figures covers exactly one calendar quarter (``periods.quarter_from``):
  two ranges a day apart would give a hidden figure away by difference.
- Counts of meetings and trainings held, and of meetings each agency attended, are about
  agencies, not people, and are shown exactly.
"""

from dataclasses import dataclass

from django.conf import settings
from django.http import Http404

from agencies.access import acting_agency
from agencies.models import Agency, TaskForce, TaskForceMembership


def min_cell() -> int:
    return max(1, int(getattr(settings, "CROSSROADS_REPORT_MIN_CELL", 5)))


def suppressed_text() -> str:
    return f"fewer than {min_cell()}"


def can_see_task_force_report(user, task_force: TaskForce) -> bool:
    """Coordinators of the task force, and agency admins of its current member agencies."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if task_force.coordinators.filter(pk=user.pk).exists():
        return True
    agency = acting_agency(user)
    if agency is None or not user.profile.is_agency_admin:
        return False
    return (
        TaskForceMembership.objects.current().filter(task_force=task_force, agency=agency).exists()
    )


def task_force_report_for(user, pk) -> TaskForce:
    """The task force whose report ``user`` asks for; 404 if they may not see it (or it
    does not exist: one answer for both)."""
    try:
        task_force = TaskForce.objects.get(pk=int(pk))
    except (TaskForce.DoesNotExist, ValueError, TypeError, OverflowError) as exc:
        raise Http404 from exc
    if not can_see_task_force_report(user, task_force):
        raise Http404
    return task_force


def agency_report_for(user, pk) -> Agency:
    """The agency whose report ``user`` asks for: only their own; 404 for any other."""
    agency = acting_agency(user)
    try:
        wanted = int(pk)
    except (ValueError, TypeError, OverflowError) as exc:
        raise Http404 from exc
    if agency is None or agency.pk != wanted:
        raise Http404
    return agency


def report_task_forces(user) -> list[TaskForce]:
    """The task forces whose report ``user`` may open (for links in the navigation)."""
    if user is None or not user.is_authenticated:
        return []
    ids = set(user.coordinated_task_forces.values_list("pk", flat=True))
    agency = acting_agency(user)
    if agency is not None and user.profile.is_agency_admin:
        ids |= set(
            TaskForceMembership.objects.current()
            .filter(agency=agency)
            .values_list("task_force_id", flat=True)
        )
    return list(TaskForce.objects.filter(pk__in=ids).order_by("name"))


@dataclass(frozen=True)
class Figure:
    """One number of a report as the viewer may see it: ``value`` is ``None`` when it is
    suppressed, and ``display`` says what to show."""

    value: int | None
    suppressed: bool
    display: str

    def as_dict(self) -> dict:
        return {"value": self.value, "suppressed": self.suppressed, "display": self.display}


def exact(value: int) -> Figure:
    return Figure(value, False, f"{value:,}")


def hidden() -> Figure:
    return Figure(None, True, suppressed_text())


def shown(value: int, *, suppress: bool, own: int = 0) -> Figure:
    """``value`` as the viewer may see it, where ``suppress``: hidden below the minimum, and
    hidden where the viewer's own agency's share (``own``, which its exact report gives)
    leaves the other agencies a number between 1 and the minimum."""
    if suppress and (value < min_cell() or 0 < value - own < min_cell()):
        return hidden()
    return exact(value)


def shown_family(
    values: list[int],
    total: int,
    *,
    suppress: bool,
    owns: list[int] | None = None,
    own_total: int = 0,
) -> tuple[list[Figure], Figure]:
    """A family of figures and its total (``owns``, ``own_total``: the viewer's agency's
    share of each). Where exactly one figure is hidden and the total is shown, the total
    minus the others would give it: the smallest shown figure is hidden too."""
    owns = owns or [0] * len(values)
    figures = [shown(v, suppress=suppress, own=o) for v, o in zip(values, owns, strict=True)]
    total_figure = shown(total, suppress=suppress, own=own_total)
    hidden_count = sum(f.suppressed for f in figures)
    if suppress and hidden_count == 1 and not total_figure.suppressed:
        candidates = [i for i, f in enumerate(figures) if not f.suppressed]
        if candidates:
            smallest = min(candidates, key=lambda i: values[i])
            figures[smallest] = hidden()
    return figures, total_figure


def report_agency(user) -> Agency | None:
    """The agency whose exact report ``user`` can read beside a task force's: its share of
    each task force figure decides what that report must hide from them. None for a
    coordinator without an agency."""
    if user is None or not user.is_authenticated:
        return None
    return acting_agency(user)
