import datetime as dt

import pytest
from django.utils import timezone

from agencies import services
from agencies.models import ApiToken
from tests.agencies.factories import PASSWORD, AgencyFactory, UserFactory, person
from tests.conftest import bearer_client

pytestmark = pytest.mark.django_db


def test_people_of_an_active_agency_log_in(client):
    user = person(AgencyFactory())
    assert client.login(username=user.username, password=PASSWORD)


def test_people_of_a_deactivated_agency_cannot_log_in(client):
    agency = AgencyFactory()
    user = person(agency)
    services.agency_set_active(actor=None, agency=agency, active=False)
    assert not client.login(username=user.username, password=PASSWORD)


def test_deactivating_an_agency_ends_its_open_sessions(client):
    agency = AgencyFactory()
    user = person(agency)
    client.force_login(user)
    assert client.get("/directory/").status_code == 200
    services.agency_set_active(actor=None, agency=agency, active=False)
    response = client.get("/directory/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_an_account_without_agency_logs_in_only_as_superuser(client):
    plain = UserFactory()
    assert not client.login(username=plain.username, password=PASSWORD)
    UserFactory(username="root", is_superuser=True, is_staff=True)
    assert client.login(username="root", password=PASSWORD)


def test_a_bearer_token_authenticates_its_user():
    user = person(AgencyFactory())
    response = bearer_client(user).get("/api/v1/me/")
    assert response.status_code == 200
    assert response.json()["username"] == user.username


@pytest.mark.parametrize("header", ["Bearer nonsense", "Bearer", "Bearer two parts"])
def test_a_bad_bearer_header_is_a_json_401(api_client, header):
    response = api_client.get("/api/v1/me/", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["code"] == "authentication_failed"


def _client_with_token(user, **token_changes):
    client = bearer_client(user)
    ApiToken.objects.filter(user=user).update(**token_changes)
    return client


def test_an_expired_token_is_refused():
    user = person(AgencyFactory())
    client = _client_with_token(user, expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert client.get("/api/v1/me/").status_code == 401


def test_a_revoked_token_is_refused():
    user = person(AgencyFactory())
    client = bearer_client(user)
    services.token_revoke(actor=None, token=ApiToken.objects.get(user=user))
    assert client.get("/api/v1/me/").status_code == 401


def test_a_token_stops_working_when_its_agency_is_deactivated():
    agency = AgencyFactory()
    client = bearer_client(person(agency))
    services.agency_set_active(actor=None, agency=agency, active=False)
    assert client.get("/api/v1/me/").status_code == 401


def test_a_token_stops_working_when_its_user_is_deactivated():
    user = person(AgencyFactory())
    client = bearer_client(user)
    services.person_set_active(actor=None, user=user, active=False)
    assert client.get("/api/v1/me/").status_code == 401


def test_a_read_token_cannot_write_and_a_write_token_can_try():
    user = person(AgencyFactory())
    read = bearer_client(user, scope="read").post("/api/v1/agencies/", {}, format="json")
    assert read.status_code == 403
    assert "read-only" in read.json()["detail"]
    write = bearer_client(user, scope="write").post("/api/v1/agencies/", {}, format="json")
    assert write.status_code == 405


def test_token_use_is_recorded():
    user = person(AgencyFactory())
    bearer_client(user).get("/api/v1/me/")
    assert ApiToken.objects.get(user=user).last_used_at is not None
