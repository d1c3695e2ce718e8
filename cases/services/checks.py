"""What every case service checks first, and the live events they publish.

Payloads carry only what the whole audience may see.
"""

from django.core.exceptions import PermissionDenied

from activity import live
from agencies.access import acting_agency
from agencies.models import Agency, TaskForce, TaskForceMembership
from cases import access
from cases.models import (
    Case,
    Note,
)


def require_level(user, case: Case, needed: str) -> str:
    """The caller's level on ``case``; ``PermissionDenied`` below ``needed``."""
    level = access.agency_level(case, acting_agency(user))
    if level is None:
        raise PermissionDenied("Your agency has no access to this case.")
    if not access.has_level(level, needed):
        raise PermissionDenied(f"Your agency's access to this case does not allow this ({needed}).")
    return level


def current_member_ids(task_force: TaskForce) -> set[int]:
    """Agencies in the task force today: the only ones a case may be opened by or shared with."""
    return set(
        TaskForceMembership.objects.current()
        .filter(task_force=task_force)
        .values_list("agency_id", flat=True)
    )


# Live events: payloads carry only what the whole audience may see.


def case_ref(case: Case) -> dict:
    return {"id": case.pk, "number": case.number, "title": case.title}


def agency_ref(agency: Agency) -> dict:
    return {"id": agency.pk, "short_name": agency.short_name, "name": agency.name}


def _note_payload(note: Note) -> dict:
    return {
        "id": note.pk,
        "body": note.body,
        "visibility": note.visibility,
        "version": note.version,
        "author": note.author.get_full_name() or note.author.get_username(),
        "author_agency": agency_ref(note.author_agency),
    }


def publish_case(kind: str, case: Case, *, actor, **payload) -> None:
    live.publish(
        kind,
        subject=case,
        payload={"case": case_ref(case), **payload},
        agency_ids=access.case_agency_ids(case),
        actor=actor,
        until=access.access_until(case),
    )


def publish_note(kind: str, note: Note, *, actor) -> None:
    live.publish(
        kind,
        subject=note.case,
        detail=note,
        payload={"case": case_ref(note.case), "note": _note_payload(note)},
        agency_ids=access.note_agency_ids(note),
        actor=actor,
        until=access.access_until(note.case),
    )
