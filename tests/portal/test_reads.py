"""No GET writes: the one write a read may make is the audit record of the read.

``tests/conftest.py`` runs every GET and HEAD of the suite (the permission matrices of
cases, notes, meetings and pages included) under ``reads_write_nothing``; this module
shows that the guard bites, and walks the read pages and endpoints once more for every
persona, with the shared case, its notes and a training about the case.
"""

import pytest
from django.test import Client

from meetings import services as meeting_services
from tests.clock import soon
from tests.conftest import WriteOnRead, bearer_client
from tests.meetings.factories import TrainingFactory
from tests.personas import PEOPLE

pytestmark = pytest.mark.django_db


def test_the_guard_fails_a_read_that_writes(personas, monkeypatch):
    from agencies import api
    from meetings.models import CalendarFeed

    def writes(self, user):
        CalendarFeed.objects.get_or_create(user=user)

    monkeypatch.setattr(api.MeSerializer, "get_calendar_feed_url", writes)
    client = Client()
    client.force_login(personas.user("manager"))
    with pytest.raises(WriteOnRead):
        client.get("/api/v1/me/")
    assert not CalendarFeed.objects.exists()


def read_urls(personas, case, note, meeting) -> list[str]:
    return [
        "/",
        "/directory/",
        f"/directory/agencies/{personas.agency('manager').pk}/",
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


@pytest.mark.parametrize("persona", [*PEOPLE, "token"])
def test_every_read_page_and_endpoint_writes_nothing(personas, shared_case, case_notes, persona):
    meeting = TrainingFactory(
        actor=personas.user("coordinator"),
        task_force=personas.task_force,
        title="Case review",
        starts_at=soon(3),
        ends_at=soon(3, 11),
        case=shared_case,
        invited_agencies=[personas.agency("viewer")],
    )
    if persona == "token":
        client = bearer_client(personas.user("viewer"))
    else:
        client = Client()
        client.force_login(personas.user(persona))
        meeting_services.feed_rotate(actor=personas.user(persona))
    for url in read_urls(personas, shared_case, case_notes.open, meeting):
        response = client.get(url)
        assert response.status_code in (200, 302, 403, 404), (url, response.status_code)
        assert client.head(url).status_code == response.status_code, url
