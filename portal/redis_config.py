"""What settings.py needs of Redis: the channel layer and the shared cache, or their
in-process stand-ins when REDIS_URL is unset (``make run``, the default test run)."""

import os
from urllib.parse import urlsplit, urlunsplit

# pubsub (the default; README, "Channel layer") was faster from commit to frame than core,
# which keeps a socket's messages in Redis for 60 s, past a worker's Redis blip.
REDIS_LAYERS = {
    "core": "channels_redis.core.RedisChannelLayer",
    "pubsub": "channels_redis.pubsub.RedisPubSubChannelLayer",
}


def channel_layers(env, redis_url: str, layer: str) -> dict:
    if not redis_url:
        return {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    return {
        "default": {
            "BACKEND": REDIS_LAYERS[layer],
            "CONFIG": {
                "hosts": [
                    {
                        "address": redis_url,
                        # Passed to redis-py by both layers; its default 100 is too few on core.
                        "max_connections": env.int("REDIS_MAX_CONNECTIONS", default=1000),
                        # core: an idle receive blocks 5 s in BZPOPMIN; a read timeout as
                        # short crashes idle dashboards. pubsub polls with its own 0.1 s
                        # timeout: there this bounds only PUBLISH and SUBSCRIBE.
                        "socket_timeout": env.int("REDIS_SOCKET_TIMEOUT", default=30),
                        "socket_keepalive": True,
                        # On pubsub it also PINGs the idle subscription: a dead one reconnects.
                        "health_check_interval": 30,
                    }
                ],
                "prefix": "crossroads",
                # core keeps every channel of a worker process under one Redis key, and
                # drops what a group send finds past this capacity: an event for every
                # agency is one message per agency group, all for the same key. The
                # default 100 lost half of a broadcast to 200 agencies (pubsub ignores it).
                "capacity": env.int("REDIS_CHANNEL_CAPACITY", default=2000),
            },
        }
    }


def caches(env, redis_url: str) -> dict:
    """The API's request counts (throttling) must be shared by every worker: Redis when
    there is one (CACHE_URL, else REDIS_URL), this process's memory otherwise."""
    location = for_test_worker(env.str("CACHE_URL", default="")) or redis_url
    if not location:
        return {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": location,
            "KEY_PREFIX": "crossroads-cache",
        }
    }


def for_test_worker(url: str) -> str:
    """The suite runs in several processes at once (pytest-xdist, ``make test``): each, with
    the servers it starts, gets a Redis database of its own (the next ones after the URL's),
    so one's groups and request counts never reach another's, and a test that empties the
    cache empties its own. Outside the suite the URL is as given."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not url or not worker.startswith("gw"):
        return url
    parts = urlsplit(url)
    base = int(parts.path.strip("/") or 0)
    return urlunsplit(parts._replace(path=f"/{base + 1 + int(worker[2:])}"))
