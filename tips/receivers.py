"""How the tips app answers what the floors below announce (connected in ``apps.py``).

Each receiver only calls a service of this app, inside the sender's transaction.
"""

from tips.services import cascades


def end_tips_of_departed_agency(sender, *, membership, actor, **kwargs) -> None:
    cascades.tips_end_for_agency(
        task_force=membership.task_force, agency=membership.agency, actor=actor
    )


def retract_tip_events_of_former_coordinator(sender, *, task_force, user, actor, **kwargs) -> None:
    cascades.coordinator_tip_events_retract(user=user, task_force=task_force)
