"""The people pages of agency admins: who reaches them, what each action does, bad input,
and confinement to the admin's own agency."""

import re

import pytest
from channels.db import database_sync_to_async
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from activity.models import AuditRecord
from agencies.models import AgencyRole, Profession
from agencies.services import token_issue
from tests.agencies.factories import PASSWORD, person
from tests.agencies.people_world import PeopleWorld, build_people_world
from tests.conftest import bearer_client
from tests.portal.test_consumers import closed_after_accept, connect, run, session_cookie, socket

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.fixture
def people(db) -> PeopleWorld:
    return build_people_world()


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def state(user) -> tuple:
    user = User.objects.select_related("profile").get(pk=user.pk)
    p = user.profile
    return (user.is_active, user.password, p.title, p.profession, p.role, p.is_agency_admin)


def person_urls(user) -> dict[str, str]:
    return {
        "detail": f"/agency/people/{user.pk}/",
        "deactivate": f"/agency/people/{user.pk}/deactivate/",
        "reactivate": f"/agency/people/{user.pk}/reactivate/",
        "invitation": f"/agency/people/{user.pk}/invitation/",
    }


CHANGE = {"title": "Sergeant", "profession": Profession.ANALYST, "role": AgencyRole.LIAISON}
INVITE = {
    "first_name": "Nia",
    "last_name": "Analyst",
    "username": "new.analyst",
    "email": "new.analyst@kctpd.example.org",
    "title": "Crime analyst",
    "profession": Profession.ANALYST,
    "role": AgencyRole.MEMBER,
}


# Who reaches the section


@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_visitors_are_sent_to_sign_in(client, people, method):
    urls = ["/agency/people/", "/agency/people/invite/", *person_urls(people.member).values()]
    for url in urls:
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/login/?next="), url
    assert state(people.member)[0]


def test_people_who_are_not_agency_admins_are_refused_the_section(people):
    client = signed_in(people.liaison)
    assert client.get("/agency/people/").status_code == 403
    assert client.get("/agency/people/invite/").status_code == 403
    assert client.post("/agency/people/invite/", INVITE).status_code == 403
    assert not User.objects.filter(username="new.analyst").exists()
    # A person's page does not exist for them, colleague or not.
    before = state(people.member)
    for url in person_urls(people.member).values():
        assert client.get(url).status_code in (404, 405), url
        assert client.post(url, CHANGE).status_code == 404, url
    assert state(people.member) == before


def test_another_agencys_people_do_not_exist_for_an_admin_and_stay_unchanged(people):
    client = signed_in(people.admin)
    before = state(people.other_member)
    for url in person_urls(people.other_member).values():
        response = client.post(url, {**CHANGE, "is_agency_admin": "on"})
        assert response.status_code == 404, url
        assert "Not found" in response.content.decode()
    assert client.get(f"/agency/people/{people.other_member.pk}/").status_code == 404
    assert client.get(f"/agency/people/{people.other_member.pk}/deactivate/").status_code == 404
    assert client.get("/agency/people/999999/").status_code == 404
    assert state(people.other_member) == before
    assert not AuditRecord.objects.filter(target_id=str(people.other_member.pk)).exists()


def test_the_header_links_the_section_for_agency_admins_only(people):
    assert 'href="/agency/people/"' in signed_in(people.admin).get("/").content.decode()
    assert 'href="/agency/people/"' not in signed_in(people.member).get("/").content.decode()


def test_the_list_shows_the_agencys_people_and_no_one_else(people):
    page = signed_in(people.admin).get("/agency/people/").content.decode()
    for text in ["Morgan Member", "kc.member", "Detective", "Law enforcement officer", "Liaison"]:
        assert text in page
    assert "Agency admin" in page
    assert "never" in page  # nobody has signed in yet
    assert "Outsider" not in page
    assert "oc.member" not in page


def test_the_list_filters_by_status_and_text(people):
    client = signed_in(people.admin)
    client.post(f"/agency/people/{people.liaison.pk}/deactivate/")
    inactive = client.get("/agency/people/?status=inactive").content.decode()
    assert "kc.liaison" in inactive
    assert "kc.member" not in inactive
    found = client.get("/agency/people/?q=morgan").content.decode()
    assert "kc.member" in found
    assert "kc.deputy" not in found
    assert client.get("/agency/people/?status=bogus").status_code == 200


def test_text_in_people_fields_is_shown_escaped(people):
    people.member.first_name = "<script>alert(1)</script>"
    people.member.save()
    profile = people.member.profile
    profile.title = '<img src=x onerror="alert(2)">'
    profile.save()
    client = signed_in(people.admin)
    for url in ["/agency/people/", f"/agency/people/{people.member.pk}/"]:
        page = client.get(url).content.decode()
        assert "<script>alert(1)" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
        assert "<img src=x" not in page


# Changes


def test_an_admin_changes_a_persons_role_title_profession_and_admin_flag(people):
    client = signed_in(people.admin)
    response = client.post(
        f"/agency/people/{people.member.pk}/", {**CHANGE, "is_agency_admin": "on"}
    )
    assert response.status_code == 302
    assert state(people.member)[2:] == ("Sergeant", Profession.ANALYST, AgencyRole.LIAISON, True)
    record = AuditRecord.objects.get(action="person.updated")
    assert (record.actor, record.target_id) == (people.admin, str(people.member.pk))
    assert "is updated" in client.get(response["Location"]).content.decode()


@pytest.mark.parametrize(
    "bad",
    [
        {"profession": "astronaut"},
        {"role": "chief"},
        {"title": "x" * 121},
        {"role": ""},
    ],
)
def test_bad_changes_are_a_form_error_and_change_nothing(people, bad):
    before = state(people.member)
    response = signed_in(people.admin).post(f"/agency/people/{people.member.pk}/", CHANGE | bad)
    assert response.status_code == 400
    assert 'class="field-error"' in response.content.decode()
    assert state(people.member) == before


def test_the_last_active_admin_cannot_remove_their_own_admin_flag(people):
    client = signed_in(people.admin)
    client.post(f"/agency/people/{people.second_admin.pk}/", {**CHANGE})
    response = client.post(f"/agency/people/{people.admin.pk}/", {**CHANGE})
    assert response.status_code == 400
    page = response.content.decode()
    assert "You are the last active admin of KCTPD" in page
    # The page shows the person as stored, not the refused change.
    assert 'type="checkbox" name="is_agency_admin"' in page
    assert state(people.admin)[5] is True


def test_an_admin_who_steps_down_leaves_the_section(people):
    client = signed_in(people.admin)
    response = client.post(f"/agency/people/{people.admin.pk}/", CHANGE)
    assert (response.status_code, response["Location"]) == (302, "/")
    assert state(people.admin)[5] is False
    assert client.get("/agency/people/").status_code == 403


def test_every_action_needs_the_csrf_token(people):
    client = Client(enforce_csrf_checks=True)
    client.force_login(people.admin)
    before = state(people.member)
    for url in person_urls(people.member).values():
        assert client.post(url, CHANGE).status_code == 403
    assert client.post("/agency/people/invite/", INVITE).status_code == 403
    assert state(people.member) == before


# Deactivation and reactivation


def test_deactivation_asks_for_confirmation_first(people):
    client = signed_in(people.admin)
    page = client.get(f"/agency/people/{people.member.pk}/deactivate/").content.decode()
    assert "Deactivate Morgan Member?" in page
    assert f'action="/agency/people/{people.member.pk}/deactivate/"' in page
    assert state(people.member)[0] is True


def test_deactivation_signs_the_person_out_and_stops_their_tokens(people):
    theirs = signed_in(people.member)
    token = bearer_client(people.member)
    assert theirs.get("/").status_code == 200
    response = signed_in(people.admin).post(f"/agency/people/{people.member.pk}/deactivate/")
    assert response.status_code == 302
    assert state(people.member)[0] is False
    assert theirs.get("/").status_code == 302
    assert token.get("/api/v1/me/").status_code == 401
    assert not Client().login(username="kc.member", password=PASSWORD)
    record = AuditRecord.objects.get(action="person.deactivated")
    assert record.actor == people.admin
    assert record.changes["sessions_ended"] == 1


def test_an_admin_cannot_deactivate_themselves_from_the_page(people):
    client = signed_in(people.admin)
    page = client.get(f"/agency/people/{people.admin.pk}/").content.decode()
    assert "Deactivate…" not in page
    assert "You cannot deactivate your own account" in page
    response = client.post(f"/agency/people/{people.admin.pk}/deactivate/", follow=True)
    assert "You cannot deactivate your own account" in response.content.decode()
    assert state(people.admin)[0] is True


def test_reactivation_lets_the_person_sign_in_again(people):
    client = signed_in(people.admin)
    client.post(f"/agency/people/{people.member.pk}/deactivate/")
    page = client.get(f"/agency/people/{people.member.pk}/").content.decode()
    assert "Reactivate" in page
    assert client.get(f"/agency/people/{people.member.pk}/reactivate/").status_code == 405
    client.post(f"/agency/people/{people.member.pk}/reactivate/")
    assert state(people.member)[0] is True
    assert Client().login(username="kc.member", password=PASSWORD)
    assert AuditRecord.objects.filter(action="person.activated", actor=people.admin).exists()


# Invitations


def link_in(message) -> str:
    return re.search(r"http://testserver(/welcome/\S+)", message.body).group(1)


def test_an_admin_invites_a_person_who_sets_their_password_once(people):
    client = signed_in(people.admin)
    response = client.post("/agency/people/invite/", {**INVITE, "is_agency_admin": "on"})
    invited = User.objects.get(username="new.analyst")
    assert response["Location"] == f"/agency/people/{invited.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "Invitation sent to new.analyst@kctpd.example.org" in page
    assert "Invited" in page
    assert invited.profile.agency == people.agency
    assert invited.profile.is_agency_admin
    assert not invited.has_usable_password()

    link = link_in(mail.outbox[0])
    visitor = Client()
    form = visitor.get(link)
    assert form.status_code == 200
    assert "Choose the password of <strong>new.analyst</strong>" in form.content.decode()
    assert form["Cache-Control"].startswith("max-age=0")
    mismatch = visitor.post(link, {"new_password1": "a long passphrase", "new_password2": "x"})
    assert mismatch.status_code == 400
    weak = visitor.post(link, {"new_password1": "password", "new_password2": "password"})
    assert weak.status_code == 400
    assert "too common" in weak.content.decode()
    done = visitor.post(
        link, {"new_password1": "a long passphrase 7", "new_password2": "a long passphrase 7"}
    )
    assert done["Location"] == "/login/"
    assert visitor.login(username="new.analyst", password="a long passphrase 7")

    again = Client().get(link)
    assert again.status_code == 404
    assert "This link does not work any more" in again.content.decode()
    replay = Client().post(
        link, {"new_password1": "taken over 123", "new_password2": "taken over 123"}
    )
    assert replay.status_code == 404
    assert User.objects.get(pk=invited.pk).check_password("a long passphrase 7")


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ({"username": "kc.member"}, "This username is taken."),
        ({"username": "KC.MEMBER"}, "This username is taken."),
        ({"username": "x" * 151}, "at most 150 characters"),
        ({"username": "two words"}, "Enter a valid username"),
        ({"email": "nope"}, "Enter a valid email address"),
        ({"email": ""}, "This field is required"),
        ({"profession": "astronaut"}, "Select a valid choice"),
        ({"role": "chief"}, "Select a valid choice"),
        ({"title": "x" * 121}, "at most 120 characters"),
        ({"first_name": "x" * 151}, "at most 150 characters"),
    ],
)
def test_bad_invitations_are_form_errors_and_create_nothing(people, bad, message):
    count = User.objects.count()
    response = signed_in(people.admin).post("/agency/people/invite/", INVITE | bad)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert User.objects.count() == count
    assert mail.outbox == []


def test_an_invited_name_with_script_is_stored_as_text_and_shown_escaped(people):
    client = signed_in(people.admin)
    client.post("/agency/people/invite/", INVITE | {"first_name": "<script>x()</script>"})
    invited = User.objects.get(username="new.analyst")
    assert invited.first_name == "<script>x()</script>"
    page = client.get(f"/agency/people/{invited.pk}/").content.decode()
    assert "<script>x()" not in page
    assert "&lt;script&gt;x()&lt;/script&gt;" in page


def test_an_admin_sends_an_invitation_again_and_the_old_link_dies(people):
    client = signed_in(people.admin)
    client.post("/agency/people/invite/", INVITE)
    invited = User.objects.get(username="new.analyst")
    first = link_in(mail.outbox[0])
    client.post(f"/agency/people/{invited.pk}/invitation/")
    second = link_in(mail.outbox[1])
    assert Client().get(first).status_code == 404
    assert Client().get(second).status_code == 200
    # Someone who has used their account gets no invitation.
    response = client.post(f"/agency/people/{people.member.pk}/invitation/", follow=True)
    assert "never been used gets a new invitation" in response.content.decode()
    assert len(mail.outbox) == 2


def test_a_forged_invitation_link_is_a_404(people):
    for link in [
        "/welcome/MQ/abc-def/",
        "/welcome/!!!/x/",
        "/welcome/OTk5OTk5OTk5OTk5OTk5OTk5OTk5/a-b/",
    ]:
        assert Client().get(link).status_code == 404


@pytest.mark.django_db(transaction=True)
def test_deactivation_from_the_page_closes_the_persons_open_sockets():
    people = build_people_world()
    cookie = session_cookie(people.member)
    _, secret = token_issue(actor=None, user=people.member, name="rms")
    admin = signed_in(people.admin)

    async def scenario():
        browser = await connect(socket(cookie))
        integration = await connect(socket(extra=[(b"authorization", f"Bearer {secret}".encode())]))
        response = await database_sync_to_async(admin.post)(
            f"/agency/people/{people.member.pk}/deactivate/"
        )
        assert response.status_code == 302
        for communicator in (browser, integration):
            message = await communicator.receive_output(timeout=5)
            assert (message["type"], message["code"]) == ("websocket.close", 4403)
        # Reconnecting with the old session or token is refused.
        assert await closed_after_accept(socket(cookie)) == 4401

    run(scenario)


def test_the_list_takes_the_same_queries_for_many_people(people):
    client = signed_in(people.admin)
    with CaptureQueriesContext(connection) as few:
        client.get("/agency/people/")
    for i in range(10):
        person(people.agency, username=f"kc.extra{i}")
    with CaptureQueriesContext(connection) as many:
        page = client.get("/agency/people/").content.decode()
    assert "kc.extra9" in page
    assert len(many.captured_queries) == len(few.captured_queries)


# Sign-in actions: unlocking a locked account, resetting a lost authenticator.


def lock(user) -> None:
    """Five failed sign-ins in a row, as a person who forgot their password makes them."""
    for _ in range(5):
        Client().post("/login/", {"username": user.username, "password": "not the password"})


def test_an_admin_unlocks_a_locked_person_from_their_page(people):
    from agencies.models import AccountLock

    lock(people.member)
    client = signed_in(people.admin)
    page = client.get(f"/agency/people/{people.member.pk}/")
    assert page.context["locked"] is True
    response = client.post(f"/agency/people/{people.member.pk}/unlock/")
    assert response.status_code == 302
    assert not AccountLock.objects.filter(username=people.member.username).exists()
    assert AuditRecord.objects.filter(action="signin.unlocked").exists()
    signed = Client().post("/login/", {"username": people.member.username, "password": PASSWORD})
    assert signed.status_code == 302


def test_another_agencys_admin_cannot_unlock_or_reset(people):
    from agencies.models import AccountLock
    from tests.agencies.test_mfa import enrolled

    lock(people.member)
    enrolled(people.member)
    client = signed_in(people.other_admin)
    for action in ("unlock", "mfa-reset"):
        response = client.post(f"/agency/people/{people.member.pk}/{action}/", {"confirm": "yes"})
        assert response.status_code == 404
    assert AccountLock.objects.filter(username=people.member.username).exists()
    from django_otp.plugins.otp_totp.models import TOTPDevice

    assert TOTPDevice.objects.filter(user=people.member).exists()


def test_an_admin_resets_a_lost_authenticator_after_confirming(people):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tests.agencies.test_mfa import enrolled

    enrolled(people.member)
    client = signed_in(people.admin)
    assert client.get(f"/agency/people/{people.member.pk}/").context["has_authenticator"]
    unconfirmed = client.post(f"/agency/people/{people.member.pk}/mfa-reset/")
    assert unconfirmed.status_code == 302
    assert TOTPDevice.objects.filter(user=people.member).exists()
    client.post(f"/agency/people/{people.member.pk}/mfa-reset/", {"confirm": "yes"})
    assert not TOTPDevice.objects.filter(user=people.member).exists()
    assert AuditRecord.objects.filter(action="mfa.reset").exists()
