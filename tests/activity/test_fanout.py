"""The on-commit fan-out: every audience group is rung at once, and one failing group neither
keeps the event from the others nor fails the write. Runs on the layer the environment
names (in-memory, or Redis when REDIS_URL is set)."""

import asyncio
import logging

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.layers import get_channel_layer

from activity import live

GROUPS = ["agency.901", "agency.902", "user.903"]
MESSAGE = {"type": "event.forward", "event": {"id": 1, "kind": "case.note_added"}}


async def listeners(layer) -> dict[str, str]:
    """A channel in each of GROUPS, as a dashboard socket of that audience has."""
    channels = {}
    for group in GROUPS:
        channels[group] = await layer.new_channel("fanout.")
        await layer.group_add(group, channels[group])
    return channels


async def received(layer, channels: dict[str, str]) -> dict[str, dict | None]:
    """What each listener got, then leaves its group (Redis keeps memberships for a day)."""
    got = {}
    for group, channel in channels.items():
        try:
            got[group] = await asyncio.wait_for(layer.receive(channel), timeout=3)
        except TimeoutError:
            got[group] = None
        await layer.group_discard(group, channel)
    return got


def test_a_send_failing_for_one_group_still_reaches_the_others(monkeypatch, caplog):
    layer = get_channel_layer()
    group_send = layer.group_send

    async def flaky(group, message):
        if group == GROUPS[0]:
            raise ConnectionError("Redis went away")
        await group_send(group, message)

    monkeypatch.setattr(layer, "group_send", flaky)

    async def scenario():
        channels = await listeners(layer)
        # As on commit: a sync caller, its send run on this loop.
        await sync_to_async(live._send)(GROUPS, MESSAGE)
        return await received(layer, channels)

    with caplog.at_level(logging.ERROR, logger="activity.live"):
        got = async_to_sync(scenario)()
    assert got == {GROUPS[0]: None, GROUPS[1]: MESSAGE, GROUPS[2]: MESSAGE}
    assert f"channel layer send to {GROUPS[0]} failed" in caplog.text
    assert "Redis went away" in caplog.text
    assert GROUPS[1] not in caplog.text


def test_the_groups_are_sent_to_concurrently(monkeypatch):
    layer = get_channel_layer()
    group_send = layer.group_send
    in_flight, peak = [0], [0]

    async def slow(group, message):
        in_flight[0] += 1
        peak[0] = max(peak[0], in_flight[0])
        await asyncio.sleep(0.05)
        await group_send(group, message)
        in_flight[0] -= 1

    monkeypatch.setattr(layer, "group_send", slow)

    async def scenario():
        channels = await listeners(layer)
        await sync_to_async(live._send)(GROUPS, MESSAGE)
        return await received(layer, channels)

    assert async_to_sync(scenario)() == dict.fromkeys(GROUPS, MESSAGE)
    assert peak[0] == len(GROUPS)


@pytest.mark.parametrize("groups", [[], GROUPS])
def test_a_send_outside_any_loop_never_raises(monkeypatch, caplog, groups):
    def unusable():
        raise RuntimeError("no event loop for the channel layer")

    monkeypatch.setattr(live, "async_to_sync", lambda _: unusable)
    live._send(groups, MESSAGE)
    assert ("channel layer send to" in caplog.text) == bool(groups)
