"""Liveness of what the portal cannot work without: the database and the channel layer."""

import asyncio
import logging

from asgiref.sync import sync_to_async
from channels import DEFAULT_CHANNEL_LAYER
from channels.layers import get_channel_layer
from channels_redis.pubsub import RedisPubSubChannelLayer
from channels_redis.utils import create_pool, decode_hosts
from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from redis.asyncio import Redis

logger = logging.getLogger(__name__)

CHECK_TIMEOUT_SECONDS = 3


def _database_answers() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


async def _pubsub_hosts_answer() -> None:
    """Ping each Redis host of the pubsub layer's config on a connection of its own. A round
    trip through the layer would leave a subscribed channel behind at every check: the layer
    unsubscribes only when a receive is cancelled."""
    config = settings.CHANNEL_LAYERS[DEFAULT_CHANNEL_LAYER].get("CONFIG", {})
    for host in decode_hosts(config.get("hosts")):
        client = Redis(connection_pool=create_pool(host))
        try:
            await client.ping()
        finally:
            await client.aclose(close_connection_pool=True)


async def _channel_layer_answers() -> None:
    layer = get_channel_layer()
    if layer is None:
        raise RuntimeError("no channel layer configured")
    # Before hasattr: the pubsub layer forwards any attribute to a layer it builds per loop.
    if isinstance(layer, RedisPubSubChannelLayer):
        await _pubsub_hosts_answer()
        return
    if hasattr(layer, "ring_size"):
        # channels-redis: ask every Redis host directly. A round trip through the layer
        # would wait for the process's single receive lock, which the dashboards' blocking
        # reads hold, and report a busy, healthy worker as down.
        for index in range(layer.ring_size):
            await layer.connection(index).ping()
        return
    # The in-memory layer has no lock to contend for: a round trip is what live updates use.
    channel = await layer.new_channel("healthz.")
    await layer.send(channel, {"type": "healthz.ping"})
    message = await layer.receive(channel)
    if message.get("type") != "healthz.ping":
        raise RuntimeError("channel layer returned a different message")


async def _check(name, awaitable) -> str:
    try:
        await asyncio.wait_for(awaitable, timeout=CHECK_TIMEOUT_SECONDS)
    except Exception:
        logger.exception("health check failed: %s", name)
        return "unavailable"
    return "ok"


@never_cache
@require_GET
async def healthz(request):
    """200 when the database and the channel layer answer, 503 otherwise."""
    checks = {
        "database": await _check("database", sync_to_async(_database_answers)()),
        "channel_layer": await _check("channel_layer", _channel_layer_answers()),
    }
    healthy = all(state == "ok" for state in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "checks": checks},
        status=200 if healthy else 503,
    )
