import datetime as dt

import pytest

from agencies import access
from agencies.models import TaskForceMembership
from tests.agencies.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_partners_are_agencies_sharing_a_current_task_force(world):
    partners = access.partner_agency_ids(world.partner)
    assert partners == {world.lead.pk, world.partner.pk}


def test_an_agency_always_sees_itself(world):
    assert world.outsider.pk in access.partner_agency_ids(world.outsider)


def test_the_other_task_force_is_not_a_partner(world):
    visible = access.contact_visible_agency_ids(world.lead_liaison)
    assert world.outsider.pk not in visible
    assert world.other_lead.pk not in visible


def test_an_agency_that_left_is_no_longer_a_partner(world):
    membership = TaskForceMembership.objects.get(task_force=world.tf1, agency=world.partner)
    membership.left_on = dt.date(2022, 1, 1)
    membership.save()
    assert world.partner.pk not in access.partner_agency_ids(world.lead)


def test_an_agency_not_yet_joined_is_not_a_partner(world):
    MembershipFactory(task_force=world.tf1, agency=world.outsider, joined_on=dt.date(2999, 1, 1))
    assert world.outsider.pk not in access.partner_agency_ids(world.lead)


def test_sharing_any_task_force_is_enough(world):
    MembershipFactory(task_force=world.tf2, agency=world.partner)
    assert world.outsider.pk in access.partner_agency_ids(world.partner)
    assert world.outsider.pk not in access.partner_agency_ids(world.lead)


def test_a_superuser_sees_every_contact_and_a_user_without_agency_none(world):
    assert access.contact_visible_agency_ids(UserFactory(is_superuser=True)) is None
    assert access.contact_visible_agency_ids(UserFactory()) == set()
