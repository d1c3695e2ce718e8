"""What the agencies app announces to the floors above it.

Each signal is sent by a service of ``agencies/services.py`` inside its transaction, after
its own writes; receivers in higher apps (connected in their ``AppConfig.ready()``) call
their own services, in the same transaction, so a failure rolls the whole change back.
Every receiver takes ``actor`` (the person acting, ``None`` for the system).
"""

from django.dispatch import Signal

membership_ended = Signal()
"""An agency's membership of a task force ended (``left_on`` set).

Sent by ``membership_end`` with ``membership`` (its ``task_force`` and ``agency``) and
``actor``. Membership opens no case and no meeting, but leaving closes them: the cases app
ends the agency's shares of the task force's cases, the meetings app withdraws its meetings,
the tips app unassigns the tips assigned to it and retracts its tips' events.
The agency's coordinators have stepped down already (``coordinator_removed`` for each).
"""

coordinator_removed = Signal()
"""A person stopped coordinating a task force.

Sent by ``coordinator_remove``, ``membership_end`` (the leaving agency's coordinators) and
``person_change_agency`` (task forces the new agency is not in), with ``task_force``,
``user`` and ``actor``. The meetings app stops replaying the task force's meetings to the
person (what their agency was invited to stays, through the agency), the tips app its tips'
and their deconfliction notices' events.
"""

person_moved = Signal()
"""A person moved to another agency.

Sent by ``person_change_agency`` with ``user``, ``old_agency``, ``new_agency`` and ``actor``,
after the coordinator roles the new agency does not carry have ended. The meetings app ends
the person's registrations for trainings the new agency does not see.
"""
