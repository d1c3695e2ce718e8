import pytest

from agencies import selectors
from tests.agencies.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def test_members_are_listed_lead_first_then_members_then_affiliates(personas):
    from agencies.models import MembershipRole
    from tests.agencies.factories import AgencyFactory

    MembershipFactory(
        task_force=personas.task_force,
        agency=AgencyFactory(name="Aardvark Coalition"),
        role=MembershipRole.AFFILIATE,
    )
    task_force = selectors.task_force_list().get(pk=personas.task_force.pk)
    roles = [m.role for m in task_force.current_members]
    assert roles == ["lead"] + ["member"] * 5 + ["affiliate"]
