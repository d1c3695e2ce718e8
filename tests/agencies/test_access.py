import datetime as dt

import pytest

from agencies import access
from agencies.models import TaskForceMembership
from tests.agencies.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

TASK_FORCE_ONE = ["manager", "contributor", "viewer", "excluded", "member", "invited"]


def test_partners_are_agencies_sharing_a_current_task_force(personas):
    partners = access.partner_agency_ids(personas.agency("member"))
    assert partners == {personas.agency(p).pk for p in TASK_FORCE_ONE}


def test_an_agency_always_sees_itself(personas):
    assert personas.agency("other").pk in access.partner_agency_ids(personas.agency("other"))


def test_the_other_task_force_is_not_a_partner(personas):
    visible = access.contact_visible_agency_ids(personas.user("manager"))
    assert personas.agency("other").pk not in visible
    assert visible == {personas.agency(p).pk for p in TASK_FORCE_ONE}


def test_an_agency_that_left_is_no_longer_a_partner(personas):
    membership = TaskForceMembership.objects.get(
        task_force=personas.task_force, agency=personas.agency("member")
    )
    membership.left_on = dt.date(2022, 1, 1)
    membership.save()
    assert personas.agency("member").pk not in access.partner_agency_ids(personas.agency("manager"))


def test_an_agency_not_yet_joined_is_not_a_partner(personas):
    MembershipFactory(
        task_force=personas.task_force,
        agency=personas.agency("other"),
        joined_on=dt.date(2999, 1, 1),
    )
    assert personas.agency("other").pk not in access.partner_agency_ids(personas.agency("manager"))


def test_sharing_any_task_force_is_enough(personas):
    MembershipFactory(task_force=personas.other_task_force, agency=personas.agency("member"))
    assert personas.agency("other").pk in access.partner_agency_ids(personas.agency("member"))
    assert personas.agency("other").pk not in access.partner_agency_ids(personas.agency("manager"))


def test_a_superuser_sees_every_contact_and_a_user_without_agency_none(personas):
    assert access.contact_visible_agency_ids(UserFactory(is_superuser=True)) is None
    assert access.contact_visible_agency_ids(UserFactory()) == set()
