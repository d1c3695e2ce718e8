"""Personas of the meeting tests, built through the real services.

Task force "MTF" led by LEADA: ``coordinator`` (LEADA, coordinator of MTF), ``invited``
(liaison of INV, invited), ``invited_member`` (a non-liaison of INV), ``uninvited``
(liaison of UNINV, a member agency not invited), ``other`` (liaison of another task
force's agency). The meeting is a weekly 09:00 America/Chicago meeting.
"""

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest

from agencies.models import AgencyRole
from meetings import services
from tests.agencies.factories import AgencyFactory, MembershipFactory, TaskForceFactory, person
from tests.cases.personas import case_world  # noqa: F401 - meetings about cases

CHICAGO = ZoneInfo("America/Chicago")


def chicago(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=CHICAGO)


@dataclass
class MeetingWorld:
    task_force: object
    agencies: dict
    users: dict
    meeting: object

    def user(self, persona):
        return self.users[persona]


@pytest.fixture
def meeting_world(db) -> MeetingWorld:
    lead = AgencyFactory(name="Lead Agency", short_name="LEADA")
    task_force = TaskForceFactory(name="Meeting Task Force", lead_agency=lead)
    agencies = {"coordinator": lead}
    for persona, short_name in [("invited", "INV"), ("uninvited", "UNINV")]:
        agencies[persona] = AgencyFactory(short_name=short_name)
        MembershipFactory(task_force=task_force, agency=agencies[persona])
    agencies["other"] = AgencyFactory(short_name="OTHERTF")
    TaskForceFactory(lead_agency=agencies["other"])
    users = {
        "coordinator": person(lead, username="coordinator"),
        "invited": person(agencies["invited"], role=AgencyRole.LIAISON, username="inv.liaison"),
        "invited_member": person(agencies["invited"], username="inv.member"),
        "uninvited": person(agencies["uninvited"], role=AgencyRole.LIAISON, username="un.liaison"),
        "other": person(agencies["other"], role=AgencyRole.LIAISON, username="other.liaison"),
    }
    task_force.coordinators.add(users["coordinator"])
    meeting, _ = services.meeting_schedule(
        actor=users["coordinator"],
        task_force=task_force,
        title="Weekly deconfliction call",
        kind="task_force_meeting",
        starts_at=chicago(2026, 10, 20, 9),
        ends_at=chicago(2026, 10, 20, 10),
        recurrence_rule="FREQ=WEEKLY;COUNT=10",
        location="Room 4",
        agenda="Targets and overlaps",
        invited_agencies=[lead, agencies["invited"]],
    )
    return MeetingWorld(task_force, agencies, users, meeting)
