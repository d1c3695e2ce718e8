"""How the cases app answers what the floors below announce (connected in ``apps.py``)."""

from cases import services


def end_shares_of_departed_agency(sender, *, membership, actor, **kwargs) -> None:
    """Membership opens no case, but leaving the task force closes its cases."""
    services.case_shares_end_for_agency(
        actor=actor, agency=membership.agency, task_force=membership.task_force
    )
