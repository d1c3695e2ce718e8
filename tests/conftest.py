"""Shared fixtures: API clients and the personas of the access tests."""

from dataclasses import dataclass

import pytest
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
