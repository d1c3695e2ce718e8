"""The dashboard's panels, as the live page reloads them: what the agency may see now."""

import pytest

from cases import services
from tests.cases.factories import CaseFactory
from tests.meetings.factories import MeetingFactory
from tests.personas import page_client

pytestmark = pytest.mark.django_db


def rows(personas, persona, panel, attribute):
    response = page_client(personas, persona).get(f"/dashboard/panels/{panel}/")
    assert response.status_code == 200
    return response.content.decode().count(attribute)


def test_the_cases_panel_follows_sharing(personas, shared_case):
    marker = f'data-case-id="{shared_case.pk}"'
    assert rows(personas, "viewer", "cases", marker) == 1
    assert rows(personas, "member", "cases", marker) == 0
    services.case_unshare(
        actor=personas.user("manager"), case=shared_case, agency=personas.agency("viewer")
    )
    assert rows(personas, "viewer", "cases", marker) == 0
    services.case_share(
        actor=personas.user("manager"),
        case=shared_case,
        agency=personas.agency("member"),
        level="view",
        purpose="MOU",
    )
    assert rows(personas, "member", "cases", marker) == 1


def test_the_meetings_panel_shows_a_new_invitation_and_drops_a_withdrawn_meeting(personas):
    case = CaseFactory(actor=personas.user("manager"), task_force=personas.task_force)
    services.case_share(
        actor=personas.user("manager"),
        case=case,
        agency=personas.agency("member"),
        level="view",
        purpose="MOU",
    )
    meeting = MeetingFactory(
        actor=personas.user("coordinator"),
        task_force=personas.task_force,
        case=case,
        invited_agencies=[personas.agency("manager"), personas.agency("member")],
    )
    marker = f'data-meeting-id="{meeting.pk}"'
    assert rows(personas, "member", "upcoming", marker) == 1
    assert rows(personas, "contributor", "upcoming", marker) == 0
    services.case_unshare(
        actor=personas.user("manager"), case=case, agency=personas.agency("member")
    )
    assert rows(personas, "member", "upcoming", marker) == 0


def test_an_unknown_panel_is_a_404_and_a_panel_needs_a_session(personas):
    assert page_client(personas, "viewer").get("/dashboard/panels/secrets/").status_code == 404
    response = page_client(personas, "anonymous").get("/dashboard/panels/cases/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_dashboard_page_marks_its_panels_for_live_reloads(personas, shared_case):
    html = page_client(personas, "viewer").get("/").content.decode()
    for name in ("upcoming", "trainings", "cases"):
        assert f'data-panel="{name}" data-url="/dashboard/panels/{name}/"' in html
    assert f'data-case-id="{shared_case.pk}"' in html
