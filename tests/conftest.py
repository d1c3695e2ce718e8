"""Shared fixtures of the whole suite: the personas (tests/personas.py) and what is built on
them, API clients, fast password hashing, the guard that no read writes, and the knob that
runs the session with the clock moved."""

import datetime as dt
import os
import re
from contextlib import contextmanager

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.client import ClientHandler
from rest_framework.test import APIClient

from agencies.services import token_issue
from tests.cases.evidence import evidence_dir  # noqa: F401

# Every package sees the personas without a conftest of its own.
from tests.personas import case_notes, personas, shared_case, weekly_meeting  # noqa: F401

# With CROSSROADS_TEST_CLOCK_SHIFT_HOURS set (e.g. 12, or -7.5), the whole session runs with the
# clock moved that many hours, still ticking: a test that holds only at some hours or on some
# dates then fails in CI rather than on the day someone runs it. .ci/run uses 12.
CLOCK_SHIFT = "CROSSROADS_TEST_CLOCK_SHIFT_HOURS"
shifted_clock = pytest.StashKey[time_machine.travel]()


def pytest_configure(config):
    hours = os.environ.get(CLOCK_SHIFT, "").strip()
    if hours:
        moved = dt.datetime.now(dt.UTC) + dt.timedelta(hours=float(hours))
        config.stash[shifted_clock] = time_machine.travel(moved, tick=True)
        config.stash[shifted_clock].start()


def pytest_unconfigure(config):
    if shifted_clock in config.stash:
        config.stash[shifted_clock].stop()


def pytest_report_header(config):
    if shifted_clock in config.stash:
        now = dt.datetime.now(dt.UTC)
        return f"{CLOCK_SHIFT}={os.environ[CLOCK_SHIFT]}: the clock reads {now:%Y-%m-%d %H:%M} UTC"
    return None


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Real hashing costs ~0.3 s a password; the tests are about access, not hashing.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fresh_request_counts():
    """The API's rate limits count in the cache, by token and person id, and ids come back
    from test to test: each test starts with nothing counted (and production rates)."""
    cache.clear()


# A GET or HEAD never writes, except the audit record of a read (activity.services.audit_read)
# and its seal (activity.chain.SEAL_SQL), which sets the record's place in the chain once the
# request's transaction commits: at once for a request in autocommit.
WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)
READ_AUDIT = re.compile(
    r'^\s*(INSERT INTO "activity_auditrecord"|UPDATE "activity_auditrecord" SET "seq" = )',
    re.IGNORECASE,
)


class WriteOnRead(AssertionError):
    pass


def _refuse_writes(execute, sql, params, many, context):
    if WRITE.match(sql) and not READ_AUDIT.match(sql):
        raise WriteOnRead(f"A read wrote to the database: {sql[:200]}")
    return execute(sql, params, many, context)


@contextmanager
def reads_write_nothing():
    """Fail on any write but the audit record of a read, while the block runs."""
    with connection.execute_wrapper(_refuse_writes):
        yield


@pytest.fixture(autouse=True)
def no_writes_on_reads(monkeypatch):
    """Every GET and HEAD the suite makes through Django's test clients (pages, API, feeds,
    the permission matrices) runs under ``reads_write_nothing``."""
    original = ClientHandler.get_response

    def get_response(self, request):
        if request.method in ("GET", "HEAD"):
            with reads_write_nothing():
                return original(self, request)
        return original(self, request)

    monkeypatch.setattr(ClientHandler, "get_response", get_response)


@pytest.fixture
def api_client():
    return APIClient()


def bearer_client(user, scope="read") -> APIClient:
    _, secret = token_issue(actor=None, user=user, name="test", scope=scope)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client
