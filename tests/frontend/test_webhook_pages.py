"""The webhook pages: an agency admin registers an endpoint (the secret shown once), changes
it, disables and enables it, rotates its secret, reads its delivery log and deletes it; the
section is refused to people who are not admins and another agency's endpoint is not found."""

import pytest
from django.test import Client
from django.utils import timezone

from agencies.models import WebhookAttempt, WebhookEndpoint
from agencies.webhooks import signing
from tests.agencies.factories import person
from tests.personas import page_client

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def local(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS = True


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def admin(personas):
    return person(personas.agency("manager"), is_agency_admin=True, username="mgr.admin")


def register(client) -> tuple[WebhookEndpoint, str]:
    response = client.post(
        "/agency/webhooks/new/",
        {"url": "http://127.0.0.1:9/hook", "description": "RMS", "kinds": ["case.note_added"]},
    )
    assert response.status_code == 200
    endpoint = WebhookEndpoint.objects.get()
    return endpoint, response.context["secret"]


def test_an_admin_registers_an_endpoint_and_sees_its_secret_once(admin):
    client = signed_in(admin)
    assert 'href="/agency/webhooks/"' in client.get("/").content.decode()
    assert client.get("/agency/webhooks/new/").status_code == 200
    endpoint, secret = register(client)
    assert signing.decrypt(endpoint.secret_encrypted) == secret
    listing = client.get("/agency/webhooks/").content.decode()
    assert "http://127.0.0.1:9/hook" in listing and secret not in listing
    detail = client.get(f"/agency/webhooks/{endpoint.pk}/").content.decode()
    assert endpoint.secret_prefix in detail and secret not in detail


def test_a_refused_url_is_shown_on_the_form(admin, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS = False
    response = signed_in(admin).post(
        "/agency/webhooks/new/", {"url": "https://10.0.0.8/", "kinds": ["case.note_added"]}
    )
    assert response.status_code == 200
    assert "public addresses only" in response.content.decode()
    assert not WebhookEndpoint.objects.exists()


def test_an_admin_changes_disables_enables_rotates_and_deletes(admin):
    client = signed_in(admin)
    endpoint, secret = register(client)
    url = f"/agency/webhooks/{endpoint.pk}/"
    response = client.post(
        url, {"url": endpoint.url, "description": "", "kinds": ["meeting.scheduled"]}
    )
    assert response.status_code == 302
    endpoint.refresh_from_db()
    assert endpoint.kinds == ["meeting.scheduled"]

    client.post(f"{url}disable/")
    endpoint.refresh_from_db()
    assert not endpoint.enabled
    client.post(f"{url}enable/")
    endpoint.refresh_from_db()
    assert endpoint.enabled

    rotated = client.post(f"{url}rotate/")
    assert rotated.context["secret"] != secret
    endpoint.refresh_from_db()
    assert signing.decrypt(endpoint.secret_encrypted) == rotated.context["secret"]

    WebhookAttempt.objects.create(
        endpoint=endpoint,
        event_id=7,
        event_kind="meeting.scheduled",
        attempted_at=timezone.now(),
        status_code=502,
        error="HTTP 502",
        response_excerpt="Bad gateway",
    )
    page = client.get(url).content.decode()
    assert "#7 meeting.scheduled" in page and "Bad gateway" in page

    client.post(f"{url}delete/")  # without the confirmation nothing happens
    assert WebhookEndpoint.objects.filter(pk=endpoint.pk).exists()
    assert client.post(f"{url}delete/", {"confirm": "yes"}).status_code == 302
    assert not WebhookEndpoint.objects.filter(pk=endpoint.pk).exists()


def test_people_who_are_not_admins_are_refused_and_others_find_nothing(personas, admin):
    endpoint, _ = register(signed_in(admin))
    liaison = page_client(personas, "manager")
    assert liaison.get("/agency/webhooks/").status_code == 403
    assert liaison.get("/agency/webhooks/new/").status_code == 403
    assert 'href="/agency/webhooks/"' not in liaison.get("/").content.decode()
    other_admin = signed_in(
        person(personas.agency("other"), is_agency_admin=True, username="oth.admin")
    )
    for client in (liaison, other_admin):
        url = f"/agency/webhooks/{endpoint.pk}/"
        assert client.get(url).status_code == 404
        for action in ("disable/", "rotate/", "delete/"):
            assert client.post(f"{url}{action}", {"confirm": "yes"}).status_code == 404
    assert "RMS" not in other_admin.get("/agency/webhooks/").content.decode()
    endpoint.refresh_from_db()
    assert endpoint.enabled
    assert page_client(personas, "anonymous").get("/agency/webhooks/").status_code == 302
