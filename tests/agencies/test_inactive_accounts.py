"""Accounts unused for 90 days are disabled by `manage.py disable_inactive_accounts` (run
daily): last sign-in, the use of the account's tokens and a reactivation all count as use."""

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from activity.models import AuditRecord
from agencies import services
from tests.agencies.factories import PASSWORD, AgencyFactory, UserFactory, person
from tests.conftest import bearer_client

pytestmark = pytest.mark.django_db

T0 = dt.datetime(2026, 1, 5, 15, 0, tzinfo=dt.UTC)


def days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


def disable(*args) -> str:
    out = StringIO()
    call_command("disable_inactive_accounts", *args, stdout=out)
    return out.getvalue()


def account(username: str):
    return get_user_model().objects.get(username=username)


def active(username: str) -> bool:
    return account(username).is_active


def test_accounts_unused_for_ninety_days_are_disabled_and_audited():
    with time_machine.travel(T0, tick=False) as traveller:
        agency = AgencyFactory()
        for name in ["never", "signer", "integration"]:
            person(agency, username=name)
        UserFactory(username="root", is_superuser=True)
        traveller.shift(days(50))
        assert Client().login(username="signer", password=PASSWORD)
        traveller.shift(days(30))
        assert bearer_client(account("integration")).get("/api/v1/me/").status_code == 200
        traveller.shift(days(20))

        report = disable()
        assert "2 account(s) unused for 90 days disabled" in report
        assert [active(n) for n in ["never", "root", "signer", "integration"]] == [
            False,
            False,
            True,
            True,
        ]
        reasons = AuditRecord.objects.filter(action="account.disabled_inactive")
        assert sorted(r.target_repr for r in reasons) == ["never", "root"]
        assert AuditRecord.objects.filter(action="person.deactivated").count() == 2

        traveller.shift(days(41))
        disable()
        assert not active("signer")
        assert active("integration")


def test_a_reactivated_account_gets_ninety_days_again():
    with time_machine.travel(T0, tick=False) as traveller:
        user = person(AgencyFactory(), username="returning")
        traveller.shift(days(91))
        disable()
        assert not active("returning")
        user.refresh_from_db()
        services.person_set_active(actor=None, user=user, active=True)
        traveller.shift(days(1))
        assert disable().startswith("0 account(s)")
        assert active("returning")
        traveller.shift(days(90))
        disable()
        assert not active("returning")


def test_a_dry_run_lists_and_changes_nothing():
    with time_machine.travel(T0, tick=False) as traveller:
        person(AgencyFactory(), username="quiet")
        traveller.shift(days(91))
        report = disable("--dry-run")
        assert "quiet" in report and "would be disabled" in report
        assert active("quiet")
        assert not AuditRecord.objects.filter(action="account.disabled_inactive").exists()
