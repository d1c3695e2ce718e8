"""The personas of the case access tests, built through the real services.

In one task force: ``manager`` (lead agency, opened the case), ``contributor`` and
``excluded`` (contribute), ``viewer`` (view), ``member`` (in the task force, no share).
``other`` belongs to another task force. The case has a case-wide note by the manager and a
note by the contributor restricted to manager and contributor, so ``viewer`` and
``excluded`` are excluded from it.
"""

from dataclasses import dataclass

import pytest

from agencies.models import AgencyRole
from cases import services
from cases.models import AccessLevel, NoteVisibility
from tests.agencies.factories import AgencyFactory, MembershipFactory, TaskForceFactory, person


@dataclass
class CaseWorld:
    task_force: object
    agencies: dict
    users: dict
    case: object
    open_note: object
    restricted_note: object

    def user(self, persona):
        return self.users[persona]


PERSONAS = ["manager", "contributor", "viewer", "excluded", "member", "other"]


@pytest.fixture
def case_world(db) -> CaseWorld:
    manager = AgencyFactory(name="Managing Agency", short_name="MGR")
    task_force = TaskForceFactory(name="Case Task Force", case_prefix="CTF", lead_agency=manager)
    agencies = {"manager": manager}
    for persona, short_name in [
        ("contributor", "CON"),
        ("viewer", "VIEW"),
        ("excluded", "EXC"),
        ("member", "MEM"),
    ]:
        agencies[persona] = AgencyFactory(name=f"{persona.title()} Agency", short_name=short_name)
        MembershipFactory(task_force=task_force, agency=agencies[persona])
    agencies["other"] = AgencyFactory(name="Other Task Force Agency", short_name="OTH")
    TaskForceFactory(lead_agency=agencies["other"])
    users = {
        persona: person(agency, role=AgencyRole.LIAISON, username=f"{persona}.liaison")
        for persona, agency in agencies.items()
    }
    case = services.case_open(
        actor=users["manager"],
        task_force=task_force,
        title="Motel corridor investigation",
        kind="sex_trafficking",
        summary="Joint work along I-70.",
    )
    for persona, level in [
        ("contributor", AccessLevel.CONTRIBUTE),
        ("excluded", AccessLevel.CONTRIBUTE),
        ("viewer", AccessLevel.VIEW),
    ]:
        services.case_share(
            actor=users["manager"],
            case=case,
            agency=agencies[persona],
            level=level,
            purpose="Task force MOU 2026-03",
        )
    open_note = services.note_add(
        actor=users["manager"], case=case, body="Surveillance schedule agreed."
    )
    restricted_note = services.note_add(
        actor=users["contributor"],
        case=case,
        body="Confidential informant CI-7 met on Tuesday.",
        visibility=NoteVisibility.RESTRICTED,
        restricted_to=[agencies["manager"]],
    )
    return CaseWorld(task_force, agencies, users, case, open_note, restricted_note)
