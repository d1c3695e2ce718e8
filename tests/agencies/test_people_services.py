"""Agency admins manage their own agency's people through the services: who may do what,
what each change does, and the audit record it leaves."""

import datetime as dt
import re

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.test import Client
from django.utils import timezone

from activity.models import AuditRecord
from agencies import access, services
from agencies.invitations import invitation_path, invited_user, is_invited
from agencies.models import AgencyRole, ApiToken, Profession
from tests.agencies.factories import PASSWORD, person
from tests.agencies.people_world import PeopleWorld, build_people_world
from tests.conftest import bearer_client

pytestmark = pytest.mark.django_db
User = get_user_model()
BASE = "https://crossroads.example.org/"


@pytest.fixture
def people(db) -> PeopleWorld:
    return build_people_world()


def actions(user) -> list[str]:
    return list(
        AuditRecord.objects.filter(target_id=str(user.pk), action__startswith="person.")
        .order_by("id")
        .values_list("action", flat=True)
    )


def snapshot(user) -> dict:
    user = User.objects.select_related("profile").get(pk=user.pk)
    profile = user.profile
    return {
        "is_active": user.is_active,
        "email": user.email,
        "password": user.password,
        "title": profile.title,
        "profession": profile.profession,
        "role": profile.role,
        "is_agency_admin": profile.is_agency_admin,
        "agency": profile.agency_id,
    }


def link_in(message) -> str:
    return re.search(r"https://\S+", message.body).group(0)


def invite(actor, **fields):
    data = {
        "username": "new.analyst",
        "email": "new.analyst@kctpd.example.org",
        "first_name": "Nia",
        "last_name": "Analyst",
        "profession": Profession.ANALYST,
        "title": "Crime analyst",
    }
    return services.person_invite(actor=actor, base_url=BASE, **(data | fields))


# The policy


def test_an_agency_admin_manages_their_own_agency_and_no_other(people):
    managed = set(access.manageable_people(people.admin).values_list("user__username", flat=True))
    assert managed == {"kc.admin", "kc.deputy", "kc.member", "kc.liaison"}
    assert access.person_for(people.admin, people.member.pk).user == people.member
    with pytest.raises(Http404):
        access.person_for(people.admin, people.other_member.pk)
    with pytest.raises(Http404):
        access.person_for(people.admin, "not-an-id")
    assert access.can_manage_person(people.admin, people.member)
    assert not access.can_manage_person(people.admin, people.other_member)


def test_people_who_are_not_agency_admins_manage_nobody(people):
    for user in (people.member, people.liaison):
        assert not access.can_manage_people(user)
        assert not access.manageable_people(user).exists()
        with pytest.raises(Http404):
            access.person_for(user, people.member.pk)
        with pytest.raises(PermissionDenied):
            access.require_people_manager(user)


def test_the_admin_of_a_deactivated_agency_manages_nobody(people):
    services.agency_set_active(actor=None, agency=people.agency, active=False)
    people.admin.refresh_from_db()
    assert not access.can_manage_people(people.admin)
    assert not access.manageable_people(people.admin).exists()


def test_a_superuser_in_the_agency_is_not_the_agency_admins_to_manage(people):
    root = person(people.agency, username="root", is_superuser=True)
    assert not access.manageable_people(people.admin).filter(user=root).exists()
    with pytest.raises(PermissionDenied):
        services.person_set_active(actor=people.admin, user=root, active=False)
    assert User.objects.get(pk=root.pk).is_active


# Changes


def test_an_admin_changes_role_title_profession_and_admin_flag_with_an_audit_record(people):
    services.person_update(
        actor=people.admin,
        profile=people.member.profile,
        role=AgencyRole.LIAISON,
        title="Sergeant",
        profession=Profession.ANALYST,
        is_agency_admin=True,
    )
    profile = User.objects.get(pk=people.member.pk).profile
    assert (profile.role, profile.title, profile.profession, profile.is_agency_admin) == (
        AgencyRole.LIAISON,
        "Sergeant",
        Profession.ANALYST,
        True,
    )
    record = AuditRecord.objects.get(action="person.updated", target_id=str(people.member.pk))
    assert record.actor == people.admin
    assert record.agency == people.agency
    assert record.changes["role"] == ["member", "liaison"]
    assert record.changes["is_agency_admin"] == [False, True]


def test_another_agencys_person_cannot_be_changed_and_nothing_changes(people):
    before = snapshot(people.other_member)
    with pytest.raises(PermissionDenied):
        services.person_update(
            actor=people.admin, profile=people.other_member.profile, role=AgencyRole.LIAISON
        )
    with pytest.raises(PermissionDenied):
        services.person_set_active(actor=people.admin, user=people.other_member, active=False)
    with pytest.raises(PermissionDenied):
        services.invitation_resend(actor=people.admin, user=people.other_member, base_url=BASE)
    assert snapshot(people.other_member) == before
    assert actions(people.other_member) == []


def test_a_person_who_is_not_an_admin_changes_nobody(people):
    before = snapshot(people.liaison)
    with pytest.raises(PermissionDenied):
        services.person_update(
            actor=people.member, profile=people.liaison.profile, is_agency_admin=True
        )
    with pytest.raises(PermissionDenied):
        services.person_update(
            actor=people.member, profile=people.member.profile, is_agency_admin=True
        )
    with pytest.raises(PermissionDenied):
        services.person_set_active(actor=people.member, user=people.liaison, active=False)
    with pytest.raises(PermissionDenied):
        invite(people.member)
    assert snapshot(people.liaison) == before
    assert not User.objects.filter(username="new.analyst").exists()


@pytest.mark.parametrize(
    "changes",
    [
        {"email": "someone@evil.example"},
        {"first_name": "Renamed"},
        {"phone": "555"},
        {"profession": "astronaut"},
        {"role": "chief"},
        {"title": "x" * 121},
    ],
)
def test_fields_an_admin_may_not_set_or_bad_values_are_refused_and_nothing_changes(people, changes):
    before = snapshot(people.member)
    with pytest.raises(ValidationError):
        services.person_update(actor=people.admin, profile=people.member.profile, **changes)
    assert snapshot(people.member) == before
    assert actions(people.member) == []


def test_the_last_active_admin_cannot_step_down(people):
    services.person_update(
        actor=people.admin, profile=people.second_admin.profile, is_agency_admin=False
    )
    with pytest.raises(ValidationError) as refused:
        services.person_update(
            actor=people.admin, profile=people.admin.profile, is_agency_admin=False
        )
    assert "last active admin of KCTPD" in refused.value.message_dict["is_agency_admin"][0]
    assert User.objects.get(pk=people.admin.pk).profile.is_agency_admin


def test_an_inactive_admin_does_not_count_as_another_admin(people):
    services.person_set_active(actor=people.admin, user=people.second_admin, active=False)
    with pytest.raises(ValidationError):
        services.person_update(
            actor=people.admin, profile=people.admin.profile, is_agency_admin=False
        )


def test_an_admin_steps_down_while_another_admin_remains(people):
    services.person_update(actor=people.admin, profile=people.admin.profile, is_agency_admin=False)
    people.admin.refresh_from_db()
    assert not access.can_manage_people(User.objects.get(pk=people.admin.pk))


# Deactivation ends everything at once


def test_deactivation_ends_sessions_revokes_tokens_and_is_audited(people):
    browser = Client()
    browser.force_login(people.member)
    api = bearer_client(people.member, scope="write")
    assert api.get("/api/v1/me/").status_code == 200
    someone_else = Client()
    someone_else.force_login(people.liaison)

    services.person_set_active(actor=people.admin, user=people.member, active=False)

    assert browser.get("/").status_code == 302  # signed out
    assert api.get("/api/v1/me/").status_code == 401
    assert someone_else.get("/").status_code == 200
    assert Session.objects.count() == 1
    assert not ApiToken.objects.usable().filter(user=people.member).exists()
    record = AuditRecord.objects.get(action="person.deactivated")
    assert record.actor == people.admin
    assert record.changes == {"is_active": [True, False], "tokens_revoked": 1, "sessions_ended": 1}
    assert AuditRecord.objects.filter(action="token.revoked", actor=people.admin).count() == 1


def test_reactivation_lets_the_person_sign_in_again_but_revives_no_token(people):
    api = bearer_client(people.member)
    services.person_set_active(actor=people.admin, user=people.member, active=False)
    services.person_set_active(actor=people.admin, user=people.member, active=True)
    assert Client().login(username="kc.member", password=PASSWORD)
    assert api.get("/api/v1/me/").status_code == 401
    assert actions(people.member) == ["person.deactivated", "person.activated"]


def test_an_admin_cannot_deactivate_themselves(people):
    assert not access.can_deactivate(people.admin, people.admin)
    with pytest.raises(ValidationError):
        services.person_set_active(actor=people.admin, user=people.admin, active=False)
    assert User.objects.get(pk=people.admin.pk).is_active


# Invitations


def test_an_invitation_creates_an_account_without_password_and_mails_a_link(people):
    user, sent = invite(people.admin, role=AgencyRole.LIAISON, is_agency_admin=True)
    assert sent
    assert user.profile.agency == people.agency
    assert (user.profile.role, user.profile.is_agency_admin) == (AgencyRole.LIAISON, True)
    assert not user.has_usable_password()
    assert is_invited(user)
    [message] = mail.outbox
    assert message.to == ["new.analyst@kctpd.example.org"]
    assert "new.analyst" in message.body
    assert "Alex Admin" in message.body
    assert link_in(message).startswith(BASE + "welcome/")
    assert actions(user) == ["person.created", "person.invited"]
    assert AuditRecord.objects.get(action="person.invited").actor == people.admin


def test_the_invitation_link_sets_the_password_once(people):
    user, _ = invite(people.admin)
    uidb64, token = link_in(mail.outbox[0]).rstrip("/").split("/")[-2:]
    assert invited_user(uidb64, token) == user
    services.invitation_accept(uidb64=uidb64, token=token, password="a long passphrase 2026")
    assert Client().login(username="new.analyst", password="a long passphrase 2026")
    assert invited_user(uidb64, token) is None
    with pytest.raises(ValidationError):
        services.invitation_accept(uidb64=uidb64, token=token, password="another passphrase 9")
    assert User.objects.get(pk=user.pk).check_password("a long passphrase 2026")
    assert actions(user)[-1] == "person.invitation_accepted"


def test_the_invitation_link_expires(people, settings):
    user, _ = invite(people.admin)
    uidb64, token = link_in(mail.outbox[0]).rstrip("/").split("/")[-2:]
    # Still good when a reset link would have died, dead after the invitation's own days.
    reset_expired = timezone.now() + dt.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 60)
    with time_machine.travel(reset_expired):
        assert invited_user(uidb64, token) is not None
    later = timezone.now() + dt.timedelta(seconds=settings.INVITATION_TIMEOUT + 60)
    with time_machine.travel(later):
        assert invited_user(uidb64, token) is None
        with pytest.raises(ValidationError):
            services.invitation_accept(uidb64=uidb64, token=token, password="a long passphrase")
    assert not User.objects.get(pk=user.pk).has_usable_password()


def test_an_invitation_is_no_password_reset_token_and_a_weak_password_is_refused(people):
    user, _ = invite(people.admin)
    uidb64, token = link_in(mail.outbox[0]).rstrip("/").split("/")[-2:]
    assert not default_token_generator.check_token(user, token)
    with pytest.raises(ValidationError):
        services.invitation_accept(uidb64=uidb64, token=token, password="password")
    assert invited_user(uidb64, token) == user  # still usable after a refused password


def test_sending_again_replaces_the_earlier_link(people):
    user, _ = invite(people.admin)
    first = link_in(mail.outbox[0]).rstrip("/").split("/")[-2:]
    assert services.invitation_resend(actor=people.admin, user=user, base_url=BASE)
    second = link_in(mail.outbox[1]).rstrip("/").split("/")[-2:]
    assert invited_user(*first) is None
    assert invited_user(*second) == user
    assert actions(user)[-1] == "person.invitation_resent"


def test_a_used_account_gets_no_new_invitation(people):
    with pytest.raises(ValidationError):
        services.invitation_resend(actor=people.admin, user=people.member, base_url=BASE)
    assert mail.outbox == []


def test_a_deactivated_invitee_cannot_use_their_link(people):
    user, _ = invite(people.admin)
    uidb64, token = link_in(mail.outbox[0]).rstrip("/").split("/")[-2:]
    services.person_set_active(actor=people.admin, user=user, active=False)
    assert invited_user(uidb64, token) is None


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"username": "KC.Member"}, "username"),
        ({"username": "kc.member"}, "username"),
        ({"username": "x" * 151}, "username"),
        ({"username": "no spaces please"}, "username"),
        ({"email": ""}, "email"),
        ({"email": "not-an-address"}, "email"),
        ({"profession": "astronaut"}, "profession"),
        ({"role": "chief"}, "role"),
        ({"title": "x" * 121}, "title"),
    ],
)
def test_bad_invitations_create_nothing_and_send_nothing(people, fields, field):
    count = User.objects.count()
    with pytest.raises(ValidationError) as refused:
        invite(people.admin, **fields)
    assert field in refused.value.message_dict
    assert User.objects.count() == count
    assert mail.outbox == []
    assert not AuditRecord.objects.filter(action="person.invited").exists()


def test_a_mail_server_that_refuses_leaves_the_account_to_invite_again(people, monkeypatch):
    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr("agencies.services.invitations.send_mail", refuse)
    user, sent = invite(people.admin)
    assert not sent
    assert actions(user) == ["person.created", "person.invited", "person.invitation_undelivered"]
    monkeypatch.undo()
    assert services.invitation_resend(actor=people.admin, user=user, base_url=BASE)


def test_the_invitation_path_names_the_person_and_a_token(people):
    user, _ = invite(people.admin)
    assert invitation_path(user).startswith("/welcome/")
