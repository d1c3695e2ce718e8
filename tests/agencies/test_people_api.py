"""The people API of agency admins: the same confinement and rules as the pages, in the
API's error shape."""

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from rest_framework.test import APIClient

from activity.models import AuditRecord
from agencies.models import AgencyRole, Profession
from tests.agencies.people_world import PeopleWorld, build_people_world
from tests.conftest import bearer_client

pytestmark = pytest.mark.django_db
User = get_user_model()

INVITE = {
    "username": "new.analyst",
    "email": "new.analyst@kctpd.example.org",
    "first_name": "Nia",
    "last_name": "Analyst",
    "profession": Profession.ANALYST,
}


@pytest.fixture
def people(db) -> PeopleWorld:
    return build_people_world()


def api(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def state(user) -> tuple:
    user = User.objects.select_related("profile").get(pk=user.pk)
    p = user.profile
    return (user.is_active, p.title, p.profession, p.role, p.is_agency_admin)


def test_anonymous_callers_get_a_401(people):
    client = APIClient()
    for method, url in [
        ("get", "/api/v1/people/"),
        ("post", "/api/v1/people/"),
        ("get", f"/api/v1/people/{people.member.pk}/"),
        ("patch", f"/api/v1/people/{people.member.pk}/"),
        ("post", f"/api/v1/people/{people.member.pk}/deactivate/"),
    ]:
        response = getattr(client, method)(url, {}, format="json")
        assert response.status_code == 401, url
    assert state(people.member)[0]


def test_an_admin_lists_their_agencys_people_only(people):
    body = api(people.admin).get("/api/v1/people/").json()
    usernames = {row["username"] for row in body["results"]}
    assert usernames == {"kc.admin", "kc.deputy", "kc.member", "kc.liaison"}
    member = next(row for row in body["results"] if row["username"] == "kc.member")
    assert member == {
        "id": people.member.pk,
        "username": "kc.member",
        "first_name": "Morgan",
        "last_name": "Member",
        "email": "kc.member@example.org",
        "title": "Detective",
        "profession": "law_enforcement_officer",
        "role": "member",
        "is_agency_admin": False,
        "is_active": True,
        "status": "active",
        "last_login": None,
        "date_joined": member["date_joined"],
    }


def test_the_list_filters_and_refuses_an_unknown_status(people):
    client = api(people.admin)
    found = client.get("/api/v1/people/?q=morgan").json()["results"]
    assert [row["username"] for row in found] == ["kc.member"]
    response = client.get("/api/v1/people/?status=gone")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert "status" in response.json()["fields"]


def test_people_who_are_not_agency_admins_are_refused(people):
    client = api(people.member)
    response = client.get("/api/v1/people/")
    assert response.status_code == 403
    assert response.json() == {
        "code": "permission_denied",
        "detail": "Only your agency's admins manage its people.",
    }
    assert client.post("/api/v1/people/", INVITE, format="json").status_code == 403
    for url in [f"/api/v1/people/{people.liaison.pk}/", f"/api/v1/people/{people.member.pk}/"]:
        assert client.get(url).status_code == 404
        assert client.patch(url, {"role": "liaison"}, format="json").status_code == 404
    assert not User.objects.filter(username="new.analyst").exists()
    assert state(people.liaison)[3] == AgencyRole.LIAISON


def test_another_agencys_person_is_a_404_and_unchanged(people):
    client = api(people.admin)
    before = state(people.other_member)
    base = f"/api/v1/people/{people.other_member.pk}/"
    assert client.get(base).json() == {"code": "not_found", "detail": "Not found."}
    assert client.patch(base, {"is_agency_admin": True}, format="json").status_code == 404
    for verb in ["deactivate", "reactivate", "invitation"]:
        assert client.post(f"{base}{verb}/").status_code == 404
    assert state(people.other_member) == before


def test_an_admin_changes_a_person(people):
    response = api(people.admin).patch(
        f"/api/v1/people/{people.member.pk}/",
        {"role": "liaison", "title": "Sergeant", "is_agency_admin": True},
        format="json",
    )
    assert response.status_code == 200
    assert (response.json()["role"], response.json()["is_agency_admin"]) == ("liaison", True)
    assert state(people.member)[1:] == ("Sergeant", Profession.LAW_ENFORCEMENT, "liaison", True)
    assert AuditRecord.objects.filter(action="person.updated", actor=people.admin).exists()


@pytest.mark.parametrize(
    ("bad", "field"),
    [
        ({"role": "chief"}, "role"),
        ({"profession": "astronaut"}, "profession"),
        ({"title": "x" * 121}, "title"),
        ({"is_agency_admin": "perhaps"}, "is_agency_admin"),
    ],
)
def test_bad_changes_are_a_400_and_change_nothing(people, bad, field):
    before = state(people.member)
    response = api(people.admin).patch(f"/api/v1/people/{people.member.pk}/", bad, format="json")
    assert response.status_code == 400
    assert field in response.json()["fields"]
    assert state(people.member) == before


def test_fields_outside_the_admins_reach_are_ignored_by_the_api(people):
    response = api(people.admin).patch(
        f"/api/v1/people/{people.member.pk}/", {"email": "x@evil.example"}, format="json"
    )
    assert response.status_code == 200
    assert User.objects.get(pk=people.member.pk).email == "kc.member@example.org"


def test_the_last_admin_rule_is_a_400_naming_the_field(people):
    client = api(people.admin)
    client.patch(
        f"/api/v1/people/{people.second_admin.pk}/", {"is_agency_admin": False}, format="json"
    )
    response = client.patch(
        f"/api/v1/people/{people.admin.pk}/", {"is_agency_admin": False}, format="json"
    )
    assert response.status_code == 400
    assert "last active admin" in response.json()["fields"]["is_agency_admin"][0]
    assert state(people.admin)[4] is True


def test_an_admin_invites_a_person(people):
    response = api(people.admin).post("/api/v1/people/", INVITE, format="json")
    assert response.status_code == 201
    body = response.json()
    assert (body["username"], body["status"], body["invitation_sent"]) == (
        "new.analyst",
        "invited",
        True,
    )
    assert User.objects.get(username="new.analyst").profile.agency == people.agency
    assert len(mail.outbox) == 1


@pytest.mark.parametrize(
    ("bad", "field"),
    [
        ({"username": "KC.member"}, "username"),
        ({"username": "a b"}, "username"),
        ({"email": "nope"}, "email"),
        ({"profession": "astronaut"}, "profession"),
        ({"role": "chief"}, "role"),
        ({"first_name": "x" * 151}, "first_name"),
    ],
)
def test_bad_invitations_are_a_400_and_create_nothing(people, bad, field):
    count = User.objects.count()
    response = api(people.admin).post("/api/v1/people/", INVITE | bad, format="json")
    assert response.status_code == 400
    assert field in response.json()["fields"]
    assert User.objects.count() == count
    assert mail.outbox == []


def test_deactivation_over_the_api_stops_the_persons_token(people):
    theirs = bearer_client(people.member)
    response = api(people.admin).post(f"/api/v1/people/{people.member.pk}/deactivate/")
    assert (response.status_code, response.json()["status"]) == (200, "inactive")
    assert theirs.get("/api/v1/me/").status_code == 401
    again = api(people.admin).post(f"/api/v1/people/{people.member.pk}/reactivate/")
    assert again.json()["is_active"] is True


def test_an_admin_cannot_deactivate_themselves_over_the_api(people):
    response = api(people.admin).post(f"/api/v1/people/{people.admin.pk}/deactivate/")
    assert response.status_code == 400
    assert "own account" in response.json()["detail"]
    assert state(people.admin)[0] is True


def test_a_read_token_cannot_change_anyone(people):
    client = bearer_client(people.admin, scope="read")
    assert client.get("/api/v1/people/").status_code == 200
    response = client.patch(
        f"/api/v1/people/{people.member.pk}/", {"role": "liaison"}, format="json"
    )
    assert response.status_code == 403
    assert client.post("/api/v1/people/", INVITE, format="json").status_code == 403
    assert state(people.member)[3] == AgencyRole.MEMBER


def test_put_is_not_offered(people):
    response = api(people.admin).put(f"/api/v1/people/{people.member.pk}/", {}, format="json")
    assert response.status_code == 405


def test_the_people_api_is_in_the_schema(people):
    document = api(people.admin).get("/api/schema/?format=json").json()
    assert {
        "/api/v1/people/",
        "/api/v1/people/{id}/",
        "/api/v1/people/{id}/deactivate/",
        "/api/v1/people/{id}/reactivate/",
        "/api/v1/people/{id}/invitation/",
    } <= set(document["paths"])
