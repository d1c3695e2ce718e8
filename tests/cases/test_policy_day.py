"""Access is decided on the portal's day, not on the zone a person picked for their pages.

At 07:00 UTC on Dec 3 it is Dec 3 in Chicago (the portal's zone) but still Dec 2 in Pago
Pago. A share that ran until Dec 2 has ended: for the pages as for the API, and for a note
posted from a page by someone whose zone is Pago Pago.
"""

import datetime as dt

import pytest
import time_machine

from activity.models import EventAudience
from cases.models import CaseShare, Note
from tests.personas import api_client, page_client

BEHIND = "Pacific/Pago_Pago"
MOMENT = dt.datetime(2026, 12, 3, 7, 0, tzinfo=dt.UTC)


@pytest.fixture
def ended_share(personas, shared_case):
    CaseShare.objects.filter(case=shared_case, agency=personas.agency("viewer")).update(
        expires_on=dt.date(2026, 12, 2)
    )
    return shared_case


def zone_of(personas, persona, zone):
    profile = personas.user(persona).profile
    profile.time_zone = zone
    profile.save(update_fields=["time_zone"])


def test_a_zone_behind_the_portals_does_not_reopen_an_ended_share(personas, ended_share):
    zone_of(personas, "viewer", BEHIND)
    with time_machine.travel(MOMENT, tick=False):
        page = page_client(personas, "viewer").get(f"/cases/{ended_share.pk}/")
        api = api_client(personas, "viewer").get(f"/api/v1/cases/{ended_share.pk}/")
    assert (page.status_code, api.status_code) == (404, 404)


def test_a_note_posted_from_a_zone_behind_does_not_reach_the_ended_share(personas, ended_share):
    zone_of(personas, "manager", BEHIND)
    with time_machine.travel(MOMENT, tick=False):
        response = page_client(personas, "manager").post(
            f"/cases/{ended_share.pk}/", {"body": "After the share ended.", "visibility": "case"}
        )
    assert response.status_code == 302
    note = Note.objects.get(body="After the share ended.")
    audience = EventAudience.objects.filter(
        event__kind="case.note_added", event__detail_key=f"cases.note:{note.pk}"
    ).values_list("agency_id", flat=True)
    assert personas.agency("manager").pk in audience
    assert personas.agency("viewer").pk not in audience
