"""Attendance, completion and certificates, and who sees registrants: the task force's
coordinators only; everyone else gets 403 (they see the training) or 404 (they do not)."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from meetings import public, services
from meetings.models import Registration
from tests.html import tables
from tests.meetings.public_helpers import last_mail, link_in, public_training, registrant
from tests.portal.test_schema_contract import conforms


@pytest.fixture
def api_schema(personas):
    client = APIClient()
    client.force_login(personas.user("manager"))
    return client.get("/api/schema/?format=json").json()


def _registered(personas, n=0):
    course = public_training(personas, open_to_all=True)
    registration = services.registrant_add(
        actor=personas.user("coordinator"), meeting=course, registrant=registrant(n), notify=False
    )
    return course, registration


@pytest.mark.django_db
def test_a_coordinator_checks_in_completes_and_the_person_gets_a_certificate(
    personas,
    api_schema,
    django_capture_on_commit_callbacks,
):
    course, registration = _registered(personas)
    api = APIClient()
    api.force_login(personas.user("coordinator"))
    base = f"/api/v1/meetings/{course.pk}/registrations/{registration.pk}/"
    day = public.training_days(course)[0].isoformat()
    early = api.post(base + "completion/", {}, format="json")
    assert early.status_code == 400  # not checked in yet
    checked = api.post(base + "attendance/", {"day": day}, format="json")
    assert checked.status_code == 200
    conforms(api_schema, "/api/v1/meetings/{id}/registrations/{rid}/attendance/", "post", checked)
    assert checked.json()["days_attended"] == [day]
    wrong_day = api.post(base + "attendance/", {"day": "2001-01-01"}, format="json")
    assert wrong_day.status_code == 400 and "day" in wrong_day.json()["fields"]
    with django_capture_on_commit_callbacks(execute=True):
        done = api.post(base + "completion/", {"completed": True}, format="json")
    assert done.status_code == 200 and done.json()["completed_at"]
    pdf = api.get(base + "certificate.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    own_link = link_in(last_mail(), "certificate")
    mine = Client().get(own_link)
    assert mine.status_code == 200 and mine.content.startswith(b"%PDF")
    roster = api.get(f"/api/v1/meetings/{course.pk}/roster/")
    conforms(api_schema, "/api/v1/meetings/{id}/roster/", "get", roster)
    assert [r["name"] for r in roster.json()] == ["Pat Example0"]


@pytest.mark.django_db
def test_erasure_keeps_the_counts_and_ends_the_links(personas):
    course, registration = _registered(personas)
    token = public.registration_token(registration)
    api = APIClient()
    api.force_login(personas.user("coordinator"))
    base = f"/api/v1/meetings/{course.pk}/registrations/{registration.pk}/"
    exported = api.get(base + "export/")
    assert exported.json()["email"] == "pat0@example.org"
    assert api.post(base + "erase/", format="json").status_code == 200
    registration.refresh_from_db()
    assert (registration.name, registration.email, registration.status) == ("", "", "confirmed")
    assert Client().get(f"/trainings/cancel/{token}/").status_code == 400


@pytest.mark.django_db
def test_the_door_roster_page_checks_people_in_and_finds_them_by_name(personas):
    course, registration = _registered(personas)
    services.registrant_add(
        actor=personas.user("coordinator"),
        meeting=course,
        registrant=registrant(1, name="Lee Other"),
    )
    client = Client()
    client.force_login(personas.user("coordinator"))
    url = f"/meetings/{course.pk}/roster/"
    day = public.training_days(course)[0].isoformat()
    response = client.post(
        f"/meetings/{course.pk}/registrations/{registration.pk}/check-in/",
        {"day": day, "present": "1", "q": "Example0"},
    )
    assert response.status_code == 302 and "q=Example0" in response["Location"]
    assert registration.attendances.count() == 1
    rows = tables(client.get(url, {"q": "Example0", "day": day}).content.decode())["Roster"]
    assert len(rows) == 1 and "Pat Example0" in rows[0][0]
    assert "Checked in" in rows[0][3]
    everyone = tables(client.get(url, {"day": day}).content.decode())["Roster"]
    assert len(everyone) == 2


PAGES = [
    "/meetings/{m}/roster/",
    "/meetings/{m}/roster.csv",
    "/meetings/{m}/registrations/{r}/certificate.pdf",
    "/meetings/{m}/registrations/{r}/export.json",
    "/meetings/{m}/registrations/{r}/erase/",
    "/api/v1/meetings/{m}/roster/",
    "/api/v1/meetings/{m}/roster.csv",
    "/api/v1/meetings/{m}/registrations/{r}/certificate.pdf",
    "/api/v1/meetings/{m}/registrations/{r}/export/",
]
POSTS = [
    "/meetings/{m}/registrations/{r}/check-in/",
    "/meetings/{m}/registrations/{r}/complete/",
    "/meetings/{m}/registrations/{r}/erase/",
    "/api/v1/meetings/{m}/registrations/{r}/attendance/",
    "/api/v1/meetings/{m}/registrations/{r}/completion/",
    "/api/v1/meetings/{m}/registrations/{r}/erase/",
]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "persona", ["manager", "viewer", "invited", "member", "excluded", "other", None]
)
def test_nobody_but_coordinators_sees_or_touches_registrants(personas, persona):
    course, registration = _registered(personas)
    client = Client()
    if persona:
        client.force_login(personas.user(persona))
    for template in PAGES:
        url = template.format(m=course.pk, r=registration.pk)
        response = client.get(url)
        assert response.status_code in (302, 401, 403, 404), (persona, url, response.status_code)
        assert (
            b"Pat Example0" not in response.content and b"pat0@example.org" not in response.content
        )
    for template in POSTS:
        url = template.format(m=course.pk, r=registration.pk)
        response = (
            client.post(url, {"day": "2030-01-01"}, content_type="application/json")
            if "/api/" in url
            else client.post(url, {"day": "2030-01-01"})
        )
        assert response.status_code in (302, 401, 403, 404), (persona, url, response.status_code)
    registration.refresh_from_db()
    assert registration.name == "Pat Example0" and not registration.attendances.exists()
    assert Registration.objects.filter(meeting=course).count() == 1


@pytest.mark.parametrize("day", ["2026-02-30", "not a day", ""])
def test_a_day_that_does_not_exist_is_refused_without_an_error(personas, day):
    course, registration = _registered(personas)
    client = Client()
    client.force_login(personas.user("coordinator"))
    assert client.get(f"/meetings/{course.pk}/roster/", {"day": day}).status_code == 200
    response = client.post(
        f"/meetings/{course.pk}/registrations/{registration.pk}/check-in/",
        {"day": day, "present": "1"},
    )
    assert response.status_code in (302, 400)
    assert registration.attendances.count() == 0
