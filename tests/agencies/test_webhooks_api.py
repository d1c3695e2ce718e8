"""The webhooks API: only the agency's admins see and manage its endpoints (404 for anyone
else, 403 on the collection for people who are not admins, 403 for a read token), every
change audited, every answer what the schema says."""

import pytest
from django.utils import timezone

from activity.models import AuditRecord
from agencies.models import WebhookAttempt, WebhookEndpoint
from agencies.webhooks import signing
from tests.agencies.factories import person
from tests.conftest import bearer_client
from tests.personas import api_client
from tests.portal.test_schema_contract import conforms

pytestmark = pytest.mark.django_db

LIST = "/api/v1/webhooks/"
ONE = "/api/v1/webhooks/{id}/"


@pytest.fixture
def schema(personas):
    return api_client(personas, "manager").get("/api/schema/?format=json").json()


@pytest.fixture
def local(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS = True


@pytest.fixture
def admin(personas):
    return person(personas.agency("manager"), is_agency_admin=True, username="mgr.admin")


@pytest.fixture
def other_admin(personas):
    return person(personas.agency("other"), is_agency_admin=True, username="oth.admin")


def client_of(user):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_login(user)
    return client


def create(client, url="http://127.0.0.1:9/hook", kinds=("case.note_added",)):
    return client.post(LIST, {"url": url, "kinds": list(kinds), "description": "RMS"})


def test_an_admin_registers_an_endpoint_and_sees_the_secret_once(schema, admin, local):
    client = client_of(admin)
    response = create(client)
    assert response.status_code == 201, response.json()
    conforms(schema, LIST, "post", response)
    body = response.json()
    assert body["secret"].startswith("whsec_") and body["secret_prefix"] == body["secret"][:12]
    endpoint = WebhookEndpoint.objects.get(pk=body["id"])
    assert signing.decrypt(endpoint.secret_encrypted) == body["secret"]
    assert body["secret"] not in endpoint.secret_encrypted
    record = AuditRecord.objects.get(action="webhook.created")
    assert body["secret"] not in str(record.changes)

    one = client.get(ONE.format(id=endpoint.pk))
    assert one.status_code == 200 and "secret" not in one.json()
    conforms(schema, ONE, "get", one)
    listing = client.get(LIST)
    assert [w["id"] for w in listing.json()["results"]] == [endpoint.pk]
    conforms(schema, LIST, "get", listing)


def test_changes_rotation_log_and_deletion(schema, admin, local):
    client = client_of(admin)
    endpoint_id = create(client).json()["id"]
    url = ONE.format(id=endpoint_id)

    changed = client.patch(url, {"kinds": ["meeting.scheduled"], "enabled": False})
    assert changed.status_code == 200
    conforms(schema, ONE, "patch", changed)
    assert changed.json()["kinds"] == ["meeting.scheduled"] and not changed.json()["enabled"]

    rotated = client.post(f"{url}rotate-secret/")
    assert rotated.status_code == 200
    conforms(schema, "/api/v1/webhooks/{id}/rotate-secret/", "post", rotated)
    endpoint = WebhookEndpoint.objects.get(pk=endpoint_id)
    assert signing.decrypt(endpoint.secret_encrypted) == rotated.json()["secret"]

    for n in range(3):
        WebhookAttempt.objects.create(
            endpoint=endpoint,
            event_id=n + 1,
            event_kind="meeting.scheduled",
            attempted_at=timezone.now(),
            status_code=500,
            error="HTTP 500",
        )
    log = client.get(f"{url}deliveries/?page_size=2")
    assert log.status_code == 200
    conforms(schema, "/api/v1/webhooks/{id}/deliveries/", "get", log)
    assert [a["event_id"] for a in log.json()["results"]] == [3, 2]
    assert client.get(log.json()["next"]).json()["results"][0]["event_id"] == 1
    listed = client.get(url).json()
    assert listed["last_delivery"]["status_code"] == 500

    deleted = client.delete(url)
    assert deleted.status_code == 204
    assert not WebhookEndpoint.objects.filter(pk=endpoint_id).exists()
    actions = set(AuditRecord.objects.values_list("action", flat=True))
    assert {"webhook.updated", "webhook.secret_rotated", "webhook.deleted"} <= actions


def test_other_agencies_admins_and_non_admins_find_nothing(
    schema, personas, admin, other_admin, local
):
    endpoint_id = create(client_of(admin)).json()["id"]
    url = ONE.format(id=endpoint_id)
    for user in (other_admin, personas.user("manager")):
        client = client_of(user)
        for method, path, answer in [
            ("get", ONE, client.get(url)),
            ("patch", ONE, client.patch(url, {"enabled": False})),
            ("delete", ONE, client.delete(url)),
            (
                "post",
                "/api/v1/webhooks/{id}/rotate-secret/",
                client.post(f"{url}rotate-secret/"),
            ),
            ("get", "/api/v1/webhooks/{id}/deliveries/", client.get(f"{url}deliveries/")),
        ]:
            assert answer.status_code == 404, (user.username, method, path)
            conforms(schema, path, method, answer)
    assert client_of(other_admin).get(LIST).json()["results"] == []
    refused = client_of(personas.user("manager")).get(LIST)
    assert refused.status_code == 403
    conforms(schema, LIST, "get", refused)
    assert create(client_of(personas.user("manager"))).status_code == 403
    assert WebhookEndpoint.objects.get(pk=endpoint_id).enabled


@pytest.mark.parametrize("scope", ["read", "write"])
def test_a_token_changes_nothing(schema, admin, local, scope):
    # A leaked token must not point the agency's events elsewhere: only a session changes.
    endpoint_id = create(client_of(admin)).json()["id"]
    reader = bearer_client(admin, scope=scope)
    assert reader.get(ONE.format(id=endpoint_id)).status_code == 200
    for method, path, answer in [
        ("post", LIST, create(reader)),
        ("patch", ONE, reader.patch(ONE.format(id=endpoint_id), {"enabled": False})),
        ("delete", ONE, reader.delete(ONE.format(id=endpoint_id))),
    ]:
        assert answer.status_code == 403, (method, path)
        conforms(schema, path, method, answer)
    assert WebhookEndpoint.objects.count() == 1
    assert WebhookEndpoint.objects.get().enabled


def test_bad_input_answers_400_with_the_field(schema, admin):
    client = client_of(admin)
    for body in [
        {"url": "https://127.0.0.1/hook", "kinds": ["case.note_added"]},
        {"url": "https://hooks.example.org/", "kinds": []},
        {"url": "https://hooks.example.org/", "kinds": ["no.such.kind"]},
    ]:
        answer = client.post(LIST, body)
        assert answer.status_code == 400, body
        conforms(schema, LIST, "post", answer)
    assert answer.json()["fields"].keys() == {"kinds"}
    assert WebhookEndpoint.objects.count() == 0
