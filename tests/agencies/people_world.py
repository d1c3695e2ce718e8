"""The personas of the people tests: an agency with two admins, a member and a liaison,
and another agency with its own admin and member. Kept apart from tests/conftest.py so the
people tests build only what they need."""

from dataclasses import dataclass

from agencies.models import AgencyRole, Profession
from tests.agencies.factories import AgencyFactory, person


@dataclass
class PeopleWorld:
    agency: object
    other_agency: object
    admin: object
    second_admin: object
    member: object
    liaison: object
    other_admin: object
    other_member: object


def build_people_world() -> PeopleWorld:
    agency = AgencyFactory(name="Kansas City Test Police Department", short_name="KCTPD")
    other = AgencyFactory(name="Other County Sheriff", short_name="OCSO")
    return PeopleWorld(
        agency=agency,
        other_agency=other,
        admin=person(
            agency,
            username="kc.admin",
            first_name="Alex",
            last_name="Admin",
            is_agency_admin=True,
            title="Records supervisor",
        ),
        second_admin=person(agency, username="kc.deputy", last_name="Deputy", is_agency_admin=True),
        member=person(
            agency,
            username="kc.member",
            first_name="Morgan",
            last_name="Member",
            title="Detective",
            profession=Profession.LAW_ENFORCEMENT,
        ),
        liaison=person(agency, username="kc.liaison", role=AgencyRole.LIAISON),
        other_admin=person(other, username="oc.admin", is_agency_admin=True),
        other_member=person(other, username="oc.member", last_name="Outsider"),
    )


def as_service_account(user):
    """A person who never signs in: an integration's account, which tokens may act as."""
    user.set_unusable_password()
    user.save(update_fields=["password"])
    return user


def build_token_world() -> PeopleWorld:
    """The people world in which each agency's member is its service account (the tokens
    tests)."""
    world = build_people_world()
    as_service_account(world.member)
    as_service_account(world.other_member)
    return world
