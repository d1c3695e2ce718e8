import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone

from activity.models import AuditRecord
from agencies.models import AgencyRole, TaskForceMembership
from agencies.services import membership_end
from cases import access, services
from cases.models import AccessLevel, Case, CaseShare, CaseStatus, NoteVisibility
from tests.agencies.factories import AgencyFactory, person
from tests.clock import local_noon

pytestmark = pytest.mark.django_db


def test_opening_a_case_numbers_it_and_makes_the_opener_lead_and_manager(personas, shared_case):
    case = shared_case
    # The year the case was opened in the task force's zone, not the year the test reads it.
    year = timezone.localtime(case.created_at).year
    assert case.number == f"ONE-{year}-0001"
    assert case.lead_agency == personas.agency("manager")
    assert access.agency_level(case, personas.agency("manager")) == AccessLevel.MANAGE
    second = services.case_open(
        actor=personas.user("contributor"),
        task_force=personas.task_force,
        title="Second",
        kind="labor_trafficking",
    )
    assert second.number == f"ONE-{timezone.localtime(second.created_at).year}-0002"
    assert second.lead_agency == personas.agency("contributor")


def test_only_member_agencies_open_cases_for_a_task_force(personas, shared_case):
    with pytest.raises(ValidationError, match="not a member"):
        services.case_open(
            actor=personas.user("other"),
            task_force=personas.task_force,
            title="x",
            kind="other",
        )


def test_observers_do_not_open_cases(personas, shared_case):
    observer = person(personas.agency("member"), role=AgencyRole.OBSERVER)
    with pytest.raises(PermissionDenied):
        services.case_open(actor=observer, task_force=personas.task_force, title="x", kind="other")


def test_status_moves_along_its_path_and_every_step_is_dated(personas, shared_case):
    manager, case = personas.user("manager"), shared_case
    services.case_change_status(actor=manager, case=case, status=CaseStatus.ACTIVE)
    services.case_change_status(actor=manager, case=case, status=CaseStatus.CLOSED, reason="Done")
    with pytest.raises(ValidationError):
        services.case_change_status(actor=manager, case=case, status=CaseStatus.REFERRED)
    services.case_change_status(actor=manager, case=case, status=CaseStatus.OPEN)
    steps = list(case.status_changes.values_list("from_status", "to_status"))
    assert steps == [("", "open"), ("open", "active"), ("active", "closed"), ("closed", "open")]
    assert all(c.changed_at for c in case.status_changes.all())


def test_only_managers_edit_a_case(personas, shared_case):
    with pytest.raises(PermissionDenied):
        services.case_update(
            actor=personas.user("contributor"), case=shared_case, trafficking_type="sex"
        )
    services.case_update(actor=personas.user("manager"), case=shared_case, trafficking_type="sex")
    assert Case.objects.get(pk=shared_case.pk).trafficking_type == "sex"


@pytest.mark.parametrize(
    ("target", "changes", "field"),
    [
        ("member", {"level": "owner"}, "level"),
        ("member", {"purpose": "  "}, "purpose"),
        ("member", {"expires_on": dt.date(2000, 1, 1)}, "expires_on"),
        ("other", {}, "agency"),
        ("manager", {"level": "view"}, "level"),
    ],
)
def test_bad_shares_are_refused_and_change_nothing(personas, shared_case, target, changes, field):
    before = set(CaseShare.objects.values_list("pk", "ended_at"))
    params = {"level": "view", "purpose": "MOU", **changes}
    with pytest.raises(ValidationError) as error:
        services.case_share(
            actor=personas.user("manager"),
            case=shared_case,
            agency=personas.agencies[target],
            **params,
        )
    assert field in error.value.message_dict
    assert set(CaseShare.objects.values_list("pk", "ended_at")) == before


def test_changing_a_level_keeps_the_history_of_shares(personas, shared_case):
    services.case_share(
        actor=personas.user("manager"),
        case=shared_case,
        agency=personas.agency("viewer"),
        level=AccessLevel.CONTRIBUTE,
        purpose="Upgraded on request 44",
    )
    shares = CaseShare.objects.filter(agency=personas.agency("viewer")).order_by("pk")
    assert [s.level for s in shares] == ["view", "contribute"]
    assert [s.ended_at is None for s in shares] == [False, True]
    assert access.agency_level(shared_case, personas.agency("viewer")) == "contribute"


def test_the_lead_agency_keeps_its_access(personas, shared_case):
    with pytest.raises(ValidationError):
        services.case_unshare(
            actor=personas.user("manager"),
            case=shared_case,
            agency=personas.agency("manager"),
        )


def test_an_expired_share_opens_nothing_and_the_daily_command_records_its_end(
    personas, shared_case
):
    viewer = personas.user("viewer")
    services.case_share(
        actor=personas.user("manager"),
        case=shared_case,
        agency=personas.agency("viewer"),
        level=AccessLevel.VIEW,
        purpose="Until the end of the operation",
        expires_on=timezone.localdate() + dt.timedelta(days=1),
    )
    with time_machine.travel(local_noon(2)):
        # Nothing has run since the date passed: the policy compares dates.
        assert not access.visible_cases(viewer).exists()
        call_command("end_expired_shares", stdout=StringIO())
        share = CaseShare.objects.filter(agency=personas.agency("viewer")).latest("id")
        assert share.end_reason == "expired"
        assert AuditRecord.objects.filter(
            action="case.unshared", changes__reason="expired"
        ).exists()


def test_a_share_with_a_future_expiry_still_works(personas, shared_case):
    share = CaseShare.objects.active().get(agency=personas.agency("viewer"))
    CaseShare.objects.filter(pk=share.pk).update(expires_on=timezone.localdate() + dt.timedelta(1))
    assert access.visible_cases(personas.user("viewer")).exists()


def test_leaving_the_task_force_ends_the_agencys_shares(personas, shared_case):
    membership = TaskForceMembership.objects.get(
        task_force=personas.task_force, agency=personas.agency("contributor")
    )
    membership_end(actor=None, membership=membership)
    assert not access.visible_cases(personas.user("contributor")).exists()
    assert CaseShare.objects.get(agency=personas.agency("contributor")).end_reason == (
        "left the task force"
    )


def test_restricted_notes_always_include_the_authors_agency(personas, shared_case):
    note = services.note_add(
        actor=personas.user("excluded"),
        case=shared_case,
        body="Only for us and the manager",
        visibility=NoteVisibility.RESTRICTED,
        restricted_to=[personas.agency("manager")],
    )
    assert set(note.restricted_to.values_list("short_name", flat=True)) == {"EXC", "MGR"}


@pytest.mark.parametrize(
    ("body", "visibility", "restricted", "field"),
    [
        ("", "case", [], "body"),
        ("   \n ", "case", [], "body"),
        ("x" * 50_001, "case", [], "body"),
        ("ok", "restricted", ["member"], "restricted_to"),
        ("ok", "restricted", ["other"], "restricted_to"),
        ("ok", "case", ["viewer"], "restricted_to"),
        ("ok", "secret", [], "visibility"),
    ],
)
def test_bad_notes_are_refused_and_nothing_is_stored(
    personas, shared_case, body, visibility, restricted, field
):
    count = shared_case.notes.count()
    with pytest.raises(ValidationError) as error:
        services.note_add(
            actor=personas.user("contributor"),
            case=shared_case,
            body=body,
            visibility=visibility,
            restricted_to=[personas.agencies[p] for p in restricted],
        )
    assert field in error.value.message_dict
    assert shared_case.notes.count() == count


def test_editing_keeps_every_version_and_detects_stale_edits(personas, shared_case, case_notes):
    author, note = personas.user("contributor"), case_notes.restricted
    services.note_edit(actor=author, note=note, expected_version=1, body="Version two")
    with pytest.raises(services.VersionConflict):
        services.note_edit(actor=author, note=note, expected_version=1, body="Lost update")
    note.refresh_from_db()
    assert (note.body, note.version) == ("Version two", 2)
    bodies = list(note.revisions.order_by("version").values_list("body", flat=True))
    assert bodies == ["Confidential informant CI-7 met on Tuesday.", "Version two"]


def test_only_the_authors_agency_edits_a_note(personas, shared_case, case_notes):
    with pytest.raises(PermissionDenied):
        services.note_edit(
            actor=personas.user("manager"),
            note=case_notes.restricted,
            expected_version=1,
            body="Rewritten by someone else",
        )


def test_redaction_blanks_the_note_but_keeps_the_text_in_revisions(
    personas, shared_case, case_notes
):
    note = services.note_redact(
        actor=personas.user("manager"), note=case_notes.open, reason="Wrong case"
    )
    assert note.body == "" and note.is_redacted and note.version == 2
    revisions = list(note.revisions.order_by("version").values_list("change", "body"))
    assert revisions == [("created", "Surveillance schedule agreed."), ("redacted", "")]
    with pytest.raises(ValidationError):
        services.note_redact(actor=personas.user("manager"), note=note, reason="Again")
    with pytest.raises(ValidationError):
        services.note_redact(actor=personas.user("manager"), note=case_notes.restricted, reason=" ")


def test_widening_a_note_does_not_open_its_earlier_restricted_text(
    personas, shared_case, case_notes
):
    note = case_notes.restricted
    services.note_edit(
        actor=personas.user("contributor"),
        note=note,
        expected_version=1,
        body="Now for everyone: meeting moved.",
        visibility=NoteVisibility.CASE,
    )
    viewer_revisions = access.visible_revisions(personas.user("viewer"), note)
    assert [r.body for r in viewer_revisions] == ["Now for everyone: meeting moved."]


def test_sharing_and_unsharing_are_audited(personas, shared_case):
    services.case_unshare(
        actor=personas.user("manager"), case=shared_case, agency=personas.agency("viewer")
    )
    actions = list(
        AuditRecord.objects.filter(target_id=str(shared_case.pk)).values_list("action", flat=True)
    )
    assert actions.count("case.shared") == 4
    assert "case.unshared" in actions


def test_no_agency_group_holds_a_model_wide_case_permission(personas, shared_case):
    for agency in personas.agencies.values():
        assert not agency.group.permissions.filter(content_type__app_label="cases").exists()
        assert not personas.users.get("manager").has_perm("cases.view_case")


def test_permissions_go_with_their_case(personas, shared_case):
    from cases.models import CaseAgencyPermission

    case_id = shared_case.pk
    Case.objects.filter(pk=case_id).delete()
    assert not CaseAgencyPermission.objects.filter(content_object_id=case_id).exists()


def test_an_inactive_agency_cannot_be_given_a_case(personas, shared_case):
    agency = AgencyFactory(active=False)
    from tests.agencies.factories import MembershipFactory

    MembershipFactory(task_force=personas.task_force, agency=agency)
    with pytest.raises(ValidationError):
        services.case_share(
            actor=personas.user("manager"),
            case=shared_case,
            agency=agency,
            level="view",
            purpose="x",
        )


def test_the_expiry_command_ends_due_shares(personas, shared_case):
    from io import StringIO

    from django.core.management import call_command

    share = CaseShare.objects.active().get(agency=personas.agency("viewer"))
    CaseShare.objects.filter(pk=share.pk).update(expires_on=timezone.localdate() - dt.timedelta(1))
    out = StringIO()
    call_command("end_expired_shares", stdout=out)
    assert out.getvalue().strip() == "1 expired share(s) ended."
    assert access.agency_level(shared_case, personas.agency("viewer")) is None
