"""The personas of the whole suite: one world of agencies and their people, in which every
access test tries every endpoint, page, event and feed by each (STYLE.md rule 10).

Task Force One (``tf-one``, cases numbered ONE-YYYY-NNNN) is led by MGR; Task Force Two
(``tf-two``) is led by OTH. Each agency has a liaison, named after its agency's persona
(``manager`` is MGR's liaison, ``manager.liaison`` its username); MGR and INV have one more
person each:

============== ====== ==================================================================
persona        agency what it is
============== ====== ==================================================================
manager        MGR    the lead agency of TF1; opens the shared case and manages it
coordinator    MGR    a member of MGR (not its liaison) who coordinates TF1: schedules
                      and changes its meetings and sees all of them; answers for no
                      agency, but records an answer given by phone
contributor    CON    a member agency that contributes to the case (adds notes); wrote
                      the restricted note
viewer         VIEW   a member agency that may view the case
excluded       EXC    a member agency that contributes, left out of the restricted note
member         MEM    a member agency given nothing: no share, no invitation (the
                      outsider inside the task force)
invited        INV    a member agency invited to the weekly meeting; its liaison answers
invited_member INV    a member of INV who is not its liaison: sees the meeting, cannot
                      answer for the agency
other          OTH    the lead agency of another task force: shares nothing with TF1
anonymous      —      no session and no token (clients only)
============== ====== ==================================================================

``personas`` builds only the agencies, task forces and people, with the agencies factories
(which make what the agencies services make, without audit records or events, so that
every test's event stream starts empty). What the access tests look at is layered on
top, built through the real services and only for tests that ask for it:

- ``shared_case``: "Motel corridor investigation", opened by ``manager``, shared with CON
  and EXC (contribute) and VIEW (view);
- ``case_notes``: on that case, a case-wide note by ``manager`` and a note by
  ``contributor`` restricted to MGR and CON;
- ``weekly_meeting``: "Weekly deconfliction call", every Tuesday 09:00 America/Chicago
  from 2026-10-20, ten times, scheduled by ``coordinator`` with MGR and INV invited.
"""

from dataclasses import dataclass

import pytest
from django.test import Client
from rest_framework.test import APIClient

from agencies.models import AgencyRole, MembershipRole
from cases.models import AccessLevel, NoteVisibility
from tests.agencies.factories import AgencyFactory, MembershipFactory, TaskForceFactory, person
from tests.cases.factories import CaseFactory, CaseShareFactory, NoteFactory
from tests.clock import chicago
from tests.meetings.factories import MeetingFactory

# Agency personas: (short name, name), in the order they are made.
AGENCIES = {
    "manager": ("MGR", "Managing Agency"),
    "contributor": ("CON", "Contributing Agency"),
    "viewer": ("VIEW", "Viewing Agency"),
    "excluded": ("EXC", "Excluded Agency"),
    "member": ("MEM", "Member Agency"),
    "invited": ("INV", "Invited Agency"),
    "other": ("OTH", "Other Task Force Agency"),
}
# People personas: their agency persona and their role in it.
PEOPLE = {
    "manager": ("manager", AgencyRole.LIAISON),
    "coordinator": ("manager", AgencyRole.MEMBER),
    "contributor": ("contributor", AgencyRole.LIAISON),
    "viewer": ("viewer", AgencyRole.LIAISON),
    "excluded": ("excluded", AgencyRole.LIAISON),
    "member": ("member", AgencyRole.LIAISON),
    "invited": ("invited", AgencyRole.LIAISON),
    "invited_member": ("invited", AgencyRole.MEMBER),
    "other": ("other", AgencyRole.LIAISON),
}
USERNAMES = {
    "manager": "manager.liaison",
    "coordinator": "coordinator",
    "contributor": "contributor.liaison",
    "viewer": "viewer.liaison",
    "excluded": "excluded.liaison",
    "member": "member.liaison",
    "invited": "invited.liaison",
    "invited_member": "invited.member",
    "other": "other.liaison",
}
ANONYMOUS = "anonymous"


@dataclass
class Personas:
    task_force: object
    other_task_force: object
    agencies: dict
    users: dict

    def user(self, persona: str):
        return self.users[persona]

    def agency(self, persona: str):
        """The agency of an agency persona (``manager``, ``invited``, ...) or of a person
        (``coordinator`` is of MGR, ``invited_member`` of INV)."""
        if persona in self.agencies:
            return self.agencies[persona]
        return self.agencies[PEOPLE[persona][0]]


def build_personas() -> Personas:
    agencies = {
        persona: AgencyFactory(name=name, short_name=short_name)
        for persona, (short_name, name) in AGENCIES.items()
    }
    task_force = TaskForceFactory(
        name="Task Force One", slug="tf-one", case_prefix="ONE", lead_agency=agencies["manager"]
    )
    for persona in ("contributor", "viewer", "excluded", "member", "invited"):
        MembershipFactory(
            task_force=task_force, agency=agencies[persona], role=MembershipRole.MEMBER
        )
    other_task_force = TaskForceFactory(
        name="Task Force Two", slug="tf-two", case_prefix="TWO", lead_agency=agencies["other"]
    )
    users = {
        persona: person(agencies[agency], role=role, username=USERNAMES[persona])
        for persona, (agency, role) in PEOPLE.items()
    }
    task_force.coordinators.add(users["coordinator"])
    return Personas(task_force, other_task_force, agencies, users)


@pytest.fixture
def personas(db) -> Personas:
    return build_personas()


@pytest.fixture
def shared_case(personas):
    case = CaseFactory(
        actor=personas.user("manager"),
        task_force=personas.task_force,
        title="Motel corridor investigation",
        kind="sex_trafficking",
        summary="Joint work along I-70.",
    )
    for persona, level in [
        ("contributor", AccessLevel.CONTRIBUTE),
        ("excluded", AccessLevel.CONTRIBUTE),
        ("viewer", AccessLevel.VIEW),
    ]:
        CaseShareFactory(
            case=case,
            agency=personas.agency(persona),
            level=level,
            purpose="Task force MOU 2026-03",
        )
    return case


@dataclass
class CaseNotes:
    open: object
    restricted: object


@pytest.fixture
def case_notes(personas, shared_case) -> CaseNotes:
    return CaseNotes(
        open=NoteFactory(
            actor=personas.user("manager"),
            case=shared_case,
            body="Surveillance schedule agreed.",
        ),
        restricted=NoteFactory(
            actor=personas.user("contributor"),
            case=shared_case,
            body="Confidential informant CI-7 met on Tuesday.",
            visibility=NoteVisibility.RESTRICTED,
            restricted_to=[personas.agency("manager")],
        ),
    )


@pytest.fixture
def weekly_meeting(personas):
    return MeetingFactory(
        actor=personas.user("coordinator"),
        task_force=personas.task_force,
        title="Weekly deconfliction call",
        kind="task_force_meeting",
        starts_at=chicago(2026, 10, 20, 9),
        ends_at=chicago(2026, 10, 20, 10),
        recurrence_rule="FREQ=WEEKLY;COUNT=10",
        location="Room 4",
        agenda="Targets and overlaps",
        invited_agencies=[personas.agency("manager"), personas.agency("invited")],
    )


def page_client(personas: Personas, persona: str) -> Client:
    """A browser's client, signed in as the persona (or not, for ``anonymous``)."""
    client = Client()
    if persona != ANONYMOUS:
        client.force_login(personas.user(persona))
    return client


def api_client(personas: Personas, persona: str) -> APIClient:
    """An API client with the persona's session (or none, for ``anonymous``)."""
    client = APIClient()
    if persona != ANONYMOUS:
        client.force_login(personas.user(persona))
    return client
