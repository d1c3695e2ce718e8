"""No GET writes: the one write a read may make is the audit record of the read.

``tests/conftest.py`` runs every GET and HEAD of the suite (the permission matrices of
cases, notes, meetings and pages included) under ``reads_write_nothing``; this module
shows that the guard bites, and walks the read pages and endpoints once more for every
persona of a world with a case and a meeting.
"""

import pytest
from django.test import Client

from meetings import services as meeting_services
from tests.conftest import WriteOnRead, bearer_client
from tests.meetings.test_departures import soon

pytestmark = pytest.mark.django_db


def test_the_guard_fails_a_read_that_writes(world, monkeypatch):
    from agencies import api
    from meetings.models import CalendarFeed

    def writes(self, user):
        CalendarFeed.objects.get_or_create(user=user)

    monkeypatch.setattr(api.MeSerializer, "get_calendar_feed_url", writes)
    client = Client()
    client.force_login(world.lead_liaison)
    with pytest.raises(WriteOnRead):
        client.get("/api/v1/me/")
    assert not CalendarFeed.objects.exists()


def read_urls(world, meeting) -> list[str]:
    case = world.case
    note = world.open_note
    return [
        "/",
        "/directory/",
        f"/directory/agencies/{world.agencies['manager'].pk}/",
        "/cases/",
        f"/cases/{case.pk}/",
        f"/cases/{case.pk}/access-report/",
        f"/notes/{note.pk}/revisions/",
        "/meetings/",
        "/meetings/?view=week",
        f"/meetings/{meeting.pk}/",
        f"/meetings/{meeting.pk}.ics",
        "/calendar/",
        "/api/v1/me/",
        "/api/v1/agencies/",
        "/api/v1/task-forces/",
        "/api/v1/cases/",
        f"/api/v1/cases/{case.pk}/",
        f"/api/v1/cases/{case.pk}/notes/",
        f"/api/v1/cases/{case.pk}/access/",
        f"/api/v1/cases/{case.pk}/access-report/",
        f"/api/v1/notes/{note.pk}/",
        f"/api/v1/notes/{note.pk}/revisions/",
        "/api/v1/meetings/",
        f"/api/v1/meetings/{meeting.pk}/",
        f"/api/v1/meetings/{meeting.pk}/ics",
        f"/api/v1/meetings/{meeting.pk}/registrations/",
        "/api/v1/events/",
    ]


@pytest.mark.parametrize(
    "persona", ["manager", "contributor", "viewer", "excluded", "member", "other", "token"]
)
def test_every_read_page_and_endpoint_writes_nothing(case_world, persona):
    manager = case_world.user("manager")
    case_world.task_force.coordinators.add(manager)
    meeting, _ = meeting_services.meeting_schedule(
        actor=manager,
        task_force=case_world.task_force,
        title="Case review",
        kind="training",
        starts_at=soon(3),
        ends_at=soon(3, 11),
        case=case_world.case,
        invited_agencies=[case_world.agencies["viewer"]],
    )
    if persona == "token":
        client = bearer_client(case_world.user("viewer"))
    else:
        client = Client()
        client.force_login(case_world.user(persona))
        meeting_services.feed_rotate(actor=case_world.user(persona))
    for url in read_urls(case_world, meeting):
        response = client.get(url)
        assert response.status_code in (200, 302, 403, 404), (url, response.status_code)
        assert client.head(url).status_code == response.status_code, url
