"""A small world for the audit trail's tests, built through the real services.

Agency A leads a task force with agency B as a member; each has an agency admin and a
liaison (A's liaison coordinates the task force, opened a case and scheduled a meeting).
Agency C is in another task force. Not a fixture: each test module wraps it in its own.
"""

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from activity.models import AuditRecord
from agencies.models import AgencyRole
from cases import services as case_services
from meetings import services as meeting_services
from tests.agencies.factories import AgencyFactory, MembershipFactory, TaskForceFactory, person


@dataclass
class AuditWorld:
    a: object
    b: object
    c: object
    task_force: object
    admin_a: object
    liaison_a: object
    admin_b: object
    liaison_b: object
    liaison_c: object
    case: object
    note: object
    meeting: object


def build_audit_world() -> AuditWorld:
    a = AgencyFactory(name="Alpha Police Department", short_name="ALPHA")
    b = AgencyFactory(name="Bravo Sheriff's Office", short_name="BRAVO")
    c = AgencyFactory(name="Charlie Police Department", short_name="CHARLIE")
    task_force = TaskForceFactory(name="Audit Task Force", case_prefix="ATF", lead_agency=a)
    MembershipFactory(task_force=task_force, agency=b)
    TaskForceFactory(lead_agency=c)
    admin_a = person(a, username="admin.alpha", is_agency_admin=True)
    liaison_a = person(a, role=AgencyRole.LIAISON, username="liaison.alpha")
    admin_b = person(b, username="admin.bravo", is_agency_admin=True)
    liaison_b = person(b, role=AgencyRole.LIAISON, username="liaison.bravo")
    liaison_c = person(c, role=AgencyRole.LIAISON, username="liaison.charlie")
    task_force.coordinators.add(liaison_a)
    case = case_services.case_open(
        actor=liaison_a, task_force=task_force, title="Truck stop ring", kind="sex_trafficking"
    )
    note = case_services.note_add(actor=liaison_a, case=case, body="Plates seen on I-70.")
    starts_at = timezone.now().replace(microsecond=0) + dt.timedelta(days=7)
    meeting, _ = meeting_services.meeting_schedule(
        actor=liaison_a,
        task_force=task_force,
        title="Deconfliction call",
        kind="task_force_meeting",
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(hours=1),
        invited_agencies=[a],
    )
    return AuditWorld(
        a=a,
        b=b,
        c=c,
        task_force=task_force,
        admin_a=admin_a,
        liaison_a=liaison_a,
        admin_b=admin_b,
        liaison_b=liaison_b,
        liaison_c=liaison_c,
        case=case,
        note=note,
        meeting=meeting,
    )


def records_since(record_id: int, **filters):
    """Records appended after ``record_id``, oldest first."""
    return list(AuditRecord.objects.filter(id__gt=record_id, **filters).order_by("id"))


def head_id() -> int:
    return AuditRecord.objects.order_by("-id").values_list("id", flat=True).first() or 0
