"""The public tip API: no sign-in, a honeypot, size limits, no control characters, a limit
per address, and nothing stored about the sender but what they chose to give."""

import pytest
from rest_framework.test import APIClient

from activity.models import AuditRecord, Event
from tips.models import Tip

pytestmark = pytest.mark.django_db

URL = "/api/v1/public/tips/"
TIP = {"what": "A girl of about 15 working at the nail salon after midnight.", "where": "Main St"}


def send(body, address="203.0.113.5"):
    return APIClient(REMOTE_ADDR=address).post(URL, body, format="json")


def test_a_member_of_the_public_sends_a_tip_to_the_task_force_they_pick(personas):
    response = send({**TIP, "task_force": "tf-two", "contact_phone": "(555) 010-9999"})
    assert response.status_code == 202
    assert "911" in response.json()["emergency"]
    assert "1-888-373-7888" in response.json()["hotline"]
    tip = Tip.objects.get()
    assert tip.task_force == personas.other_task_force
    assert tip.source == "public" and tip.recorded_by is None
    assert tip.contact_phone == "(555) 010-9999"


def test_no_address_of_the_sender_is_stored(personas):
    send({**TIP, "task_force": "tf-one"})
    record = AuditRecord.objects.get(action="tip.received")
    assert record.ip_address is None
    assert "203.0.113.5" not in str(Tip.objects.values().get())


def test_the_task_forces_coordinators_hear_of_it(personas):
    send({**TIP, "task_force": "tf-one"})
    event = Event.objects.get(kind="tip.received")
    assert list(event.audience.values_list("user__username", flat=True)) == ["coordinator"]


def test_without_a_task_force_it_goes_to_the_default_one(personas, settings):
    settings.TIPS_DEFAULT_TASK_FORCE = "tf-one"
    assert send(TIP).status_code == 202
    assert Tip.objects.get().task_force == personas.task_force


@pytest.mark.parametrize(
    "body",
    [
        {**TIP, "website": "http://spam.example"},
        {**TIP, "what": ""},
        {**TIP, "what": "x" * 5001},
        {**TIP, "where": "tab\there"},
        {**TIP, "what": "nul\x00"},
        {**TIP, "contact_email": "nope"},
        {**TIP, "contact_phone": "call me maybe"},
        {**TIP, "task_force": "no-such-task-force"},
        {**TIP, "what": ["a list"]},
        {},
    ],
)
def test_abuse_is_refused_with_a_400_and_stores_nothing(personas, body):
    response = send(body)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert not Tip.objects.exists()


def test_many_tips_from_one_address_answer_429(personas, settings):
    settings.TIPS_PUBLIC_RATE = "2/hour"
    assert send(TIP).status_code == 202
    assert send(TIP).status_code == 202
    refused = send(TIP)
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert send(TIP, address="198.51.100.7").status_code == 202
    assert Tip.objects.count() == 3
