"""The tokens API of agency admins: issue (secret once), list with last use, revoke; the
same confinement as the people API, and tokens that work only where and while they may."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone
from rest_framework.test import APIClient

from activity.models import AuditOutcome, AuditRecord, IdempotentRequest
from agencies import services
from agencies.invitations import invitation_path
from agencies.models import ApiToken
from agencies.services.tokens import token_digest
from tests.agencies.factories import person
from tests.agencies.people_world import PeopleWorld, as_service_account, build_token_world
from tests.conftest import bearer_client
from tests.portal.test_schema_contract import conforms

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(db) -> PeopleWorld:
    return build_token_world()


def api(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def issue(client, **body):
    return client.post("/api/v1/tokens/", {"name": "RMS sync", **body}, format="json")


def with_secret(secret: str, address: str = "127.0.0.1") -> APIClient:
    client = APIClient(REMOTE_ADDR=address)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


def test_an_admin_issues_a_token_for_a_person_of_the_agency_and_sees_the_secret_once(people):
    client = api(people.admin)
    response = issue(client, user=people.member.pk, scope="write", expires_in_days=30)
    assert response.status_code == 201, response.json()
    body = response.json()
    secret = body["secret"]
    assert secret.startswith(body["prefix"]) and body["prefix"].startswith("crx_")
    assert body["user"] == people.member.pk and body["scope"] == "write"
    assert body["state"] == "active" and body["last_used_at"] is None
    token = ApiToken.objects.get(pk=body["id"])
    # Only the digest is kept: the secret is nowhere in the database.
    assert token.digest == token_digest(secret) and secret not in str(vars(token))
    assert "secret" not in client.get(f"/api/v1/tokens/{token.pk}/").json()
    assert all("secret" not in row for row in client.get("/api/v1/tokens/").json()["results"])
    # The token works as the person it was issued for.
    me = with_secret(secret).get("/api/v1/me/")
    assert me.status_code == 200 and me.json()["username"] == people.member.username
    issued = AuditRecord.objects.get(action="token.issued", target_id=str(token.pk))
    assert issued.actor == people.admin and secret not in str(issued.changes)


def test_without_a_person_the_token_is_the_admins_own_and_read_only(people):
    body = issue(api(people.admin)).json()
    assert body["user"] == people.admin.pk and body["scope"] == "read"
    refused = with_secret(body["secret"]).post("/api/v1/cases/", {}, format="json")
    assert refused.status_code == 403
    assert "read-only" in refused.json()["detail"]


def test_the_list_shows_last_use_time_and_address_and_filters_by_state(people):
    client = api(people.admin)
    used = issue(client, user=people.member.pk).json()
    revoked = issue(client, name="Old export").json()
    client.post(f"/api/v1/tokens/{revoked['id']}/revoke/")
    assert with_secret(used["secret"], "203.0.113.7").get("/api/v1/me/").status_code == 200
    rows = {row["id"]: row for row in client.get("/api/v1/tokens/").json()["results"]}
    assert rows[used["id"]]["last_used_from"] == "203.0.113.7"
    assert rows[used["id"]]["last_used_at"] is not None
    assert rows[revoked["id"]]["state"] == "revoked" and rows[revoked["id"]]["revoked_at"]
    active = client.get("/api/v1/tokens/", {"state": "active"}).json()["results"]
    assert [row["id"] for row in active] == [used["id"]]
    assert client.get("/api/v1/tokens/", {"state": "lost"}).status_code == 400


def test_a_revoked_token_answers_401_at_once(people):
    client = api(people.admin)
    body = issue(client, user=people.member.pk).json()
    assert with_secret(body["secret"]).get("/api/v1/me/").status_code == 200
    response = client.post(f"/api/v1/tokens/{body['id']}/revoke/")
    assert response.status_code == 200 and response.json()["state"] == "revoked"
    refused = with_secret(body["secret"]).get("/api/v1/me/")
    assert refused.status_code == 401
    assert refused.json()["code"] == "authentication_failed"
    # Revoking again changes nothing and is not an error.
    again = client.post(f"/api/v1/tokens/{body['id']}/revoke/")
    assert again.status_code == 200
    assert again.json()["revoked_at"] == response.json()["revoked_at"]


def test_a_token_answers_401_from_the_day_it_expires(people):
    body = issue(api(people.admin), expires_in_days=1).json()
    assert with_secret(body["secret"]).get("/api/v1/me/").status_code == 200
    with time_machine.travel(timezone.now() + dt.timedelta(days=1, minutes=1)):
        assert with_secret(body["secret"]).get("/api/v1/me/").status_code == 401
        row = api(people.admin).get(f"/api/v1/tokens/{body['id']}/").json()
        assert row["state"] == "expired"


def test_a_token_with_networks_works_only_from_inside_them_and_a_refusal_is_audited(people):
    body = issue(
        api(people.admin), allowed_networks=["203.0.113.0/24", "2001:db8::1"], scope="write"
    ).json()
    assert body["allowed_networks"] == ["203.0.113.0/24", "2001:db8::1/128"]
    assert with_secret(body["secret"], "203.0.113.200").get("/api/v1/me/").status_code == 200
    assert with_secret(body["secret"], "2001:db8::1").get("/api/v1/me/").status_code == 200
    refused = with_secret(body["secret"], "198.51.100.9").get("/api/v1/me/")
    assert refused.status_code == 401
    assert "address" in refused.json()["detail"]
    record = AuditRecord.objects.get(action="token.refused")
    assert record.outcome == AuditOutcome.DENIED and record.changes == {"address": "198.51.100.9"}
    assert record.agency == people.agency  # the agency admins read it in their trail


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": ""}, "name"),
        ({"scope": "admin"}, "scope"),
        ({"expires_in_days": 0}, "expires_in_days"),
        ({"expires_in_days": 5000}, "expires_in_days"),
        ({"allowed_networks": ["10.0.0.0/33"]}, "allowed_networks"),
        ({"allowed_networks": ["not a network"]}, "allowed_networks"),
        ({"allowed_networks": [f"10.0.{n}.0/24" for n in range(21)]}, "allowed_networks"),
    ],
)
def test_bad_input_is_a_400_naming_the_field_and_issues_nothing(people, body, field):
    response = issue(api(people.admin), **body)
    assert response.status_code == 400
    assert field in response.json()["fields"]
    assert not ApiToken.objects.exists()


def test_a_deactivated_person_gets_no_token(people):
    services.person_set_active(actor=people.admin, user=people.member, active=False)
    assert issue(api(people.admin), user=people.member.pk).status_code == 404
    assert not ApiToken.objects.exists()


def test_other_agencies_tokens_do_not_exist_for_an_admin(people):
    theirs = issue(api(people.other_admin), user=people.other_member.pk).json()
    client = api(people.admin)
    assert client.get(f"/api/v1/tokens/{theirs['id']}/").status_code == 404
    assert client.post(f"/api/v1/tokens/{theirs['id']}/revoke/").status_code == 404
    assert theirs["id"] not in [
        row["id"] for row in client.get("/api/v1/tokens/").json()["results"]
    ]
    # Nor may an admin issue a token that acts as another agency's person.
    assert issue(client, user=people.other_member.pk).status_code == 404
    assert with_secret(theirs["secret"]).get("/api/v1/me/").status_code == 200
    assert not ApiToken.objects.filter(user=people.other_member, revoked_at__isnull=False).exists()


def test_people_who_are_not_admins_are_refused_and_tokens_do_not_exist_for_them(people):
    token = issue(api(people.admin), user=people.member.pk).json()
    for user in (people.member, people.liaison):
        client = api(user)
        assert client.get("/api/v1/tokens/").status_code == 403
        assert issue(client).status_code == 403
        assert client.get(f"/api/v1/tokens/{token['id']}/").status_code == 404
        assert client.post(f"/api/v1/tokens/{token['id']}/revoke/").status_code == 404
    assert APIClient().get("/api/v1/tokens/").status_code == 401
    assert ApiToken.objects.get(pk=token["id"]).revoked_at is None


@pytest.mark.parametrize("scope", ["read", "write"])
def test_a_token_of_an_admin_lists_tokens_but_issues_and_revokes_nothing(people, scope):
    # A leaked token must not make itself new ones: issuing takes a signed-in session.
    target = issue(api(people.admin), user=people.member.pk).json()
    client = bearer_client(people.admin, scope=scope)
    assert client.get("/api/v1/tokens/").status_code == 200
    assert issue(client).status_code == 403
    assert client.post(f"/api/v1/tokens/{target['id']}/revoke/").status_code == 403
    assert ApiToken.objects.get(pk=target["id"]).revoked_at is None
    assert ApiToken.objects.filter(name="RMS sync").count() == 1
    hook = {"url": "https://hooks.example.org/", "kinds": ["case.note_added"]}
    assert client.post("/api/v1/webhooks/", hook, format="json").status_code == 403


def test_tokens_act_as_yourself_or_a_service_account_never_as_a_colleague(people, personas):
    client = api(people.admin)
    coordinator = as_service_account(person(people.agency, username="kc.coordinator"))
    personas.task_force.coordinators.add(coordinator)
    fellow_admin = as_service_account(people.second_admin)
    for colleague in (people.liaison, coordinator, fellow_admin):
        # A person who signs in, a coordinator (registrants, meetings), another admin.
        assert issue(client, user=colleague.pk).status_code == 404
    assert not ApiToken.objects.exists()
    assert issue(client, user=people.admin.pk).status_code == 201
    assert issue(client, user=people.member.pk).status_code == 201


def test_a_service_account_that_accepts_an_invitation_loses_its_tokens(people):
    invited = as_service_account(person(people.agency, username="kc.new"))
    body = issue(api(people.admin), user=invited.pk).json()
    uidb64, token = invitation_path(invited).rstrip("/").split("/")[-2:]
    services.invitation_accept(uidb64=uidb64, token=token, password="kansas city 2026 analyst")
    assert with_secret(body["secret"]).get("/api/v1/me/").status_code == 401


def test_a_retried_issue_does_not_show_the_secret_again(people):
    client = api(people.admin)
    first = client.post(
        "/api/v1/tokens/", {"name": "RMS sync"}, format="json", HTTP_IDEMPOTENCY_KEY="k1"
    )
    again = client.post(
        "/api/v1/tokens/", {"name": "RMS sync"}, format="json", HTTP_IDEMPOTENCY_KEY="k1"
    )
    assert first.status_code == 201 and again.status_code == 409
    assert first.json()["secret"] not in again.content.decode()
    assert again.json()["code"] == "idempotency_key_used"
    assert ApiToken.objects.count() == 1
    assert first.json()["secret"] not in str(IdempotentRequest.objects.values_list("body"))


def test_a_huge_person_id_is_a_400(people):
    response = issue(api(people.admin), user=10**20)
    assert response.status_code == 400 and "user" in response.json()["fields"]


def test_deactivating_the_agency_revokes_its_tokens_for_good(people):
    mine = issue(api(people.admin), user=people.member.pk).json()
    theirs = issue(api(people.other_admin)).json()
    services.agency_set_active(actor=None, agency=people.agency, active=False)
    services.agency_set_active(actor=None, agency=people.agency, active=True)
    assert with_secret(mine["secret"]).get("/api/v1/me/").status_code == 401
    assert ApiToken.objects.get(pk=mine["id"]).revoked_at is not None
    assert with_secret(theirs["secret"]).get("/api/v1/me/").status_code == 200
    record = AuditRecord.objects.get(action="agency.deactivated")
    assert record.changes["tokens_revoked"] == 1


def test_deactivating_the_person_revokes_their_tokens(people):
    body = issue(api(people.admin), user=people.member.pk).json()
    api(people.admin).post(f"/api/v1/people/{people.member.pk}/deactivate/")
    api(people.admin).post(f"/api/v1/people/{people.member.pk}/reactivate/")
    assert with_secret(body["secret"]).get("/api/v1/me/").status_code == 401


def test_every_token_answer_is_what_the_schema_says(people):
    client = api(people.admin)
    schema = client.get("/api/schema/?format=json").json()
    created = issue(client, user=people.member.pk, allowed_networks=["10.0.0.0/8"])
    conforms(schema, "/api/v1/tokens/", "post", created)
    pk = created.json()["id"]
    conforms(schema, "/api/v1/tokens/", "get", client.get("/api/v1/tokens/"))
    conforms(schema, "/api/v1/tokens/{id}/", "get", client.get(f"/api/v1/tokens/{pk}/"))
    revoked = client.post(f"/api/v1/tokens/{pk}/revoke/")
    conforms(schema, "/api/v1/tokens/{id}/revoke/", "post", revoked)
    conforms(schema, "/api/v1/tokens/", "post", issue(client, expires_in_days=0))
    conforms(schema, "/api/v1/tokens/{id}/", "get", client.get("/api/v1/tokens/999999/"))
    conforms(schema, "/api/v1/tokens/", "get", api(people.member).get("/api/v1/tokens/"))
