import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError

from activity.models import AuditRecord
from agencies import services
from agencies.models import Agency, AgencyRole, ApiToken, MembershipRole, TaskForceMembership
from tests.agencies.factories import (
    AgencyFactory,
    MembershipFactory,
    TaskForceFactory,
    UserFactory,
    person,
)

pytestmark = pytest.mark.django_db


def last_audit():
    return AuditRecord.objects.order_by("-id").first()


def test_creating_an_agency_creates_its_group_and_audits_it():
    admin = UserFactory(is_superuser=True)
    agency = services.agency_create(
        actor=admin, name="Joplin Police Department", short_name="JPD", kind="municipal"
    )
    assert agency.group.name == "agency:JPD"
    record = last_audit()
    assert (record.action, record.actor, record.target_repr) == (
        "agency.created",
        admin,
        str(agency),
    )


def test_invalid_agency_input_changes_nothing():
    with pytest.raises(ValidationError):
        services.agency_create(actor=None, name="Bad", short_name="bad name", kind="municipal")
    assert not Agency.objects.exists()
    assert not Group.objects.exists()
    assert not AuditRecord.objects.exists()


def test_renaming_the_short_name_renames_the_group_and_records_the_change():
    agency = AgencyFactory(short_name="OLD")
    services.agency_update(actor=None, agency=agency, short_name="NEW", contact_phone="555")
    agency.group.refresh_from_db()
    assert agency.group.name == "agency:NEW"
    assert last_audit().changes["short_name"] == ["OLD", "NEW"]


def test_an_update_that_changes_nothing_is_not_audited():
    agency = AgencyFactory()
    services.agency_update(actor=None, agency=agency, name=agency.name)
    assert not AuditRecord.objects.exists()


def test_unknown_fields_are_refused():
    with pytest.raises(ValidationError):
        services.agency_update(actor=None, agency=AgencyFactory(), group=None)


def test_deactivation_is_audited():
    agency = AgencyFactory()
    services.agency_set_active(actor=None, agency=agency, active=False)
    assert not Agency.objects.get(pk=agency.pk).active
    assert last_audit().action == "agency.deactivated"


def test_a_new_task_force_has_its_lead_as_first_member():
    lead = AgencyFactory()
    task_force = services.task_force_create(
        actor=None, name="Metro Task Force", slug="metro", case_prefix="METRO", lead_agency=lead
    )
    (membership,) = task_force.memberships.all()
    assert (membership.agency, membership.role) == (lead, MembershipRole.LEAD)
    assert task_force.time_zone == "America/Chicago"


def test_adding_a_member_twice_is_refused():
    membership = MembershipFactory()
    with pytest.raises(ValidationError, match="already a member"):
        services.membership_add(
            actor=None, task_force=membership.task_force, agency=membership.agency
        )


def test_only_the_lead_agency_has_the_lead_role():
    task_force = TaskForceFactory()
    with pytest.raises(ValidationError):
        services.membership_add(
            actor=None, task_force=task_force, agency=AgencyFactory(), role=MembershipRole.LEAD
        )
    lead_membership = task_force.memberships.get()
    with pytest.raises(ValidationError):
        services.membership_change_role(
            actor=None, membership=lead_membership, role=MembershipRole.MEMBER
        )


def test_changing_a_role_is_audited():
    membership = MembershipFactory()
    services.membership_change_role(
        actor=None, membership=membership, role=MembershipRole.AFFILIATE
    )
    assert last_audit().changes == {"role": ["member", "affiliate"]}


def test_leaving_keeps_history_and_ends_the_agencys_coordinator_roles():
    membership = MembershipFactory()
    coordinator = person(membership.agency)
    membership.task_force.coordinators.add(coordinator)
    services.membership_end(actor=None, membership=membership, left_on=dt.date(2024, 1, 1))
    membership.refresh_from_db()
    assert membership.left_on == dt.date(2024, 1, 1)
    assert not membership.task_force.coordinators.exists()
    assert last_audit().changes["coordinators_removed"] == [coordinator.username]
    # The agency can come back; both memberships remain.
    services.membership_add(actor=None, task_force=membership.task_force, agency=membership.agency)
    assert TaskForceMembership.objects.filter(agency=membership.agency).count() == 2


def test_the_lead_agency_cannot_leave():
    task_force = TaskForceFactory()
    with pytest.raises(ValidationError, match="lead"):
        services.membership_end(actor=None, membership=task_force.memberships.get())


def test_handing_over_the_lead_swaps_the_roles():
    membership = MembershipFactory()
    task_force, old_lead = membership.task_force, membership.task_force.lead_agency
    services.task_force_change_lead(actor=None, task_force=task_force, agency=membership.agency)
    roles = dict(task_force.memberships.values_list("agency__short_name", "role"))
    assert roles == {
        old_lead.short_name: MembershipRole.MEMBER,
        membership.agency.short_name: MembershipRole.LEAD,
    }


def test_the_lead_goes_only_to_a_current_member():
    task_force = TaskForceFactory()
    with pytest.raises(ValidationError):
        services.task_force_change_lead(actor=None, task_force=task_force, agency=AgencyFactory())


def test_coordinators_come_from_member_agencies():
    task_force = TaskForceFactory()
    with pytest.raises(ValidationError):
        services.coordinator_add(actor=None, task_force=task_force, user=person(AgencyFactory()))
    insider = person(task_force.lead_agency)
    services.coordinator_add(actor=None, task_force=task_force, user=insider)
    assert list(task_force.coordinators.all()) == [insider]


def test_moving_a_person_ends_coordination_where_the_new_agency_is_absent():
    membership = MembershipFactory()
    task_force = membership.task_force
    coordinator = person(task_force.lead_agency, is_agency_admin=True)
    task_force.coordinators.add(coordinator)
    services.person_change_agency(actor=None, profile=coordinator.profile, agency=AgencyFactory())
    coordinator.profile.refresh_from_db()
    assert not task_force.coordinators.exists()
    assert coordinator.profile.is_agency_admin is False
    assert last_audit().action == "person.agency_changed"


def test_moving_within_the_task_force_keeps_coordination():
    membership = MembershipFactory()
    coordinator = person(membership.task_force.lead_agency)
    membership.task_force.coordinators.add(coordinator)
    services.person_change_agency(actor=None, profile=coordinator.profile, agency=membership.agency)
    assert membership.task_force.coordinators.filter(pk=coordinator.pk).exists()


def test_person_role_changes_are_audited_with_before_and_after():
    user = person(AgencyFactory())
    services.person_update(actor=None, profile=user.profile, role=AgencyRole.LIAISON)
    assert last_audit().changes == {"role": ["member", "liaison"]}


def test_a_person_created_without_password_cannot_log_in():
    user = services.person_create(
        actor=None, username="nopass", agency=AgencyFactory(), profession="analyst"
    )
    assert not user.has_usable_password()


def test_tokens_are_stored_as_digests_only():
    user = person(AgencyFactory())
    token, secret = services.token_issue(actor=None, user=user, name="RMS sync", scope="write")
    stored = ApiToken.objects.get(pk=token.pk)
    assert secret not in {stored.digest, stored.prefix, stored.name}
    assert stored.digest == services.token_digest(secret)
    assert stored.expires_at is not None


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [({"scope": "admin"}, "scope"), ({"name": " "}, "name"), ({"expires_in_days": 0}, None)],
)
def test_bad_token_requests_are_refused(kwargs, field):
    user = person(AgencyFactory())
    params = {"name": "sync", **kwargs}
    with pytest.raises(ValidationError):
        services.token_issue(actor=None, user=user, **params)
    assert not ApiToken.objects.exists()
