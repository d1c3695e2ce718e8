"""The world of the report tests: Task Force One's cases in the first and second quarters of
2026 with their outcomes, a training and a meeting, and a case of Task Force Two that must
never count in Task Force One's report. Every case has a title found nowhere else, so that a
test can say it appears in no report.

The reports are read on 2026-04-20 in Chicago: the current quarter is Q2 2026. Of Task
Force One's 7 arrests in Q2, MGR's case holds 6 and CON's 1: what MGR's people may see of
the task force's figure differs from what CON's admin may.
"""

import datetime as dt
from dataclasses import dataclass

import pytest
import time_machine
from django.contrib.auth import get_user_model

from cases import services
from meetings.models import Answer, Invitation, Registration, RegistrationStatus
from tests.agencies.factories import AgencyFactory, person
from tests.cases.factories import CaseFactory
from tests.clock import chicago
from tests.meetings.factories import MeetingFactory, TrainingFactory

TITLES = (
    "Zebra orchid harbour sting",
    "Quartz lantern motel ring",
    "Velvet compass labor camp",
    "Obsidian ferry route",
)
READ_AT = chicago(2026, 4, 20, 10)


@dataclass
class ReportWorld:
    personas: object
    con_admin: object
    other_admin: object
    cases: list
    # A coordinator of Task Force One with no agency: the plain small-number rule.
    lone: object


def _record(actor, case, kind, count, day, **groups):
    services.case_outcome_record(
        actor=actor, case=case, kind=kind, count=count, occurred_on=day, **groups
    )


@pytest.fixture
def report_world(personas):
    manager, contributor, other = (personas.user(p) for p in ("manager", "contributor", "other"))
    con_admin = person(personas.agency("contributor"), is_agency_admin=True, username="con.admin")
    other_admin = person(personas.agency("other"), is_agency_admin=True, username="oth.admin")
    tf1 = personas.task_force
    # Only a superuser signs in without an agency.
    lone = get_user_model().objects.create_user(username="lone.coordinator", is_superuser=True)
    tf1.coordinators.add(lone)
    with time_machine.travel(chicago(2026, 2, 10, 10), tick=False):
        q1 = CaseFactory(actor=manager, task_force=tf1, title=TITLES[0])
        _record(manager, q1, "arrests", 3, dt.date(2026, 2, 10))
    with time_machine.travel(chicago(2026, 3, 1, 10), tick=False):
        training = TrainingFactory(
            task_force=tf1,
            starts_at=chicago(2026, 4, 8, 9),
            ends_at=chicago(2026, 4, 8, 17),
            open_to_all=True,
        )
        meeting = MeetingFactory(
            task_force=tf1,
            starts_at=chicago(2026, 4, 7, 9),
            ends_at=chicago(2026, 4, 7, 10),
            invited_agencies=[personas.agency("manager"), personas.agency("invited")],
        )
    with time_machine.travel(chicago(2026, 4, 2, 10), tick=False):
        q2 = CaseFactory(actor=manager, task_force=tf1, title=TITLES[1])
        services.case_update(actor=manager, case=q2, trafficking_type="sex")
        day = dt.date(2026, 4, 2)
        _record(
            manager, q2, "victims_identified", 7, day, age_group="adult", citizenship="us_citizen"
        )
        _record(
            manager,
            q2,
            "victims_identified",
            2,
            day,
            age_group="minor",
            citizenship="foreign_national",
        )
        _record(manager, q2, "arrests", 6, day)
        _record(manager, q2, "convictions", 1, day)
        _record(manager, q2, "charges_filed", 5, day, statute="human_trafficking")
        _record(manager, q2, "charges_filed", 2, day, statute="other")
        labor = CaseFactory(actor=contributor, task_force=tf1, title=TITLES[2])
        services.case_update(actor=contributor, case=labor, trafficking_type="labor")
        _record(contributor, labor, "arrests", 1, day)
        elsewhere = CaseFactory(actor=other, task_force=personas.other_task_force, title=TITLES[3])
        _record(other, elsewhere, "arrests", 50, day)
        _record(other, elsewhere, "convictions", 40, day)
    # Six people completed the training: five officers of a municipal agency, one advocate
    # who registered on the public page.
    city = AgencyFactory(kind="municipal")
    completed = chicago(2026, 4, 8, 17)
    for index in range(5):
        Registration.objects.create(
            meeting=training,
            user=person(city, profession="law_enforcement_officer", username=f"officer{index}"),
            status=RegistrationStatus.CONFIRMED,
            completed_at=completed,
        )
    Registration.objects.create(
        meeting=training,
        name="A. Advocate",
        email="advocate@example.org",
        profession="advocate",
        status=RegistrationStatus.CONFIRMED,
        completed_at=completed,
    )
    Invitation.objects.filter(meeting=meeting, agency=personas.agency("invited")).update(
        response=Answer.ACCEPTED
    )
    with time_machine.travel(READ_AT, tick=False):
        yield ReportWorld(personas, con_admin, other_admin, [q1, q2, labor, elsewhere], lone)


def figure(report: dict, section: str, key: str) -> dict:
    found = next(s for s in report["sections"] if s["key"] == section)
    if key == "total":
        return found["total"]
    return next(f for f in found["figures"] if f["key"] == key)


def series(report: dict, key: str) -> list[dict]:
    return next(r for r in report["quarters"]["rows"] if r["key"] == key)["values"]
