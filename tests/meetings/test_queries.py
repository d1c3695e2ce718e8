"""The meeting pages and the meetings API run as many queries for many meetings, answers,
action items and registrations as for one (STYLE.md rule 14): each page is read once with
one of everything, then again after more of everything is added, and the counts must be
equal."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from meetings import recurrence, services
from tests.agencies.factories import AgencyFactory, MembershipFactory, person
from tests.clock import soon
from tests.meetings.factories import (
    ActionItemFactory,
    MeetingFactory,
    RegistrationFactory,
    TrainingFactory,
)
from tests.personas import api_client, page_client

pytestmark = pytest.mark.django_db

MORE = 3
YEAR = dt.timedelta(days=366)


def queries(clients, url) -> dict[str, int]:
    """How many queries reading ``url`` runs, for each persona's client (after a first read,
    so that caches filled on first use are not counted)."""
    counts = {}
    for persona, client in clients.items():
        assert client.get(url).status_code == 200
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200, response.content[:500]
        counts[persona] = len(captured)
    return counts


def clients_of(personas, names, make=page_client):
    return {name: make(personas, name) for name in names}


def rule_starts(meeting) -> list[dt.datetime]:
    """The starts of the meeting's occurrences (found by its rule: a weekly meeting keeps its
    local time, so its UTC time moves with daylight saving)."""
    return list(recurrence.rule_starts(meeting, meeting.starts_at, meeting.starts_at + YEAR))


def new_member_agencies(personas, count: int) -> list:
    """More member agencies of TF1, each with a liaison."""
    agencies = []
    for _ in range(count):
        agency = AgencyFactory()
        MembershipFactory(task_force=personas.task_force, agency=agency)
        person(agency, role="liaison")
        agencies.append(agency)
    return agencies


@pytest.fixture
def training(personas):
    """A weekly training of TF1 still to come, with one of everything: invitations of MGR and
    INV, an action item for INV, a registration of INV's member, an occurrence cancelled."""
    training = TrainingFactory(
        actor=personas.user("coordinator"),
        task_force=personas.task_force,
        title="Interdiction training",
        starts_at=soon(3),
        ends_at=soon(3, 11),
        recurrence_rule="FREQ=WEEKLY;COUNT=20",
        invited_agencies=[personas.agency("manager"), personas.agency("invited")],
    )
    ActionItemFactory(meeting=training, assignee_agency=personas.agency("invited"))
    RegistrationFactory(user=personas.user("invited_member"), meeting=training)
    services.occurrence_cancel(
        actor=personas.user("coordinator"),
        meeting=training,
        original_start=rule_starts(training)[1],
    )
    return training


def grow_training(personas, training) -> None:
    """More invited agencies, action items, registrations and changed occurrences."""
    coordinator = personas.user("coordinator")
    agencies = new_member_agencies(personas, MORE)
    invited = [personas.agency("manager"), personas.agency("invited"), *agencies]
    services.meeting_update(actor=coordinator, meeting=training, invited_agencies=invited)
    for agency in agencies:
        services.meeting_rsvp(
            actor=coordinator, meeting=training, response="accepted", agency=agency
        )
        ActionItemFactory(meeting=training, assignee_agency=agency)
        RegistrationFactory(user=person(agency), meeting=training)
    for original_start in rule_starts(training)[2 : 2 + MORE]:
        services.occurrence_cancel(
            actor=coordinator, meeting=training, original_start=original_start
        )


def test_the_meeting_page_runs_as_many_queries_for_many_answers_items_and_registrations(
    personas, training
):
    clients = clients_of(personas, ["coordinator", "invited", "invited_member"])
    url = f"/meetings/{training.pk}/"
    one = queries(clients, url)
    grow_training(personas, training)
    assert queries(clients, url) == one


def meetings_on(personas, day: dt.date, count: int, agencies) -> None:
    """``count`` meetings of TF1 on ``day``, every other one weekly with a moved occurrence,
    each inviting ``agencies``."""
    coordinator = personas.user("coordinator")
    for i in range(count):
        starts_at = dt.datetime.combine(day, dt.time(13 + i % 6), tzinfo=dt.UTC)
        meeting = MeetingFactory(
            actor=coordinator,
            task_force=personas.task_force,
            starts_at=starts_at,
            ends_at=starts_at + dt.timedelta(minutes=45),
            recurrence_rule="FREQ=WEEKLY;COUNT=8" if i % 2 else "",
            invited_agencies=agencies,
        )
        if meeting.recurrence:
            second = rule_starts(meeting)[1]
            services.occurrence_move(
                actor=coordinator,
                meeting=meeting,
                original_start=second,
                starts_at=second + dt.timedelta(days=1),
                ends_at=second + dt.timedelta(days=1, minutes=45),
            )


@pytest.fixture
def day(personas) -> dt.date:
    """A day ten days ahead with two meetings of TF1 (one of them weekly) for MGR and INV, and
    a training open to all the day after."""
    day = soon(10).date()
    meetings_on(personas, day, 2, [personas.agency("manager"), personas.agency("invited")])
    # Every persona sees one: a training open to all.
    TrainingFactory(
        actor=personas.user("coordinator"),
        task_force=personas.task_force,
        starts_at=soon(11),
        ends_at=soon(11, 16),
        open_to_all=True,
    )
    return day


def grow_calendar(personas, day) -> None:
    agencies = [personas.agency("invited"), *new_member_agencies(personas, 3)]
    meetings_on(personas, day, 2 * MORE, agencies)
    TrainingFactory(
        actor=personas.user("coordinator"),
        task_force=personas.task_force,
        starts_at=soon(12),
        ends_at=soon(12, 16),
        open_to_all=True,
    )


def test_the_calendar_runs_as_many_queries_for_many_meetings(personas, day):
    clients = clients_of(personas, ["coordinator", "invited", "other"])
    urls = {"month": f"/meetings/?month={day:%Y-%m}", "week": f"/meetings/?view=week&week={day}"}
    one = {view: queries(clients, url) for view, url in urls.items()}
    grow_calendar(personas, day)
    assert {view: queries(clients, url) for view, url in urls.items()} == one


def test_the_dashboard_runs_as_many_queries_for_many_meetings(personas, day, training):
    clients = clients_of(personas, ["coordinator", "invited", "invited_member", "other"])
    one = queries(clients, "/")
    grow_calendar(personas, day)
    grow_training(personas, training)
    assert queries(clients, "/") == one


def test_the_meetings_list_runs_as_many_queries_for_many_meetings(personas, day, training):
    clients = clients_of(personas, ["coordinator", "invited", "other"], make=api_client)
    start = timezone.now().replace(microsecond=0)
    window = {"from": start, "to": start + dt.timedelta(days=60)}
    url = "/api/v1/meetings/?page_size=100&" + "&".join(
        f"{name}={moment.isoformat().replace('+00:00', 'Z')}" for name, moment in window.items()
    )
    one = queries(clients, url)
    grow_calendar(personas, day)
    grow_training(personas, training)
    assert queries(clients, url) == one
