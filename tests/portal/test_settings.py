"""Settings come from the environment; each case imports them in a fresh interpreter."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
VARIABLES = [
    "DATABASE_URL",
    "REDIS_URL",
    "CHANNEL_LAYER",
    "DATABASE_POOL_MAX_SIZE",
    "DJANGO_DEBUG",
    "DJANGO_SECRET_KEY",
    "DJANGO_ALLOWED_HOSTS",
    "CROSSROADS_SITE_HOST",
]

PRINT_SETTINGS = """
import json
from django.conf import settings
db = settings.DATABASES["default"]
print(json.dumps({
    "engine": db["ENGINE"], "name": str(db["NAME"]), "host": db.get("HOST"),
    "conn_max_age": db.get("CONN_MAX_AGE"),
    "options": db.get("OPTIONS", {}),
    "layer": settings.CHANNEL_LAYERS["default"]["BACKEND"],
    "layer_hosts": settings.CHANNEL_LAYERS["default"].get("CONFIG", {}).get("hosts"),
    "layer_prefix": settings.CHANNEL_LAYERS["default"].get("CONFIG", {}).get("prefix"),
    "debug": settings.DEBUG,
}))
"""


def run(args, **env):
    # A process started as in production: not one of the suite's worker processes.
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in VARIABLES and not k.startswith("PYTEST_XDIST")
    }
    clean.update({"DJANGO_SETTINGS_MODULE": "portal.settings", **env})
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def settings_with(**env):
    result = run(["-c", "import django; django.setup()\n" + PRINT_SETTINGS], **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_the_default_is_a_sqlite_file_with_immediate_transactions_and_memory_layer():
    found = settings_with(DJANGO_DEBUG="true")
    assert found["engine"] == "django.db.backends.sqlite3"
    assert found["name"].endswith("db.sqlite3")
    assert found["options"]["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in found["options"]["init_command"]
    assert found["layer"] == "channels.layers.InMemoryChannelLayer"


def test_database_url_selects_postgresql():
    found = settings_with(DJANGO_DEBUG="true", DATABASE_URL="postgres://crx@db.internal:5432/crx")
    assert found["engine"] == "django.db.backends.postgresql"
    assert (found["name"], found["host"]) == ("crx", "db.internal")
    assert "transaction_mode" not in found["options"]


def test_postgresql_connections_come_from_a_bounded_pool_per_process():
    # Under ASGI each request runs in a new thread: persistent connections would pile up.
    found = settings_with(
        DJANGO_DEBUG="true",
        DATABASE_URL="postgres://crx@db.internal:5432/crx",
        DATABASE_POOL_MAX_SIZE="8",
    )
    assert found["conn_max_age"] == 0
    assert found["options"]["pool"]["max_size"] == 8
    assert found["options"]["pool"]["min_size"] <= 8


def test_the_pool_can_be_turned_off_for_an_external_pooler():
    found = settings_with(
        DJANGO_DEBUG="true",
        DATABASE_URL="postgres://crx@pgbouncer.internal:6432/crx",
        DATABASE_POOL_MAX_SIZE="0",
    )
    assert "pool" not in found["options"]
    assert found["conn_max_age"] == 0


def test_redis_url_selects_the_redis_channel_layer():
    found = settings_with(DJANGO_DEBUG="true", REDIS_URL="redis://cache.internal:6379/2")
    assert found["layer"] == "channels_redis.pubsub.RedisPubSubChannelLayer"
    [host] = found["layer_hosts"]
    assert host["address"] == "redis://cache.internal:6379/2"
    assert host["max_connections"] == 1000


def test_an_idle_redis_read_outlives_the_layers_blocking_receive():
    # channels-redis blocks 5 s in BZPOPMIN; a read timeout at or under that crashes
    # every idle dashboard socket with redis.TimeoutError.
    from channels_redis.core import RedisChannelLayer

    found = settings_with(DJANGO_DEBUG="true", REDIS_URL="redis://cache.internal:6379/2")
    [host] = found["layer_hosts"]
    assert host["socket_timeout"] > RedisChannelLayer.brpop_timeout


REDIS = "redis://cache.internal:6379/2"


@pytest.mark.parametrize(
    ("chosen", "backend"),
    [
        ("", "channels_redis.pubsub.RedisPubSubChannelLayer"),
        ("core", "channels_redis.core.RedisChannelLayer"),
        ("pubsub", "channels_redis.pubsub.RedisPubSubChannelLayer"),
    ],
)
def test_channel_layer_picks_the_redis_layer(chosen, backend):
    found = settings_with(DJANGO_DEBUG="true", REDIS_URL=REDIS, CHANNEL_LAYER=chosen)
    assert found["layer"] == backend


def test_the_benchmark_judges_the_layer_the_portal_runs_on():
    from django.conf import settings

    from bench.report import DEFAULT_LAYER

    found = settings_with(DJANGO_DEBUG="true", REDIS_URL=REDIS)
    assert found["layer"] == settings.REDIS_LAYERS[DEFAULT_LAYER]


def test_the_pubsub_layer_connects_to_redis_as_the_core_layer_does():
    from channels_redis.utils import create_pool, decode_hosts

    core = settings_with(DJANGO_DEBUG="true", REDIS_URL=REDIS, CHANNEL_LAYER="core")
    pubsub = settings_with(DJANGO_DEBUG="true", REDIS_URL=REDIS, CHANNEL_LAYER="pubsub")
    assert pubsub["layer_hosts"] == core["layer_hosts"]
    assert pubsub["layer_prefix"] == core["layer_prefix"] == "crossroads"
    # The pubsub layer opens its pools as create_pool does: redis-py must accept every key
    # (an unknown one fails only at the first connection, in production).
    [host] = decode_hosts(pubsub["layer_hosts"])
    made = create_pool(host).make_connection()
    assert (made.host, made.port, made.db) == ("cache.internal", 6379, 2)
    assert made.socket_timeout == host["socket_timeout"]
    assert made.socket_keepalive is True
    assert made.health_check_interval == host["health_check_interval"]


@pytest.mark.parametrize("redis_url", [REDIS, ""])
def test_an_unknown_channel_layer_stops_the_start_naming_the_choices(redis_url):
    result = run(
        ["-c", "import django; django.setup()"],
        DJANGO_DEBUG="true",
        REDIS_URL=redis_url,
        CHANNEL_LAYER="redis",
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "CHANNEL_LAYER='redis' is unknown; use one of: core, pubsub" in result.stderr


def test_production_mode_requires_a_secret_key():
    result = run(["-c", "import django; django.setup()"], DJANGO_DEBUG="false")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is required" in result.stderr


def test_debug_is_off_unless_asked_for():
    found = settings_with(DJANGO_SECRET_KEY="x" * 60)
    assert found["debug"] is False


def test_the_deploy_check_is_clean_in_production_mode():
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY="k3y-" + "8f2a9c0e1d7b6a5f4e3d2c1b0a9f8e7d6c5b4a39281706f5e4d3c2b1a0",
        DJANGO_ALLOWED_HOSTS="crossroads.example.org",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="checks the SQLite file configuration",
)
def test_a_sqlite_file_runs_in_wal_mode(tmp_path):
    result = run(
        [
            "-c",
            "import django; django.setup()\nfrom django.db import connection\n"
            "c = connection.cursor(); c.execute('PRAGMA journal_mode'); print(c.fetchone()[0])",
        ],
        DJANGO_DEBUG="true",
        DATABASE_URL=f"sqlite:///{tmp_path / 'wal.sqlite3'}",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "wal"


def site_host(**env) -> str:
    result = run(
        [
            "-c",
            "import django; django.setup()\nfrom django.conf import settings\n"
            "print(settings.CROSSROADS_SITE_HOST)",
        ],
        DJANGO_DEBUG="true",
        **env,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@pytest.mark.parametrize(
    ("allowed_hosts", "expected"),
    [
        ("crossroads.example.org,127.0.0.1", "crossroads.example.org"),
        (".example.org", "example.org"),
        ("*,portal.example.org", "portal.example.org"),
        ("*", "localhost"),
    ],
)
def test_the_calendar_host_defaults_to_the_first_usable_allowed_host(allowed_hosts, expected):
    assert site_host(DJANGO_ALLOWED_HOSTS=allowed_hosts) == expected


def test_the_calendar_host_can_be_set():
    found = site_host(DJANGO_ALLOWED_HOSTS="*", CROSSROADS_SITE_HOST="calendar.example.org")
    assert found == "calendar.example.org"


def test_each_test_process_gets_a_redis_database_of_its_own(monkeypatch):
    from portal.redis_config import for_test_worker

    monkeypatch.delenv("PYTEST_XDIST_WORKER", raising=False)
    assert for_test_worker("redis://127.0.0.1:6379/0") == "redis://127.0.0.1:6379/0"
    monkeypatch.setenv("PYTEST_XDIST_WORKER", "gw1")
    assert for_test_worker("redis://127.0.0.1:6379/0") == "redis://127.0.0.1:6379/2"
    assert for_test_worker("redis://h:6379") == "redis://h:6379/2"
    assert for_test_worker("") == ""
