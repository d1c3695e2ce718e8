"""Safe retries: a POST sent again with the same Idempotency-Key gets the first answer and
creates nothing new, whatever it creates (cases, notes, meetings, access, registrations);
the same key with another request is refused; a running request's key waits; a server
error frees the key."""

import datetime as dt
import threading
import uuid
from types import SimpleNamespace

import pytest
import time_machine
from django.db import connection, connections
from django.urls import URLResolver, get_resolver
from django.utils import timezone
from rest_framework.test import APIClient

from activity.idempotency import IdempotentPosts, fingerprint
from activity.models import IdempotentRequest
from agencies.models import Profession
from cases import services as case_services
from cases.models import Case, CaseShare, Note
from meetings.models import Meeting, Registration
from tests.clock import chicago
from tests.conftest import bearer_client
from tests.meetings.factories import TrainingFactory
from tests.personas import api_client

pytestmark = pytest.mark.django_db


def new_case(personas, title="Truck stop outreach") -> dict:
    return {"title": title, "task_force": personas.task_force.pk, "kind": "labor_trafficking"}


def post(client, url, body, key):
    return client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY=key)


def test_a_retried_case_is_opened_once_and_answered_the_same(personas):
    client = bearer_client(personas.user("manager"), scope="write")
    key = str(uuid.uuid4())
    first = post(client, "/api/v1/cases/", new_case(personas), key)
    again = post(client, "/api/v1/cases/", new_case(personas), key)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true" and not first.has_header("Idempotent-Replayed")
    assert again["ETag"] == first["ETag"]
    assert Case.objects.filter(title="Truck stop outreach").count() == 1
    # Without a key, a second POST is a second case: the key is what makes it a retry.
    client.post("/api/v1/cases/", new_case(personas), format="json")
    assert Case.objects.filter(title="Truck stop outreach").count() == 2


def test_the_same_key_with_another_body_is_a_422_and_creates_nothing(personas):
    client = api_client(personas, "manager")
    post(client, "/api/v1/cases/", new_case(personas), "key-1")
    response = post(client, "/api/v1/cases/", new_case(personas, "Another case"), "key-1")
    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_reused"
    assert not Case.objects.filter(title="Another case").exists()
    # Nor on another path.
    other_path = post(client, "/api/v1/meetings/", new_case(personas), "key-1")
    assert other_path.status_code == 422


def test_keys_are_each_persons_own(personas):
    mine = post(api_client(personas, "manager"), "/api/v1/cases/", new_case(personas), "k")
    theirs = post(api_client(personas, "other"), "/api/v1/cases/", new_case(personas), "k")
    # OTH is not in Task Force One: its answer is its own refusal, not MGR's case.
    assert mine.status_code == 201 and theirs.status_code == 400
    assert "Idempotent-Replayed" not in theirs


def test_notes_access_grants_meetings_and_registrations_are_made_once(personas, shared_case):
    manager = api_client(personas, "manager")
    note = {"body": "Plate seen again at the motel.", "visibility": "case"}
    url = f"/api/v1/cases/{shared_case.pk}/notes/"
    assert [post(manager, url, note, "n").status_code for _ in range(2)] == [201, 201]
    assert Note.objects.filter(body=note["body"]).count() == 1

    grant = {"agency": personas.agency("member").pk, "level": "view", "purpose": "Deconfliction"}
    url = f"/api/v1/cases/{shared_case.pk}/access/"
    answers = [post(manager, url, grant, "g") for _ in range(2)]
    assert answers[0].json() == answers[1].json()
    assert CaseShare.objects.filter(agency=personas.agency("member")).count() == 1

    coordinator = api_client(personas, "coordinator")
    meeting = {
        "title": "Deconfliction",
        "task_force": personas.task_force.pk,
        "kind": "task_force_meeting",
        "starts_at": "2027-01-12T15:00:00Z",
        "ends_at": "2027-01-12T16:00:00Z",
    }
    answers = [post(coordinator, "/api/v1/meetings/", meeting, "m") for _ in range(2)]
    assert answers[0].json()["id"] == answers[1].json()["id"]
    assert Meeting.objects.filter(title="Deconfliction").count() == 1

    course = TrainingFactory(
        actor=personas.user("coordinator"),
        task_force=personas.task_force,
        starts_at=chicago(2027, 3, 10, 8),
        ends_at=chicago(2027, 3, 10, 16),
        open_to_all=True,
        eligible_professions=[Profession.LAW_ENFORCEMENT],
    )
    member = api_client(personas, "member")
    url = f"/api/v1/meetings/{course.pk}/registrations/"
    answers = [post(member, url, {}, "r") for _ in range(2)]
    # Registering twice without a key is refused; with the key, the retry is the first answer.
    assert answers[0].status_code == answers[1].status_code == 201
    assert Registration.objects.filter(meeting=course).count() == 1


def test_a_refusal_is_answered_again_the_same(personas):
    client = api_client(personas, "manager")
    bad = {"title": "", "task_force": personas.task_force.pk, "kind": "other"}
    first = post(client, "/api/v1/cases/", bad, "bad")
    again = post(client, "/api/v1/cases/", bad, "bad")
    assert first.status_code == again.status_code == 400
    assert again.json() == first.json()


@pytest.mark.parametrize("key", ["", "x" * 256, "line\nbreak"])
def test_an_unusable_key_is_a_400_and_creates_nothing(personas, key):
    response = post(api_client(personas, "manager"), "/api/v1/cases/", new_case(personas), key)
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["fields"]
    assert not Case.objects.exists()


def test_a_retry_while_the_first_runs_waits_and_a_dead_first_is_taken_over(personas):
    client = api_client(personas, "manager")
    body = new_case(personas)
    # The first request was claimed and its worker died before it answered.
    sent = SimpleNamespace(method="POST", path="/api/v1/cases/", data=body)
    IdempotentRequest.objects.create(
        user=personas.user("manager"), key="slow", fingerprint=fingerprint(sent)
    )
    waiting = post(client, "/api/v1/cases/", body, "slow")
    assert waiting.status_code == 409 and waiting["Retry-After"] == "1"
    assert waiting.json()["code"] == "idempotency_key_in_use"
    assert not Case.objects.exists()
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=3)):
        taken = post(client, "/api/v1/cases/", body, "slow")
    assert taken.status_code == 201 and Case.objects.count() == 1


def test_a_server_error_frees_the_key_for_the_retry(personas, monkeypatch):
    client = api_client(personas, "manager")
    client.raise_request_exception = False
    real = case_services.case_open

    def broken(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(case_services, "case_open", broken)
    assert post(client, "/api/v1/cases/", new_case(personas), "retry").status_code == 500
    monkeypatch.setattr(case_services, "case_open", real)
    retried = post(client, "/api/v1/cases/", new_case(personas), "retry")
    assert retried.status_code == 201 and "Idempotent-Replayed" not in retried
    assert Case.objects.count() == 1


def test_a_key_is_forgotten_after_a_day(personas):
    client = bearer_client(personas.user("manager"), scope="write")
    post(client, "/api/v1/cases/", new_case(personas), "daily")
    with time_machine.travel(timezone.now() + dt.timedelta(hours=25)):
        later = post(client, "/api/v1/cases/", new_case(personas), "daily")
    assert later.status_code == 201 and Case.objects.count() == 2


def _api_views():
    def walk(patterns):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns)
            else:
                yield pattern

    for pattern in walk(get_resolver().url_patterns):
        view = getattr(pattern.callback, "cls", None)
        if view is not None and view.__module__.split(".")[0] in {
            "agencies",
            "cases",
            "meetings",
            "portal",
        }:
            yield pattern, view


def test_every_api_view_that_takes_a_post_takes_a_key(personas):
    posting = []
    for pattern, view in _api_views():
        actions = getattr(pattern.callback, "actions", None)
        takes_post = "post" in actions if actions else hasattr(view, "post")
        if takes_post:
            posting.append(view)
            assert issubclass(view, IdempotentPosts), f"{view.__name__} takes POST without keys"
    assert len(posting) >= 8
    schema = api_client(personas, "manager").get("/api/schema/?format=json").json()
    for path, methods in schema["paths"].items():
        if "post" in methods:
            names = {p["name"] for p in methods["post"].get("parameters", [])}
            assert "Idempotency-Key" in names, path
            assert {"409", "422"} <= set(methods["post"]["responses"]), path


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="checked on PostgreSQL")
def test_two_concurrent_retries_open_one_case(personas):
    user = personas.user("manager")
    body = new_case(personas, "Concurrent retry")
    barrier = threading.Barrier(4)
    answers = []

    def send():
        try:
            client = APIClient()
            client.force_login(user)
            barrier.wait()
            answers.append(post(client, "/api/v1/cases/", body, "same-key"))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(answers) == 4
    assert Case.objects.filter(title="Concurrent retry").count() == 1
    made = [a for a in answers if a.status_code == 201]
    assert made and {a.json()["id"] for a in made} == {Case.objects.get().pk}
    assert {a.status_code for a in answers} <= {201, 409}
