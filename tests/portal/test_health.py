import asyncio
import os

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.test import AsyncClient

from portal import health
from tests.portal.test_consumers import connect, session_cookie, socket

pytestmark = pytest.mark.django_db


def test_it_answers_200_when_database_and_channel_layer_answer(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "channel_layer": "ok"},
    }


def test_it_answers_503_when_the_channel_layer_is_down(client, settings):
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            # Nothing listens on port 1: connecting fails at once.
            "CONFIG": {"hosts": ["redis://127.0.0.1:1/0"]},
        }
    }
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "ok", "channel_layer": "unavailable"}


def test_it_answers_503_when_the_database_is_down(client, monkeypatch):
    def broken():
        raise ConnectionError("database went away")

    monkeypatch.setattr(health, "_database_answers", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == "unavailable"


def test_it_needs_no_login_and_is_never_cached(client):
    response = client.get("/healthz")
    assert "no-cache" in response["Cache-Control"]


needs_redis = pytest.mark.skipif(
    not os.environ.get("REDIS_URL"), reason="the Redis layer's blocking reads need Redis"
)


@needs_redis
def test_an_idle_receive_on_redis_outlives_the_blocking_read():
    """A dashboard socket sits idle for hours: its receive must keep waiting, not fail with
    redis.TimeoutError when the 5 s BZPOPMIN block ends."""

    async def scenario():
        layer = get_channel_layer()
        channel = await layer.new_channel("idle.")
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(layer.receive(channel), timeout=7)

    async_to_sync(scenario)()


@pytest.mark.django_db(transaction=True)
def test_health_answers_while_dashboards_hold_the_layer(personas):
    cookie = session_cookie(personas.user("viewer"))

    async def scenario():
        dashboard = await connect(socket(cookie))
        # Let the consumer settle into its blocking read of the layer.
        await asyncio.sleep(1)
        response = await AsyncClient().get("/healthz")
        await dashboard.disconnect()
        return response

    response = async_to_sync(scenario)()
    assert response.status_code == 200, response.content
    assert response.json()["checks"]["channel_layer"] == "ok"
