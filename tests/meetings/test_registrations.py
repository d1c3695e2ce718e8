import csv
import datetime as dt
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.utils import timezone
from rest_framework.test import APIClient

from agencies.models import Profession
from meetings import services
from meetings.models import Registration, RegistrationStatus
from tests.agencies.factories import person
from tests.clock import chicago
from tests.meetings.factories import RegistrationFactory, TrainingFactory


def training(personas, **overrides):
    params = dict(
        actor=personas.user("coordinator"),
        task_force=personas.task_force,
        title="Interdiction course",
        starts_at=chicago(2027, 3, 10, 8),
        ends_at=chicago(2027, 3, 10, 16),
        open_to_all=True,
        capacity=2,
        eligible_professions=[Profession.LAW_ENFORCEMENT, Profession.ADVOCATE],
    )
    params.update(overrides)
    return TrainingFactory(**params)


@pytest.mark.django_db
def test_past_capacity_people_wait_and_move_up_in_order(personas):
    course = training(personas)
    agency = personas.agency("other")  # open to all: another task force's people too
    people = [person(agency, username=f"officer{i}") for i in range(4)]
    statuses = [services.registration_register(actor=p, meeting=course).status for p in people]
    assert statuses == ["confirmed", "confirmed", "waitlisted", "waitlisted"]
    first = Registration.objects.get(user=people[0])
    services.registration_cancel(actor=people[0], registration=first)
    by_user = dict(Registration.objects.values_list("user__username", "status"))
    assert by_user == {
        "officer0": "cancelled",
        "officer1": "confirmed",
        "officer2": "confirmed",
        "officer3": "waitlisted",
    }


@pytest.mark.django_db
def test_an_ineligible_profession_is_refused_with_a_clear_message(personas):
    course = training(personas)
    nurse = person(personas.agency("invited"), profession=Profession.MEDICAL)
    with pytest.raises(
        ValidationError,
        match=r"open to: Advocate, Law enforcement officer\. Your profile says you are medical",
    ):
        services.registration_register(actor=nurse, meeting=course)
    assert not Registration.objects.exists()


@pytest.mark.django_db
def test_registration_after_the_deadline_is_a_400(personas):
    course = training(personas, registration_deadline=timezone.now() - dt.timedelta(hours=1))
    client = APIClient()
    client.force_login(personas.user("invited"))
    response = client.post(f"/api/v1/meetings/{course.pk}/registrations/")
    assert response.status_code == 400
    assert "Registration closed" in response.json()["detail"]


@pytest.mark.django_db
def test_registering_twice_is_refused(personas):
    course = training(personas)
    RegistrationFactory(user=personas.user("invited"), meeting=course)
    with pytest.raises(ValidationError, match="registered already"):
        services.registration_register(actor=personas.user("invited"), meeting=course)


@pytest.mark.django_db
def test_the_roster_exports_as_csv_for_coordinators(personas):
    course = training(personas)
    RegistrationFactory(user=personas.user("invited"), meeting=course)
    evil = person(personas.agency("invited"), username="eve", first_name="=HYPERLINK(1)")
    RegistrationFactory(user=evil, meeting=course)
    client = APIClient()
    client.force_login(personas.user("coordinator"))
    response = client.get(f"/api/v1/meetings/{course.pk}/roster.csv")
    assert response["Content-Type"].startswith("text/csv")
    lines = response.content.decode().splitlines()
    header = lines[0].split(",")
    assert header[:3] == ["name", "username", "email"]
    assert {"organisation", "status", "days_attended", "completed_at"} <= set(header)
    first = next(csv.DictReader(lines))
    assert first["username"] == "invited.liaison"
    assert first["profession"] == "Law enforcement officer"
    assert first["status"] == "confirmed"
    assert lines[2].startswith("'=HYPERLINK")


@pytest.mark.django_db
def test_people_see_their_own_registration_only(personas):
    course = training(personas)
    RegistrationFactory(user=personas.user("invited"), meeting=course)
    other = APIClient()
    other.force_login(personas.user("other"))
    assert other.get(f"/api/v1/meetings/{course.pk}/registrations/").json() == []
    mine = other.post(f"/api/v1/meetings/{course.pk}/registrations/").json()
    assert mine["status"] == "confirmed"
    listed = other.get(f"/api/v1/meetings/{course.pk}/registrations/").json()
    assert [r["id"] for r in listed] == [mine["id"]]
    invited_id = Registration.objects.get(user=personas.user("invited")).pk
    response = other.delete(f"/api/v1/meetings/{course.pk}/registrations/{invited_id}/")
    assert response.status_code == 404


@pytest.mark.django_db
def test_a_training_for_invited_agencies_only_is_hidden_from_others(personas):
    course = training(personas, open_to_all=False, invited_agencies=[personas.agency("invited")])
    client = APIClient()
    client.force_login(personas.user("member"))
    assert client.post(f"/api/v1/meetings/{course.pk}/registrations/").status_code == 404


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="checked on PostgreSQL")
def test_concurrent_registrations_never_exceed_capacity(personas):
    course = training(personas, capacity=3)
    people = [person(personas.agency("other"), username=f"rush{i}") for i in range(8)]
    barrier = threading.Barrier(len(people))

    def register(user):
        try:
            barrier.wait()
            services.registration_register(actor=user, meeting=course)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=register, args=(p,)) for p in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    statuses = list(Registration.objects.filter(meeting=course).values_list("status", flat=True))
    assert statuses.count(RegistrationStatus.CONFIRMED) == 3
    assert statuses.count(RegistrationStatus.WAITLISTED) == 5
