"""How the meetings app answers what the floors below announce (connected in ``apps.py``).

Each receiver only calls a service of this app, inside the sender's transaction.
"""

from meetings import services


def withdraw_meetings_of_departed_agency(sender, *, membership, actor, **kwargs) -> None:
    services.invitations_end_for_task_force(
        task_force=membership.task_force, agency=membership.agency, actor=actor
    )


def retract_events_of_former_coordinator(sender, *, task_force, user, actor, **kwargs) -> None:
    services.coordinator_events_retract(user=user, task_force=task_force)


def end_registrations_of_moved_person(sender, *, user, actor, **kwargs) -> None:
    services.registrations_end_for_person(user=user, actor=actor)


def date_replay_of_case_meetings(sender, *, case, agency, expires_on, **kwargs) -> None:
    services.case_meeting_events_until(case=case, agency=agency, until=expires_on)


def withdraw_meetings_about_lost_case(sender, *, case, agency, actor, **kwargs) -> None:
    services.invitations_end_for_case(case=case, agency=agency, actor=actor)
