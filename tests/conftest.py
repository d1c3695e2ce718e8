"""Shared fixtures: API clients and the personas of the access tests."""

import re
from contextlib import contextmanager
from dataclasses import dataclass

import pytest
from django.db import connection
from django.test.client import ClientHandler
from rest_framework.test import APIClient

from agencies.models import AgencyRole, MembershipRole
from agencies.services import token_issue
from tests.agencies.factories import (
    AgencyFactory,
    MembershipFactory,
    TaskForceFactory,
    person,
)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Real hashing costs ~0.3 s a password; the tests are about access, not hashing.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


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


@dataclass
class World:
    """Two task forces. ``lead`` leads TF1 with ``partner`` as a member; ``outsider`` is
    only in TF2, led by ``other_lead``. Each agency has one liaison."""

    tf1: object
    tf2: object
    lead: object
    partner: object
    outsider: object
    other_lead: object
    lead_liaison: object
    partner_liaison: object
    outsider_liaison: object


@pytest.fixture
def world(db) -> World:
    lead = AgencyFactory(name="Lead Agency", short_name="LEAD")
    partner = AgencyFactory(name="Partner Agency", short_name="PART")
    outsider = AgencyFactory(name="Outside Agency", short_name="OUT")
    other_lead = AgencyFactory(name="Other Lead Agency", short_name="OTHER")
    tf1 = TaskForceFactory(name="Task Force One", slug="tf-one", lead_agency=lead)
    tf2 = TaskForceFactory(name="Task Force Two", slug="tf-two", lead_agency=other_lead)
    MembershipFactory(task_force=tf1, agency=partner, role=MembershipRole.MEMBER)
    MembershipFactory(task_force=tf2, agency=outsider, role=MembershipRole.AFFILIATE)
    return World(
        tf1=tf1,
        tf2=tf2,
        lead=lead,
        partner=partner,
        outsider=outsider,
        other_lead=other_lead,
        lead_liaison=person(lead, role=AgencyRole.LIAISON, username="lead.liaison"),
        partner_liaison=person(partner, role=AgencyRole.LIAISON, username="part.liaison"),
        outsider_liaison=person(outsider, role=AgencyRole.LIAISON, username="out.liaison"),
    )
