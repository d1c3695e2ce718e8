"""What the tips app does when the floors below announce a change (``tips/receivers.py``),
inside the sender's transaction."""

from django.db.models import Q

from activity import live
from activity.kinds import EventKind
from activity.services import audit_record
from tips.models import DeconflictionNotice, Tip, TipStatus
from tips.services.tips import publish_tip


def _retract(tips, **who) -> None:
    """Retract ``who`` from the events of ``tips`` and their notices; nothing at all when
    there are none (``live.retract`` with no subject would take every event)."""
    tips = list(tips)
    if tips:
        subjects = [*tips, *DeconflictionNotice.objects.filter(tip__in=tips)]
        live.retract(subjects=subjects, **who)


def tips_end_for_agency(*, task_force, agency, actor=None) -> None:
    """An agency that leaves a task force loses its tips: a tip assigned to it goes back to
    new (audited, published to the coordinators), and it no longer replays the events of
    the tips it recorded or was assigned, nor of their notices."""
    theirs = Tip.objects.filter(task_force=task_force).filter(
        Q(recording_agency=agency) | Q(assigned_agency=agency)
    )
    _retract(theirs, agency_ids=[agency.pk])
    open_tips = Tip.objects.select_for_update().select_related("task_force")
    for tip in open_tips.filter(
        task_force=task_force, assigned_agency=agency, status=TipStatus.ASSIGNED
    ):
        tip.assigned_agency, tip.status = None, TipStatus.NEW
        tip.save(update_fields=["assigned_agency", "status", "updated_at"])
        audit_record(
            actor=actor,
            action="tip.unassigned",
            target=tip,
            changes={"agency": [agency.pk, None], "reason": "left the task force"},
        )
        publish_tip(EventKind.TIP_TRIAGED, tip, actor=actor, status=tip.status, agency=None)


def coordinator_tip_events_retract(*, user, task_force) -> None:
    """A person who stops coordinating a task force stops replaying the events of its tips
    and of their notices (what their agency sees stays, through the agency)."""
    _retract(Tip.objects.filter(task_force=task_force), user_ids=[user.pk])
