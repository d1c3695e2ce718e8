"""CHANNEL_LAYER=pubsub: the dashboard socket and the health check on channels-redis's
pub/sub layer. The suite runs on the layer the environment names; these tests switch to
pubsub with the same connection options and a prefix of their own."""

import os
import uuid

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from django.test import AsyncClient
from redis import Redis

from cases import services
from tests.portal.test_consumers import connect, frames_until_quiet, session_cookie, socket

pytestmark = pytest.mark.django_db(transaction=True)

PUBSUB = "channels_redis.pubsub.RedisPubSubChannelLayer"
REDIS_URL = os.environ.get("REDIS_URL", "")

needs_redis = pytest.mark.skipif(not REDIS_URL, reason="the pubsub layer needs Redis")


@pytest.fixture
def pubsub_prefix(settings) -> str:
    """Switches the channel layer to pubsub on REDIS_URL, with the project's host options
    (when the session runs on Redis) and a prefix no other run shares."""
    prefix = f"crossroads-test-{uuid.uuid4().hex[:8]}"
    config = settings.CHANNEL_LAYERS["default"].get("CONFIG", {})
    hosts = config.get("hosts") or [{"address": REDIS_URL}]
    settings.CHANNEL_LAYERS = {
        "default": {"BACKEND": PUBSUB, "CONFIG": {"hosts": hosts, "prefix": prefix}}
    }
    return prefix


def subscribed(prefix: str) -> list[bytes]:
    with Redis.from_url(REDIS_URL) as client:
        return client.pubsub_channels(f"{prefix}*")


def test_health_answers_503_when_the_pubsub_layers_redis_is_down(client, settings):
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": PUBSUB,
            # Nothing listens on port 1: connecting fails at once.
            "CONFIG": {"hosts": [{"address": "redis://127.0.0.1:1/0", "socket_timeout": 2}]},
        }
    }
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "ok", "channel_layer": "unavailable"}


@needs_redis
def test_health_pings_the_pubsub_hosts_and_leaves_no_subscription_behind(pubsub_prefix):
    async def scenario():
        responses = [await AsyncClient().get("/healthz") for _ in range(3)]
        # Asked while the loop, and a layer built on it, still run: a round trip through
        # the layer would leave one subscribed channel per check until the process ends.
        return responses, subscribed(pubsub_prefix)

    responses, left = async_to_sync(scenario)()
    assert [r.status_code for r in responses] == [200] * 3
    assert responses[-1].json()["checks"]["channel_layer"] == "ok"
    assert left == []


@needs_redis
def test_a_dashboard_socket_receives_a_note_event_over_pubsub(pubsub_prefix, personas, shared_case):
    cookies = {p: session_cookie(personas.user(p)) for p in ["viewer", "other"]}

    async def scenario():
        viewer = await connect(socket(cookies["viewer"]))
        outsider = await connect(socket(cookies["other"]))
        # Joining a group is a SUBSCRIBE on Redis: the layer really is the pubsub one.
        assert any(b"__group__agency." in name for name in subscribed(pubsub_prefix))
        await database_sync_to_async(services.note_add)(
            actor=personas.user("manager"), case=shared_case, body="Seen through pub/sub"
        )
        event = await viewer.receive_json_from(timeout=5)
        assert event["kind"] == "case.note_added"
        assert event["payload"]["note"]["body"] == "Seen through pub/sub"
        assert await frames_until_quiet(outsider) == []
        await viewer.disconnect()
        await outsider.disconnect()

    async_to_sync(scenario)()
