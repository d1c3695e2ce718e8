"""Rate limits: each token, and each person's session, has its own allowance, reads and
writes counted apart; past it the API answers 429 with Retry-After in its error shape, and
the allowance comes back when the window has passed."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from cases.models import Case
from tests.conftest import bearer_client
from tests.personas import api_client
from tests.portal.test_schema_contract import conforms

pytestmark = pytest.mark.django_db


@pytest.fixture
def low_rates(settings):
    settings.API_THROTTLE_RATES = {"read": "3/min", "write": "2/min"}


def test_past_the_read_rate_a_token_gets_429_with_retry_after(personas, low_rates):
    client = bearer_client(personas.user("manager"))
    assert [client.get("/api/v1/me/").status_code for _ in range(3)] == [200, 200, 200]
    refused = client.get("/api/v1/me/")
    assert refused.status_code == 429
    assert refused.json()["code"] == "throttled"
    assert 0 < int(refused["Retry-After"]) <= 60
    schema = api_client(personas, "manager").get("/api/schema/?format=json").json()
    conforms(schema, "/api/v1/me/", "get", refused)
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=61)):
        assert client.get("/api/v1/me/").status_code == 200


def test_reads_and_writes_are_counted_apart(personas, low_rates):
    client = bearer_client(personas.user("manager"), scope="write")
    body = {"title": "Rate test", "task_force": personas.task_force.pk, "kind": "other"}
    assert [client.post("/api/v1/cases/", body).status_code for _ in range(2)] == [201, 201]
    refused = client.post("/api/v1/cases/", body)
    assert refused.status_code == 429 and "Retry-After" in refused
    assert Case.objects.count() == 2  # the refused write changed nothing
    assert client.get("/api/v1/cases/").status_code == 200  # reads still go through


def test_each_token_and_each_session_has_its_own_allowance(personas, low_rates):
    user = personas.user("manager")
    first, second = bearer_client(user), bearer_client(user)
    for _ in range(3):
        first.get("/api/v1/me/")
    assert first.get("/api/v1/me/").status_code == 429
    assert second.get("/api/v1/me/").status_code == 200
    assert api_client(personas, "manager").get("/api/v1/me/").status_code == 200
    # Another person's session is not slowed by this one's.
    session = api_client(personas, "viewer")
    for _ in range(3):
        session.get("/api/v1/me/")
    assert session.get("/api/v1/me/").status_code == 429
    assert api_client(personas, "contributor").get("/api/v1/me/").status_code == 200


def test_the_production_rates_are_set_and_every_operation_documents_429(personas, settings):
    assert settings.API_THROTTLE_RATES == {"read": "1200/min", "write": "120/min"}
    schema = api_client(personas, "manager").get("/api/schema/?format=json").json()
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            if method in ("get", "post", "patch", "delete"):
                assert "Retry-After" in operation["responses"]["429"]["headers"], (path, method)
