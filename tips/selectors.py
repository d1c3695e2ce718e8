"""Reads of tips that depend on who asks."""

from django.db.models import QuerySet

from activity.services import audit_read
from tips import access
from tips.models import DeconflictionOptOut, Tip, TipStatus

OPEN_STATUSES = (TipStatus.NEW, TipStatus.ASSIGNED)


def tip_list(user, *, status: str = "") -> QuerySet[Tip]:
    """The tips the caller sees, newest first, with what a list shows."""
    tips = access.visible_tips(user).select_related(
        "task_force", "assigned_agency", "recording_agency"
    )
    if status:
        tips = tips.filter(status=status)
    return tips.order_by("-received_at", "-id")


def tips_to_triage(user) -> QuerySet[Tip]:
    """New tips of the task forces the caller coordinates (the dashboard's panel)."""
    return (
        Tip.objects.filter(
            task_force_id__in=access.coordinated_task_force_ids(user), status=TipStatus.NEW
        )
        .select_related("task_force")
        .order_by("-received_at", "-id")
    )


def tips_assigned(user) -> QuerySet[Tip]:
    """Open tips assigned to the caller's agency."""
    return tip_list(user, status=TipStatus.ASSIGNED).filter(
        assigned_agency_id=getattr(getattr(user, "profile", None), "agency_id", None)
    )


def tip_record_read(*, actor, tip: Tip) -> None:
    audit_read(actor=actor, action="tip.read", target=tip)


def case_opt_out(case) -> DeconflictionOptOut | None:
    """The "do not deconflict" mark of a case whose managing agency asks (checked first)."""
    return DeconflictionOptOut.objects.filter(case=case).select_related("set_by").first()
