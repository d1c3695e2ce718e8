"""Two agency admins stepping down at the same moment on PostgreSQL: the agency's row lock
lets exactly one of them go, so the agency keeps an admin."""

import threading

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import connection, connections

from agencies import services
from agencies.models import Profile
from tests.agencies.people_world import build_people_world

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="concurrency is checked on PostgreSQL"
    ),
]


def test_two_admins_stepping_down_at_once_leave_one_admin():
    people = build_people_world()
    barrier = threading.Barrier(2)
    outcomes = []

    def step_down(user_id):
        try:
            actor = get_user_model().objects.select_related("profile__agency").get(pk=user_id)
            barrier.wait()
            services.person_update(actor=actor, profile=actor.profile, is_agency_admin=False)
            outcomes.append("stepped down")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=step_down, args=(user.pk,))
        for user in (people.admin, people.second_admin)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["refused", "stepped down"]
    assert Profile.objects.filter(agency=people.agency, is_agency_admin=True).count() == 1
