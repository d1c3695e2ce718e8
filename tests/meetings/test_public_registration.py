"""Public registration: a person without an account asks, confirms by the e-mailed link and
takes a seat or a place in the one line that portal users share; refusals say why and store
nothing; abuse limits answer 429."""

import base64
import contextlib
import datetime as dt
import threading
import zlib

import pytest
import time_machine
from django.core import mail
from django.db import connection, connections
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from meetings import services
from meetings.models import Registration, RegistrationStatus
from tests.agencies.factories import person
from tests.clock import soon
from tests.meetings.public_helpers import (
    last_mail,
    link_in,
    public_training,
    registrant,
    token_of,
)
from tests.portal.test_schema_contract import conforms

URL = "/api/v1/public/trainings/{slug}/registrations/"
PATH = "/api/v1/public/trainings/{slug}/registrations/"


@pytest.fixture
def api_schema(personas):
    client = APIClient()
    client.force_login(personas.user("manager"))
    return client.get("/api/schema/?format=json").json()


def ask(client, data, slug="interdiction-course"):
    return client.post(URL.format(slug=slug), data, format="json")


def confirm(path: str):
    return Client().post(path)


@pytest.mark.django_db
def test_a_person_registers_confirms_by_mail_and_takes_a_seat(
    personas,
    api_schema,
    django_capture_on_commit_callbacks,
):
    course = public_training(personas)
    with django_capture_on_commit_callbacks(execute=True):
        response = ask(APIClient(), registrant())
    assert response.status_code == 202
    conforms(api_schema, PATH, "post", response)
    assert not Registration.objects.exists()  # nothing held before the address is confirmed
    request_mail = last_mail()
    assert request_mail.to == ["pat0@example.org"]
    assert request_mail.alternatives[0][1] == "text/html"
    path = link_in(request_mail, "confirm")
    assert Client().get(path).status_code == 200  # a mail scanner opening the link takes no seat
    assert not Registration.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        page = confirm(path)
    assert page.status_code == 200
    registration = Registration.objects.get(meeting=course)
    assert registration.status == RegistrationStatus.CONFIRMED
    assert registration.user is None and registration.name == "Pat Example0"
    registered = last_mail()
    assert [a[0] for a in registered.attachments] == ["training.ics"]
    assert (
        b"BEGIN:VCALENDAR" in registered.attachments[0][1].encode()
        if isinstance(registered.attachments[0][1], str)
        else registered.attachments[0][1]
    )
    cancel = link_in(registered, "cancel")
    with django_capture_on_commit_callbacks(execute=True):
        assert Client().post(cancel).status_code == 200
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CANCELLED


@pytest.mark.django_db
def test_registering_one_address_twice_is_one_registration(
    personas, django_capture_on_commit_callbacks
):
    course = public_training(personas)
    client = APIClient()
    with django_capture_on_commit_callbacks(execute=True):
        ask(client, registrant())
    first = link_in(last_mail(), "confirm")
    with django_capture_on_commit_callbacks(execute=True):
        ask(client, registrant(name="Pat Again", email="PAT0@example.org"))
    second = link_in(last_mail(), "confirm")
    for path in (first, second, first):
        with django_capture_on_commit_callbacks(execute=True):
            confirm(path)
    assert Registration.objects.filter(meeting=course).count() == 1


@pytest.mark.django_db
def test_the_public_and_portal_users_share_one_line_and_moving_up_sends_mail(
    personas, django_capture_on_commit_callbacks
):
    course = public_training(personas, capacity=1, open_to_all=True)
    officer = person(personas.agency("other"), username="officer")
    own = services.registration_register(actor=officer, meeting=course)
    with django_capture_on_commit_callbacks(execute=True):
        ask(APIClient(), registrant())
    with django_capture_on_commit_callbacks(execute=True):
        confirm(link_in(last_mail(), "confirm"))
    waiting = Registration.objects.get(meeting=course, user=None)
    assert (own.status, waiting.status) == ("confirmed", "waitlisted")
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_cancel(actor=officer, registration=own)
    waiting.refresh_from_db()
    assert waiting.status == RegistrationStatus.CONFIRMED
    assert last_mail().to == ["pat0@example.org"]
    assert "seat" in last_mail().subject.lower()


REFUSALS = [
    ({"profession": "prosecutor"}, "profession"),
    ({"name": "x" * 201}, "name"),
    ({"email": "not-an-address"}, "email"),
    ({"website": "http://spam.example"}, "website"),
    ({"phone": "call me maybe"}, "phone"),
    ({"job_title": ""}, "job_title"),
    ({"organisation": "a\u0000b"}, "organisation"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("change", "field"), REFUSALS)
def test_each_refusal_says_why_and_stores_and_sends_nothing(
    personas,
    api_schema,
    change,
    field,
    django_capture_on_commit_callbacks,
):
    public_training(personas)
    with django_capture_on_commit_callbacks(execute=True):
        response = ask(APIClient(), registrant(**change))
    assert response.status_code == 400
    conforms(api_schema, PATH, "post", response)
    assert field in response.json()["fields"]
    assert not Registration.objects.exists()
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_closed_training_refuses_with_the_reason(personas, api_schema):
    public_training(personas, registration_deadline=soon(-2))
    response = ask(APIClient(), registrant())
    assert response.status_code == 400
    assert "closed" in response.json()["detail"]
    assert not Registration.objects.exists()


@pytest.mark.django_db
def test_rate_limits_per_address_and_per_email_answer_429(personas, settings, api_schema):
    settings.PUBLIC_THROTTLE_RATES = {
        **settings.PUBLIC_THROTTLE_RATES,
        "public_address": "3/hour",
        "public_email": "2/hour",
    }
    public_training(personas)
    client = APIClient()
    assert [ask(client, registrant()).status_code for _ in range(3)] == [202, 202, 429]
    refused = ask(client, registrant())
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    conforms(api_schema, PATH, "post", refused)
    other = APIClient(REMOTE_ADDR="10.0.0.9")
    assert ask(other, registrant(1)).status_code == 202


@pytest.mark.django_db
def test_public_endpoints_need_no_sign_in_and_show_counts_not_names(personas, api_schema):
    course = public_training(personas)
    services.registrant_add(
        actor=personas.user("coordinator"), meeting=course, registrant=registrant()
    )
    client = APIClient()
    listed = client.get("/api/v1/public/trainings/")
    assert listed.status_code == 200
    conforms(api_schema, "/api/v1/public/trainings/", "get", listed)
    detail = client.get("/api/v1/public/trainings/interdiction-course/")
    conforms(api_schema, "/api/v1/public/trainings/{slug}/", "get", detail)
    body = detail.json()
    assert body["seats_left"] == 1 and body["registration_open"] is True
    assert "Pat Example0" not in detail.content.decode()
    private = public_training(personas, slug="private-course")
    services.training_set_public(
        actor=personas.user("coordinator"), meeting=private, public_registration=False
    )
    assert client.get("/api/v1/public/trainings/private-course/").status_code == 404
    assert ask(client, registrant(), slug="private-course").status_code == 404


def decoded(token: str) -> str:
    """All a reader without the key gets out of a token: each part as base64, inflated
    where it is compressed (as django.core.signing's are)."""
    text = token
    for part in token.replace(":", ".").split("."):
        try:
            raw = base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
        except ValueError:
            continue
        with contextlib.suppress(zlib.error):
            raw = zlib.decompress(raw)
        text += raw.decode("latin-1")
    return text


@pytest.mark.django_db
def test_an_altered_or_expired_link_is_refused(
    personas, django_capture_on_commit_callbacks, settings
):
    public_training(personas)
    with django_capture_on_commit_callbacks(execute=True):
        ask(APIClient(), registrant())
    path = link_in(last_mail(), "confirm")
    assert confirm(path[:-3] + "xx/").status_code == 400
    # What the person typed is sealed: the link does not show it to whoever reads a log.
    assert registrant()["email"] not in decoded(token_of(path))
    with time_machine.travel(timezone.now() + dt.timedelta(hours=49)):
        assert confirm(path).status_code == 400
    assert not Registration.objects.exists()
    assert Client().get("/trainings/cancel/nonsense/").status_code == 400
    assert token_of(path)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="checked on PostgreSQL")
def test_concurrent_public_confirmations_never_exceed_capacity(personas, settings):
    course = public_training(personas, capacity=3)
    from meetings import public

    tokens = [public.confirm_token(course, registrant(n)) for n in range(8)]
    barrier = threading.Barrier(len(tokens))

    def take(token):
        try:
            barrier.wait()
            services.public_registration_confirm(token=token)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=take, args=(t,)) for t in tokens]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    statuses = list(Registration.objects.filter(meeting=course).values_list("status", flat=True))
    assert statuses.count(RegistrationStatus.CONFIRMED) == 3
    assert statuses.count(RegistrationStatus.WAITLISTED) == 5
