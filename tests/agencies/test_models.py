import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from agencies.models import Agency, MembershipRole, TaskForceMembership
from tests.agencies.factories import AgencyFactory, MembershipFactory, TaskForceFactory

pytestmark = pytest.mark.django_db


def test_an_agency_has_one_group_of_its_own():
    first, second = AgencyFactory(), AgencyFactory()
    assert first.group != second.group
    assert first.group.agency == first


def test_an_agency_cannot_share_another_agencys_group():
    agency = AgencyFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Agency.objects.create(name="Copy", short_name="COPY", kind="other", group=agency.group)


@pytest.mark.parametrize("short_name", ["kcpd", "K", "KC PD", "1KCPD", "A" * 17])
def test_it_refuses_malformed_short_names(short_name):
    agency = AgencyFactory.build(short_name=short_name)
    with pytest.raises(ValidationError) as error:
        agency.full_clean(exclude=["group"])
    assert "short_name" in error.value.message_dict


def test_it_refuses_an_unknown_time_zone():
    task_force = TaskForceFactory.build(time_zone="America/Gotham")
    with pytest.raises(ValidationError) as error:
        task_force.full_clean(exclude=["lead_agency"])
    assert "time_zone" in error.value.message_dict


def test_the_default_time_zone_is_chicago():
    assert TaskForceFactory().time_zone == "America/Chicago"


def test_an_agency_has_at_most_one_open_membership_per_task_force():
    membership = MembershipFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        TaskForceMembership.objects.create(
            task_force=membership.task_force,
            agency=membership.agency,
            role=MembershipRole.MEMBER,
            joined_on=dt.date(2022, 1, 1),
        )


def test_ended_memberships_stay_beside_a_new_one():
    membership = MembershipFactory(left_on=dt.date(2022, 6, 1))
    TaskForceMembership.objects.create(
        task_force=membership.task_force,
        agency=membership.agency,
        role=MembershipRole.AFFILIATE,
        joined_on=dt.date(2023, 1, 1),
    )
    assert membership.agency.memberships.count() == 2


def test_a_membership_cannot_end_before_it_starts():
    with pytest.raises(IntegrityError), transaction.atomic():
        MembershipFactory(joined_on=dt.date(2022, 1, 1), left_on=dt.date(2021, 1, 1))


def test_current_memberships_exclude_ended_and_future_ones():
    today = dt.date(2024, 5, 1)
    current = MembershipFactory(joined_on=dt.date(2024, 1, 1))
    MembershipFactory(joined_on=dt.date(2023, 1, 1), left_on=dt.date(2024, 4, 1))
    MembershipFactory(joined_on=dt.date(2024, 6, 1))
    found = TaskForceMembership.objects.current(on=today).exclude(role=MembershipRole.LEAD)
    assert list(found) == [current]


def test_an_account_locks_time_is_written_in_the_shared_format(db):
    import datetime as dt

    from django.utils import formats, timezone

    from agencies.models import AccountLock

    when = dt.datetime(2026, 7, 1, 15, 30, tzinfo=dt.UTC)
    lock = AccountLock(username="someone", locked_at=when)
    shown = formats.date_format(timezone.localtime(when), "SHORT_DATETIME_FORMAT")
    assert str(lock) == f"someone (locked {shown})"
