"""Shared fixtures of the whole suite: the personas (tests/personas.py) and what is built on
them, API clients, fast password hashing and the guard that no read writes."""

import re
from contextlib import contextmanager

import pytest
from django.db import connection
from django.test.client import ClientHandler
from rest_framework.test import APIClient

from agencies.services import token_issue

# Every package sees the personas without a conftest of its own.
from tests.personas import case_notes, personas, shared_case, weekly_meeting  # noqa: F401


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Real hashing costs ~0.3 s a password; the tests are about access, not hashing.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# A GET or HEAD never writes, except the audit record of a read (activity.services.audit_read).
WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)
READ_AUDIT = re.compile(r'^\s*INSERT INTO "activity_auditrecord"', re.IGNORECASE)


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
