"""Webhooks delivered to a real HTTP receiver on 127.0.0.1: the frame signed, retried with
backoff, disabled after repeated failures with a notice, never sent what the agency may not
see at the moment of sending, never to an address the policy refuses, never redirected."""

import datetime as dt
import ipaddress
import socket

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from activity import live
from activity.models import AuditRecord, Event
from agencies import services
from agencies.models import DeliveryState, WebhookAttempt, WebhookDelivery
from agencies.webhooks import network
from agencies.webhooks.delivery import deliver_due
from cases import services as case_services
from tests.agencies.factories import person
from tests.agencies.webhook_receiver import start_receiver, verify

pytestmark = pytest.mark.django_db

NOTE = "case.note_added"


@pytest.fixture
def receiver():
    server = start_receiver()
    yield server
    server.server.shutdown()
    server.server.server_close()


@pytest.fixture
def local(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS = True
    settings.WEBHOOK_TIMEOUT_SECONDS = 2


def admin_of(personas, persona):
    agency = personas.agency(persona)
    return person(
        agency, is_agency_admin=True, username=f"{persona}.admin", email=f"{persona}@example.org"
    )


def register(personas, persona, url, kinds=(NOTE,)):
    return services.webhook_create(actor=admin_of(personas, persona), url=url, kinds=list(kinds))


def add_note(personas, case, body="Seen at the motel"):
    return case_services.note_add(actor=personas.user("manager"), case=case, body=body)


def test_a_delivery_carries_the_frame_signed_with_the_secret_shown_once(
    personas, shared_case, receiver, local
):
    endpoint, secret = register(personas, "manager", receiver.url())
    assert secret.startswith("whsec_") and secret not in endpoint.secret_encrypted
    note = add_note(personas, shared_case)
    assert deliver_due() == 1

    [request] = receiver.requests
    event = Event.objects.get(kind=NOTE, detail_key=f"cases.note:{note.pk}")
    assert request.frame == live.frame(event)
    assert request.headers["X-Crossroads-Event-Id"] == str(event.pk)
    assert request.headers["Content-Type"] == "application/json"
    assert verify(secret, request.headers, request.body, now=timezone.now().timestamp())
    assert not verify("whsec_wrong", request.headers, request.body, now=timezone.now().timestamp())
    # A replay ten minutes later is refused by the receiver's timestamp check.
    later = timezone.now().timestamp() + 600
    assert not verify(secret, request.headers, request.body, now=later)

    [attempt] = WebhookAttempt.objects.filter(endpoint=endpoint)
    assert attempt.succeeded and attempt.status_code == 200 and attempt.response_excerpt == "ok"
    assert WebhookDelivery.objects.get(endpoint=endpoint).state == DeliveryState.DELIVERED
    assert deliver_due() == 0


def test_a_failure_is_retried_with_backoff_until_it_succeeds(
    personas, shared_case, receiver, local
):
    endpoint, _ = register(personas, "manager", receiver.url())
    receiver.statuses = [500]
    add_note(personas, shared_case)
    start = timezone.now()
    with time_machine.travel(start, tick=True):
        assert deliver_due() == 1
        endpoint.refresh_from_db()
        assert endpoint.failures == 1 and endpoint.retry_at >= start + dt.timedelta(seconds=30)
        # Not before the backoff is over.
        assert deliver_due() == 0
    with time_machine.travel(start + dt.timedelta(seconds=31), tick=True):
        assert deliver_due() == 1
    assert len(receiver.requests) == 2
    assert receiver.requests[0].body == receiver.requests[1].body
    log = list(WebhookAttempt.objects.filter(endpoint=endpoint).order_by("id"))
    assert [(a.status_code, a.succeeded) for a in log] == [(500, False), (200, True)]
    assert log[0].error == "HTTP 500" and len(log[0].response_excerpt) == 200
    endpoint.refresh_from_db()
    assert endpoint.failures == 0 and endpoint.retry_at is None


def test_the_backoff_doubles_up_to_its_cap():
    delays = [services.webhooks.retry_delay(n).total_seconds() for n in (1, 2, 3, 8, 30)]
    assert delays == [30, 60, 120, 3600, 3600]


def test_an_endpoint_failing_again_and_again_is_disabled_with_a_notice(
    personas, shared_case, receiver, local, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_DISABLE_AFTER_FAILURES = 3
    endpoint, _ = register(personas, "manager", receiver.url())
    receiver.statuses = [500] * 10
    add_note(personas, shared_case)
    moment = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            with time_machine.travel(moment, tick=True):
                assert deliver_due() == 1
            moment += dt.timedelta(hours=2)
    endpoint.refresh_from_db()
    assert not endpoint.enabled
    assert "3 consecutive deliveries failed" in endpoint.disabled_reason
    with time_machine.travel(moment + dt.timedelta(days=1), tick=True):
        assert deliver_due() == 0
    assert len(receiver.requests) == 3
    assert AuditRecord.objects.filter(
        action="webhook.disabled", agency=personas.agency("manager")
    ).exists()
    notice = Event.objects.get(kind="webhook.disabled")
    assert notice.payload["webhook"] == {"id": endpoint.pk, "url": endpoint.url}
    assert live.agency_sees(event_id=notice.pk, agency_id=personas.agency("manager").pk)
    assert not live.agency_sees(event_id=notice.pk, agency_id=personas.agency("other").pk)
    [message] = mail.outbox
    assert message.to == ["manager@example.org"] and endpoint.url in message.body

    # Enabling it again starts afresh and sends what was waiting.
    receiver.statuses = []
    admin = get_user_model().objects.get(username="manager.admin")
    services.webhook_update(actor=admin, endpoint=endpoint, enabled=True)
    with time_machine.travel(moment + dt.timedelta(days=1), tick=True):
        assert deliver_due() == 1
    assert WebhookDelivery.objects.get(endpoint=endpoint).state == DeliveryState.DELIVERED


def test_an_endpoint_failing_for_a_day_is_disabled(personas, shared_case, receiver, local):
    endpoint, _ = register(personas, "manager", receiver.url())
    receiver.statuses = [500] * 10
    add_note(personas, shared_case)
    start = timezone.now()
    with time_machine.travel(start, tick=True):
        deliver_due()
    with time_machine.travel(start + dt.timedelta(hours=25), tick=True):
        deliver_due()
    endpoint.refresh_from_db()
    assert endpoint.failures == 2 and not endpoint.enabled
    assert "24 hours" in endpoint.disabled_reason


def test_an_event_the_agency_lost_before_sending_is_withheld(
    personas, shared_case, receiver, local
):
    endpoint, _ = register(personas, "viewer", receiver.url())
    add_note(personas, shared_case, body="Only for those who still see the case")
    assert WebhookDelivery.objects.filter(endpoint=endpoint).count() == 1
    case_services.case_unshare(
        actor=personas.user("manager"), case=shared_case, agency=personas.agency("viewer")
    )
    deliver_due()
    assert receiver.requests == []
    assert WebhookDelivery.objects.get(endpoint=endpoint).state == DeliveryState.WITHHELD
    assert not WebhookAttempt.objects.filter(endpoint=endpoint).exists()


def test_a_retry_after_the_agency_lost_the_case_sends_nothing(
    personas, shared_case, receiver, local
):
    endpoint, _ = register(personas, "viewer", receiver.url())
    receiver.statuses = [503]
    add_note(personas, shared_case)
    start = timezone.now()
    with time_machine.travel(start, tick=True):
        deliver_due()
    case_services.case_unshare(
        actor=personas.user("manager"), case=shared_case, agency=personas.agency("viewer")
    )
    with time_machine.travel(start + dt.timedelta(minutes=5), tick=True):
        deliver_due()
    assert len(receiver.requests) == 1
    assert WebhookDelivery.objects.get(endpoint=endpoint).state == DeliveryState.WITHHELD


def test_other_agencies_events_and_other_kinds_are_not_sent(personas, shared_case, receiver, local):
    register(personas, "other", receiver.url("/other"))
    register(personas, "manager", receiver.url("/meetings"), kinds=["meeting.scheduled"])
    add_note(personas, shared_case)
    assert WebhookDelivery.objects.count() == 0
    assert deliver_due() == 0
    assert receiver.requests == []


def test_nothing_is_sent_to_an_endpoint_of_a_deactivated_agency(
    personas, shared_case, receiver, local
):
    register(personas, "viewer", receiver.url())
    add_note(personas, shared_case)
    services.agency_set_active(actor=None, agency=personas.agency("viewer"), active=False)
    assert deliver_due() == 0
    add_note(personas, shared_case)
    assert deliver_due() == 0
    assert receiver.requests == []


def test_redirects_are_not_followed(personas, shared_case, receiver, local):
    endpoint, _ = register(personas, "manager", receiver.url("/redirect"))
    add_note(personas, shared_case)
    deliver_due()
    assert [r.path for r in receiver.requests] == ["/redirect"]
    [attempt] = WebhookAttempt.objects.filter(endpoint=endpoint)
    assert attempt.status_code == 302 and not attempt.succeeded


@pytest.mark.parametrize(
    "url",
    [
        "https://localhost/hook",
        "https://127.0.0.1/hook",
        "https://10.0.0.8/hook",
        "https://192.168.1.20/hook",
        "https://169.254.169.254/latest/meta-data/",
        "https://[::1]/hook",
        "https://[::ffff:127.0.0.1]/hook",
        "https://[fec0::1]/hook",
        "https://[2002:c0a8:101::1]/hook",
        "https://[64:ff9b::a00:1]/hook",
        "https://0.0.0.0/hook",
        "https://224.0.0.1/hook",
        "http://hooks.example.org/hook",
        "ftp://hooks.example.org/hook",
        "https://user:pw@hooks.example.org/hook",
    ],
)
def test_private_addresses_and_plain_http_are_refused_at_registration(personas, url, public_dns):
    with pytest.raises(ValidationError) as refused:
        register(personas, "manager", url)
    assert "url" in refused.value.message_dict


@pytest.fixture
def public_dns(monkeypatch):
    """Names resolve as the test says: ``hooks.example.org`` to a public address, and
    ``rebind.example.org`` to a public one, then to 127.0.0.1 (DNS rebinding)."""
    real = socket.getaddrinfo
    answers = {"rebind.example.org": ["93.184.215.14", "127.0.0.1"]}

    def getaddrinfo(host, port, *args, **kwargs):
        if host == "hooks.example.org":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.215.14", port))]
        if host == "rebind.example.org":
            address = answers[host].pop(0) if len(answers[host]) > 1 else answers[host][0]
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


def test_a_public_https_url_is_accepted(personas, public_dns):
    endpoint, _ = register(personas, "manager", "https://hooks.example.org/hook")
    assert endpoint.enabled


def test_a_name_that_resolves_to_a_private_address_at_delivery_is_refused(
    personas, shared_case, receiver, public_dns
):
    endpoint, _ = register(personas, "manager", f"https://rebind.example.org:{receiver.port}/")
    add_note(personas, shared_case)
    deliver_due()
    [attempt] = WebhookAttempt.objects.filter(endpoint=endpoint)
    assert attempt.error.startswith("Refused") and "127.0.0.1" in attempt.error
    assert attempt.status_code is None and not attempt.succeeded
    assert receiver.connections == 0


def test_a_name_for_127_0_0_1_is_refused_while_the_setting_is_off(personas):
    with pytest.raises(ValidationError):
        register(personas, "manager", "https://localhost.localdomain/hook")


@pytest.mark.parametrize(
    "address, refused",
    [
        ("2002:0808:0808::1", False),  # 6to4 carrying a public IPv4 address
        ("2002:0a00:0001::1", True),  # 6to4 carrying 10.0.0.1
        ("64:ff9b::808:808", False),  # NAT64 to 8.8.8.8
        ("64:ff9b::7f00:1", True),  # NAT64 to 127.0.0.1
        ("fec0::1", True),
        ("2606:4700:4700::1111", False),
    ],
)
def test_ipv6_addresses_are_judged_by_the_ipv4_address_they_carry(address, refused):
    assert network.address_refused(ipaddress.ip_address(address)) is refused
