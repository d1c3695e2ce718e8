"""Revoking a case tells the agency that lost it, and only that agency, by the case's id
alone: its open dashboards drop the case's notes and the case (issue 11)."""

import datetime as dt

import pytest
from channels.db import database_sync_to_async

from cases import services
from meetings import services as meeting_services
from tests.meetings.factories import MeetingFactory, next_week
from tests.portal.test_consumers import connect, frames_until_quiet, run, session_cookie, socket

pytestmark = pytest.mark.django_db(transaction=True)

WATCHERS = ["manager", "contributor", "viewer", "member", "other"]


def test_only_the_revoked_agency_hears_the_withdrawal_and_it_names_only_the_case_id(
    personas, shared_case, case_notes
):
    cookies = {p: session_cookie(personas.user(p)) for p in WATCHERS}

    async def scenario():
        sockets = {p: await connect(socket(cookies[p])) for p in WATCHERS}
        await database_sync_to_async(services.case_unshare)(
            actor=personas.user("manager"), case=shared_case, agency=personas.agency("viewer")
        )
        heard = {p: await frames_until_quiet(s) for p, s in sockets.items()}
        for s in sockets.values():
            await s.disconnect()
        return heard

    heard = run(scenario)
    assert [f["kind"] for f in heard["viewer"]] == ["case.withdrawn"]
    assert heard["viewer"][0]["payload"] == {"case": {"id": shared_case.pk}, "reason": "revoked"}
    for keeper in ("manager", "contributor"):
        kinds = [f["kind"] for f in heard[keeper]]
        assert kinds == ["case.unshared"]
        assert heard[keeper][0]["payload"]["agency"]["short_name"] == "VIEW"
    assert heard["member"] == []
    assert heard["other"] == []


def test_a_new_share_and_a_new_invitation_reach_the_agency_live(personas, shared_case):
    cookie = session_cookie(personas.user("member"))

    async def scenario():
        member = await connect(socket(cookie))
        await database_sync_to_async(services.case_share)(
            actor=personas.user("manager"),
            case=shared_case,
            agency=personas.agency("member"),
            level="view",
            purpose="MOU",
        )
        shared = await frames_until_quiet(member)
        meeting = await database_sync_to_async(MeetingFactory)(
            actor=personas.user("coordinator"),
            task_force=personas.task_force,
            title="Case review",
            starts_at=next_week(),
            ends_at=next_week() + dt.timedelta(hours=1),
            invited_agencies=[personas.agency("member")],
        )
        invited = await frames_until_quiet(member)
        await database_sync_to_async(meeting_services.meeting_cancel)(
            actor=personas.user("coordinator"), meeting=meeting
        )
        cancelled = await frames_until_quiet(member)
        await member.disconnect()
        return shared, invited, cancelled, meeting

    shared, invited, cancelled, meeting = run(scenario)
    assert [(f["kind"], f["payload"]["case"]["id"]) for f in shared] == [
        ("case.shared", shared_case.pk)
    ]
    assert [(f["kind"], f["payload"]["meeting"]["id"]) for f in invited] == [
        ("meeting.scheduled", meeting.pk)
    ]
    assert [f["kind"] for f in cancelled] == ["meeting.cancelled"]
