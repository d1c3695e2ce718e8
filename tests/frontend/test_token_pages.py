"""The API tokens pages of agency admins: issue (the secret shown once), list with last use,
revoke; bad input refused; confinement to the admin's own agency."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from agencies.models import ApiToken, TokenScope
from agencies.services import token_issue
from tests.agencies.people_world import PeopleWorld, build_token_world
from tests.frontend.elements import elements

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(db) -> PeopleWorld:
    return build_token_world()


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def issue_form(people, **fields) -> dict:
    return {
        "name": "RMS sync",
        "person": people.member.profile.pk,
        "scope": TokenScope.WRITE,
        "expires_in_days": 30,
        "allowed_networks": "203.0.113.0/24\n198.51.100.7",
        **fields,
    }


def rows(html) -> dict[str, list]:
    return {row.attrs["data-token"]: row for row in elements(html, "tr", attr="data-token")}


def test_an_admin_issues_a_token_and_sees_its_secret_once(people):
    client = signed_in(people.admin)
    form_page = client.get("/agency/tokens/new/")
    assert form_page.status_code == 200
    options = [
        o.attrs["value"] for o in elements(form_page.content, "option") if o.attrs.get("value")
    ]
    # Only the admin's own agency's people can be chosen.
    assert str(people.member.profile.pk) in options
    assert str(people.other_member.profile.pk) not in options
    response = client.post("/agency/tokens/new/", issue_form(people))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    [shown] = elements(response.content, "input", attr="readonly")
    secret = shown.attrs["value"]
    token = ApiToken.objects.get()
    assert (token.user, token.scope, token.allowed_networks) == (
        people.member,
        TokenScope.WRITE,
        ["203.0.113.0/24", "198.51.100.7/32"],
    )
    api = APIClient(REMOTE_ADDR="203.0.113.9")
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert api.get("/api/v1/me/").json()["username"] == people.member.username
    # The list names it by prefix, never shows the secret again, and says where it was used.
    listing = client.get("/agency/tokens/")
    assert secret not in listing.content.decode()
    row = rows(listing.content)[str(token.pk)]
    assert token.prefix in row.text and "203.0.113.9" in row.text


@pytest.mark.parametrize(
    "fields",
    [
        {"name": ""},
        {"allowed_networks": "10.0.0.0/99"},
        {"expires_in_days": 0},
        {"scope": "everything"},
    ],
)
def test_bad_input_shows_the_form_again_with_a_message_and_issues_nothing(people, fields):
    response = signed_in(people.admin).post("/agency/tokens/new/", issue_form(people, **fields))
    assert response.status_code == 400
    assert elements(response.content, cls="field-error") or elements(response.content, cls="errors")
    assert not elements(response.content, "input", attr="readonly")
    assert not ApiToken.objects.exists()


def test_another_agencys_person_cannot_be_chosen(people):
    form = issue_form(people, person=people.other_member.profile.pk)
    assert signed_in(people.admin).post("/agency/tokens/new/", form).status_code == 400
    assert not ApiToken.objects.exists()


def test_an_admin_revokes_after_confirming(people):
    token, secret = token_issue(actor=None, user=people.member, name="Calendar")
    client = signed_in(people.admin)
    confirm = client.get(f"/agency/tokens/{token.pk}/revoke/")
    assert confirm.status_code == 200
    assert elements(confirm.content, "form", attr="action")
    token.refresh_from_db()
    assert token.revoked_at is None  # asking changes nothing
    response = client.post(f"/agency/tokens/{token.pk}/revoke/")
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert api.get("/api/v1/me/").status_code == 401
    listing = client.get("/agency/tokens/?state=revoked")
    assert list(rows(listing.content)) == [str(token.pk)]


def test_the_section_is_for_admins_and_other_agencies_tokens_do_not_exist(people):
    theirs, _ = token_issue(actor=None, user=people.other_member, name="Theirs")
    admin = signed_in(people.admin)
    assert str(theirs.pk) not in rows(admin.get("/agency/tokens/").content)
    assert admin.get(f"/agency/tokens/{theirs.pk}/revoke/").status_code == 404
    assert admin.post(f"/agency/tokens/{theirs.pk}/revoke/").status_code == 404
    member = signed_in(people.member)
    assert member.get("/agency/tokens/").status_code == 403
    assert member.post("/agency/tokens/new/", issue_form(people)).status_code == 403
    assert member.post(f"/agency/tokens/{theirs.pk}/revoke/").status_code == 404
    assert Client().get("/agency/tokens/").status_code == 302  # to the sign-in page
    theirs.refresh_from_db()
    assert theirs.revoked_at is None and ApiToken.objects.count() == 1


def test_the_navigation_offers_tokens_to_admins_only(people):
    def nav_targets(user):
        page = signed_in(user).get("/")
        return {a.attrs.get("href") for a in elements(page.content, "a")}

    assert "/agency/tokens/" in nav_targets(people.admin)
    assert "/agency/tokens/" not in nav_targets(people.member)
