"""Signing in: lock-out after failures (CJIS 5.5.3), its unlocking, the per-address throttle,
one answer for every refusal, open redirects, the system-use notice, and the audit of it all.
"""

import datetime as dt
import re
from types import SimpleNamespace

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone

from activity.models import AuditRecord
from agencies import services
from agencies.models import AccountLock
from tests.agencies.factories import PASSWORD, AgencyFactory, UserFactory, person
from tests.conftest import bearer_client

pytestmark = pytest.mark.django_db

WRONG = "not-the-password-at-all"
T0 = dt.datetime(2026, 3, 2, 15, 0, tzinfo=dt.UTC)


@pytest.fixture
def people(db):
    home = AgencyFactory(name="Home Police Department", short_name="HOME")
    other = AgencyFactory(name="Other Police Department", short_name="OTHER")
    return SimpleNamespace(
        home=home,
        other=other,
        officer=person(home, username="officer"),
        admin=person(home, username="home.admin", is_agency_admin=True),
        member=person(home, username="home.member"),
        other_admin=person(other, username="other.admin", is_agency_admin=True),
        root=UserFactory(username="root", is_superuser=True, is_staff=True),
    )


def attempt(client, username, password=WRONG, path="/login/", **extra):
    return client.post(path, {"username": username, "password": password}, **extra)


def fail(client, username, times, **extra):
    for _ in range(times):
        assert attempt(client, username, **extra).status_code == 200


def signs_in(username, password=PASSWORD, **extra) -> bool:
    response = attempt(Client(), username, password, **extra)
    return response.status_code == 302


def error_text(response) -> str:
    match = re.search(r'<div class="error" role="alert">(.*?)</div>', response.content.decode())
    assert match, "the sign-in form shows no error"
    return match.group(1)


def test_four_failures_do_not_lock_the_account(client, people):
    fail(client, "officer", 4)
    assert signs_in("officer")
    assert not AccountLock.objects.exists()


def test_the_fifth_failure_locks_the_account(client, people):
    fail(client, "officer", 5)
    assert not signs_in("officer")
    assert AccountLock.objects.filter(username="officer").exists()


def test_the_lock_outlasts_the_window_until_the_agency_admin_unlocks_it(people):
    with time_machine.travel(T0, tick=False) as traveller:
        fail(Client(), "officer", 5)
        traveller.shift(dt.timedelta(minutes=16))
        assert not signs_in("officer")
        traveller.shift(dt.timedelta(days=3))
        assert not signs_in("officer")
        assert services.account_unlock(actor=people.admin, user=people.officer) is True
        assert signs_in("officer")


def test_failures_spread_beyond_fifteen_minutes_do_not_lock(people):
    with time_machine.travel(T0, tick=False) as traveller:
        fail(Client(), "officer", 4)
        traveller.shift(dt.timedelta(minutes=16))
        # Five in a row, but only one within the last fifteen minutes.
        fail(Client(), "officer", 1)
        assert not AccountLock.objects.exists()
        traveller.shift(dt.timedelta(minutes=5))
        fail(Client(), "officer", 3)
        assert not AccountLock.objects.exists()
        fail(Client(), "officer", 1)
        assert AccountLock.objects.filter(username="officer").exists()


def test_a_completed_sign_in_ends_the_run_of_failures(client, people):
    fail(client, "officer", 4)
    assert signs_in("officer")
    fail(client, "officer", 4)
    assert signs_in("officer")
    assert not AccountLock.objects.exists()


def test_locked_unknown_and_wrong_password_get_one_answer(client, people):
    wrong = error_text(attempt(client, "home.member"))
    unknown = error_text(attempt(client, "nobody.here"))
    fail(client, "officer", 5)
    locked = attempt(client, "officer", PASSWORD)
    assert locked.status_code == 200
    assert error_text(locked) == wrong == unknown
    assert "correct username and password" in wrong


def test_unknown_usernames_lock_like_real_ones(client, people):
    fail(client, "nobody.here", 5)
    assert AccountLock.objects.filter(username="nobody.here").exists()


def test_an_agency_admin_unlocks_their_own_people_only(client, people):
    fail(client, "officer", 5)
    with pytest.raises(PermissionDenied):
        services.account_unlock(actor=people.other_admin, user=people.officer)
    with pytest.raises(PermissionDenied):
        services.account_unlock(actor=people.member, user=people.officer)
    assert not signs_in("officer")
    assert not AuditRecord.objects.filter(action="signin.unlocked").exists()
    assert services.account_unlock(actor=people.admin, user=people.officer)
    assert signs_in("officer")


def test_a_superuser_unlocks_anyone(client, people):
    fail(client, "other.admin", 5)
    assert services.account_unlock(actor=people.root, user=people.other_admin)
    assert signs_in("other.admin")


def test_an_agency_admin_cannot_unlock_an_account_without_agency(client, people):
    fail(client, "root", 5)
    with pytest.raises(PermissionDenied):
        services.account_unlock(actor=people.admin, user=people.root)


def test_one_address_failing_across_many_accounts_is_throttled(people, settings):
    settings.SIGNIN_ADDRESS_FAILURE_LIMIT = 8
    attacker = {"REMOTE_ADDR": "203.0.113.7"}
    with time_machine.travel(T0, tick=False) as traveller:
        for name in ["a", "b", "c", "d", "e", "f", "g", "h"]:
            fail(Client(), f"guess.{name}", 1, **attacker)
        # No account is locked, but the address is refused even the right password...
        assert not AccountLock.objects.exists()
        assert not signs_in("officer", **attacker)
        # ...while everyone else signs in.
        assert signs_in("officer", REMOTE_ADDR="198.51.100.20")
        traveller.shift(dt.timedelta(minutes=16))
        assert signs_in("officer", **attacker)


def test_the_admin_login_counts_toward_the_lock(client, people):
    fail(client, "root", 5, path="/admin/login/")
    assert AccountLock.objects.filter(username="root").exists()
    assert attempt(Client(), "root", PASSWORD, path="/admin/login/").status_code == 200
    assert not signs_in("root")


def test_the_test_client_signs_in_and_respects_a_lock(client, people):
    assert Client().login(username="officer", password=PASSWORD)
    fail(client, "officer", 5)
    assert not Client().login(username="officer", password=PASSWORD)


def test_bearer_tokens_are_unaffected_by_a_lock(client, people):
    fail(client, "officer", 5)
    response = bearer_client(people.officer).get("/api/v1/me/")
    assert response.status_code == 200


def test_a_new_session_key_at_sign_in(people):
    client = Client()
    session = client.session
    session["seen"] = True
    session.save()
    before = client.cookies["sessionid"].value
    assert attempt(client, "officer", PASSWORD).status_code == 302
    assert client.cookies["sessionid"].value != before


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/", "http://evil.example/x"]
)
def test_a_next_to_another_host_is_refused(people, target):
    client = Client()
    response = client.post("/login/", {"username": "officer", "password": PASSWORD, "next": target})
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_a_next_on_the_portal_is_followed(people):
    response = Client().post(
        "/login/", {"username": "officer", "password": PASSWORD, "next": "/directory/"}
    )
    assert response["Location"] == "/directory/"


def test_the_sign_in_page_shows_the_system_use_notice(client, settings):
    page = client.get("/login/").content.decode()
    assert "System use notice" in page
    assert "may be monitored, recorded and audited" in page
    settings.SYSTEM_USE_NOTICE = "Authorized task force use only. Notice 42."
    assert "Notice 42." in client.get("/login/").content.decode()
    assert "Notice 42." in client.get("/admin/login/").content.decode()


def test_the_development_sign_in_page_says_mfa_is_off(client, settings):
    # pytest-django runs the suite with DEBUG off; a developer's machine has it on.
    settings.DEBUG = True
    settings.REQUIRE_MFA = False
    assert "two-step sign-in is off" in client.get("/login/").content.decode()
    settings.REQUIRE_MFA = True
    assert "two-step sign-in is off" not in client.get("/login/").content.decode()


def records(action):
    return list(AuditRecord.objects.filter(action=action).order_by("id"))


def test_sign_in_success_and_sign_out_are_audited(people):
    client = Client()
    attempt(client, "officer", PASSWORD, REMOTE_ADDR="198.51.100.20")
    (success,) = records("signin.succeeded")
    assert success.actor == people.officer
    assert success.changes == {"factors": ["password"]}
    assert success.ip_address == "198.51.100.20"
    client.post("/logout/")
    (signed_out,) = records("signin.signed_out")
    assert signed_out.actor == people.officer


def test_failures_are_audited_with_the_name_cleaned_of_control_characters(client, people):
    attempt(client, "officer")
    forged = "mallory\n2026-03-02 signin.succeeded admin\x1b[0m\u202e"
    attempt(client, forged)
    known, unknown = records("signin.failed")
    assert known.target_id == str(people.officer.pk)
    assert known.changes == {"username": "officer", "step": "password"}
    assert known.actor is None
    assert unknown.target_id == ""
    assert unknown.changes["username"] == "mallory2026-03-02 signin.succeeded admin[0m"


def test_the_lock_and_the_unlock_are_audited(client, people):
    fail(client, "officer", 7)
    (lock,) = records("signin.locked")
    assert lock.target_id == str(people.officer.pk)
    assert lock.changes == {"username": "officer"}
    assert len(records("signin.failed")) == 7
    services.account_unlock(actor=people.admin, user=people.officer)
    (unlock,) = records("signin.unlocked")
    assert (unlock.actor, unlock.target_id) == (people.admin, str(people.officer.pk))


def test_unlocking_an_account_that_is_not_locked_changes_nothing(people):
    assert services.account_unlock(actor=people.admin, user=people.officer) is False
    assert not records("signin.unlocked")


def test_the_lock_is_kept_in_axes_records_of_the_attempts(client, people):
    from axes.models import AccessFailureLog

    fail(client, "officer", 5, REMOTE_ADDR="198.51.100.20")
    failures = AccessFailureLog.objects.filter(username="officer")
    assert failures.count() == 5
    assert set(failures.values_list("ip_address", flat=True)) == {"198.51.100.20"}
    # The password field never reaches axes' records.
    assert WRONG not in str(list(failures.values()))
    assert AccountLock.objects.get().locked_at <= timezone.now()


def test_a_failed_sign_in_is_a_failure_the_accounts_agency_admins_read(client, people):
    from activity.models import AuditOutcome, AuditRecord

    fail(client, "officer", 1)
    record = AuditRecord.objects.get(action="signin.failed")
    assert record.outcome == AuditOutcome.FAILURE
    assert record.actor is None and record.agency == people.home
    fail(client, "nobody.here", 1)
    unknown = AuditRecord.objects.filter(action="signin.failed").latest("id")
    assert unknown.outcome == AuditOutcome.FAILURE and unknown.agency is None
