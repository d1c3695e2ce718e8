import pytest

from agencies import selectors
from tests.agencies.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def test_members_are_listed_lead_first_then_members_then_affiliates(world):
    from agencies.models import MembershipRole
    from tests.agencies.factories import AgencyFactory

    MembershipFactory(
        task_force=world.tf1,
        agency=AgencyFactory(name="Aardvark Coalition"),
        role=MembershipRole.AFFILIATE,
    )
    task_force = selectors.task_force_list().get(pk=world.tf1.pk)
    roles = [m.role for m in task_force.current_members]
    assert roles == ["lead", "member", "affiliate"]
