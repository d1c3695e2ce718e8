import pytest
from django.db import DatabaseError, connection, transaction

from activity.models import AppendOnlyError, AuditRecord
from activity.request_context import reset_client_address, set_client_address
from activity.services import audit_record
from tests.agencies.factories import AgencyFactory, person

pytestmark = pytest.mark.django_db


def test_a_record_names_actor_agency_action_target_and_address():
    agency = AgencyFactory()
    actor = person(agency)
    token = set_client_address("198.51.100.4")
    try:
        record = audit_record(
            actor=actor, action="agency.updated", target=agency, changes={"name": ["a", "b"]}
        )
    finally:
        reset_client_address(token)
    record.refresh_from_db()
    assert record.actor == actor
    assert record.agency == agency
    assert record.action == "agency.updated"
    assert (record.target_id, record.target_repr) == (str(agency.pk), str(agency))
    assert record.ip_address == "198.51.100.4"
    assert record.created_at is not None


def test_system_actions_have_no_actor():
    record = audit_record(actor=None, action="agency.created", target=AgencyFactory())
    assert record.actor is None and record.agency is None


def test_records_cannot_be_changed_or_deleted_through_the_orm():
    record = audit_record(actor=None, action="agency.created", target=AgencyFactory())
    record.action = "something.else"
    with pytest.raises(AppendOnlyError):
        record.save()
    with pytest.raises(AppendOnlyError):
        record.delete()
    with pytest.raises(AppendOnlyError):
        AuditRecord.objects.filter(pk=record.pk).update(action="x")
    with pytest.raises(AppendOnlyError):
        AuditRecord.objects.all().delete()


def test_the_database_refuses_updates_that_bypass_the_orm():
    record = audit_record(actor=None, action="agency.created", target=AgencyFactory())
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE activity_auditrecord SET action = %s WHERE id = %s", ["forged", record.pk]
        )
    record.refresh_from_db()
    assert record.action == "agency.created"


def test_the_request_address_reaches_the_trail(client):
    from django.contrib.auth import get_user_model

    root = get_user_model().objects.create_superuser("root", "root@example.org", "pw")
    client.force_login(root)
    client.post(
        "/admin/agencies/agency/add/",
        {"name": "Topeka Police Department", "short_name": "TPD", "kind": "municipal"},
        REMOTE_ADDR="192.0.2.33",
    )
    assert AuditRecord.objects.get(action="agency.created").ip_address == "192.0.2.33"
