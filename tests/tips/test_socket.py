"""Deconfliction notices and tips over the dashboard socket: each agency hears its own
notice, with nothing of the other side; everyone else hears nothing."""

import json

import pytest
from channels.db import database_sync_to_async

from tests.portal.test_consumers import connect, frames_until_quiet, run, session_cookie, socket
from tests.tips.world import PHONE_AS_MGR_TYPES, assert_blind, secrets_of
from tips import services

pytestmark = pytest.mark.django_db(transaction=True)

LISTENERS = ["manager", "coordinator", "contributor", "viewer", "member", "other"]


def test_a_match_reaches_each_side_over_the_socket_and_nobody_else(
    personas, shared_case, other_case
):
    cookies = {p: session_cookie(personas.user(p)) for p in LISTENERS}

    async def scenario():
        sockets = {p: await connect(socket(cookies[p])) for p in LISTENERS}
        await database_sync_to_async(services.identifier_add)(
            actor=personas.user("contributor"),
            case=shared_case,
            kind="phone",
            value=PHONE_AS_MGR_TYPES,
        )
        heard = {p: await frames_until_quiet(s) for p, s in sockets.items()}
        for communicator in sockets.values():
            await communicator.disconnect()
        return heard

    heard = run(scenario)
    notices = {
        p: [f for f in frames if f["kind"] == "deconfliction.match"] for p, frames in heard.items()
    }
    assert {p for p, found in notices.items() if found} == {"manager", "coordinator", "other"}
    [mine] = notices["manager"]
    assert mine["payload"]["notice"]["other_agency"]["short_name"] == "OTH"
    assert mine["payload"]["case"]["number"] == shared_case.number
    assert_blind(json.dumps(heard["manager"]), secrets_of(other_case, knows_phone=True))
    [theirs] = notices["other"]
    assert theirs["payload"]["notice"]["other_agency"]["short_name"] == "MGR"
    assert_blind(
        json.dumps(heard["other"]), [shared_case.number, shared_case.title, "Joint work along"]
    )
    for persona in ("member", "viewer", "contributor"):
        assert_blind(json.dumps(heard[persona]), secrets_of(other_case))


def test_a_new_tip_reaches_the_coordinator_live_and_no_other_agency(personas):
    cookies = {p: session_cookie(personas.user(p)) for p in LISTENERS}

    async def scenario():
        sockets = {p: await connect(socket(cookies[p])) for p in LISTENERS}
        await database_sync_to_async(services.tip_submit_public)(
            task_force=personas.task_force, what="Seen at the bus station, late."
        )
        heard = {p: await frames_until_quiet(s) for p, s in sockets.items()}
        for communicator in sockets.values():
            await communicator.disconnect()
        return heard

    heard = run(scenario)
    assert [f["kind"] for f in heard["coordinator"]] == ["tip.received"]
    for persona in ("manager", "contributor", "viewer", "member", "other"):
        assert heard[persona] == []
