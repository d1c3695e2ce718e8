import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from activity.models import AuditRecord
from meetings import recurrence, services
from meetings.models import Answer, Invitation, Meeting
from tests.agencies.factories import AgencyFactory, MembershipFactory
from tests.cases.factories import CaseFactory
from tests.clock import CHICAGO, chicago
from tests.meetings.factories import MeetingFactory

pytestmark = pytest.mark.django_db
UTC = dt.UTC


def schedule(personas, **overrides):
    params = dict(
        actor=personas.user("coordinator"),
        task_force=personas.task_force,
        title="Review",
        kind="case_review",
        starts_at=chicago(2026, 12, 1, 9),
        ends_at=chicago(2026, 12, 1, 10),
        invited_agencies=[personas.agency("invited")],
    )
    params.update(overrides)
    return services.meeting_schedule(**params)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"ends_at": chicago(2026, 12, 1, 8)}, "ends_at"),
        ({"timezone_name": "America/Gotham"}, "timezone"),
        ({"recurrence_rule": "FREQ=SOMETIMES"}, "recurrence"),
        ({"recurrence_rule": "FREQ=MINUTELY"}, "recurrence"),
        ({"invited_agencies": "OTHER"}, "invited_agencies"),
        ({"kind": "training", "capacity": -1}, "capacity"),
        ({"capacity": 10}, "kind"),
        ({"kind": "training", "eligible_professions": ["astronaut"]}, "eligible_professions"),
    ],
)
def test_bad_meetings_are_refused_with_a_clear_message(personas, overrides, field):
    if overrides.get("invited_agencies") == "OTHER":
        overrides["invited_agencies"] = [personas.agency("other")]
    count = Meeting.objects.count()
    with pytest.raises(ValidationError) as error:
        schedule(personas, **overrides)
    assert field in error.value.message_dict
    assert Meeting.objects.count() == count


def test_invite_all_invites_every_current_member(personas):
    meeting, _ = schedule(personas, invited_agencies=(), invite_all=True)
    invited = set(meeting.invitations.values_list("agency__short_name", flat=True))
    assert invited == {"MGR", "CON", "VIEW", "EXC", "MEM", "INV"}


def test_a_meeting_about_a_case_invites_only_agencies_with_access(personas):
    case = CaseFactory(actor=personas.user("coordinator"), task_force=personas.task_force)
    with pytest.raises(ValidationError, match="no access to the case"):
        schedule(personas, case=case)
    meeting, _ = schedule(personas, case=case, invited_agencies=(), invite_all=True)
    assert list(meeting.invitations.values_list("agency__short_name", flat=True)) == ["MGR"]


def test_weekly_nine_oclock_stays_nine_local_across_the_dst_change(personas, weekly_meeting):
    # DST ends in the US on 2026-11-01: 09:00 CDT is 14:00 UTC, 09:00 CST is 15:00 UTC.
    found = recurrence.occurrences(
        weekly_meeting,
        dt.datetime(2026, 10, 1, tzinfo=UTC),
        dt.datetime(2026, 11, 20, tzinfo=UTC),
    )
    local_hours = {o.starts_at.astimezone(CHICAGO).hour for o in found}
    utc_hours = [o.starts_at.hour for o in found]
    assert local_hours == {9}
    assert utc_hours[:2] == [14, 14] and utc_hours[2:] == [15] * (len(found) - 2)


def test_one_occurrence_is_cancelled_and_another_moved(personas, weekly_meeting):
    coordinator, meeting = personas.user("coordinator"), weekly_meeting
    services.occurrence_cancel(
        actor=coordinator, meeting=meeting, original_start=chicago(2026, 10, 27, 9)
    )
    services.occurrence_move(
        actor=coordinator,
        meeting=meeting,
        original_start=chicago(2026, 11, 3, 9),
        starts_at=chicago(2026, 11, 4, 13),
        ends_at=chicago(2026, 11, 4, 14),
    )
    found = recurrence.occurrences(
        meeting, dt.datetime(2026, 10, 26, tzinfo=UTC), dt.datetime(2026, 11, 6, tzinfo=UTC)
    )
    assert [(o.starts_at.astimezone(CHICAGO).day, o.cancelled, o.moved) for o in found] == [
        (27, True, False),
        (4, False, True),
    ]
    with pytest.raises(ValidationError):
        services.occurrence_cancel(
            actor=coordinator, meeting=meeting, original_start=chicago(2026, 10, 28, 9)
        )


def test_answers_are_given_by_liaisons_and_reset_when_the_meeting_moves(personas, weekly_meeting):
    invitation = services.meeting_rsvp(
        actor=personas.user("invited"),
        meeting=weekly_meeting,
        response="accepted",
        attendees="Two detectives",
    )
    assert invitation.response == Answer.ACCEPTED
    with pytest.raises(PermissionDenied):
        services.meeting_rsvp(
            actor=personas.user("invited_member"),
            meeting=weekly_meeting,
            response="declined",
        )
    services.meeting_update(
        actor=personas.user("coordinator"),
        meeting=weekly_meeting,
        agenda="Same time, new agenda",
    )
    assert Invitation.objects.get(pk=invitation.pk).response == Answer.ACCEPTED
    services.meeting_update(
        actor=personas.user("coordinator"),
        meeting=weekly_meeting,
        starts_at=chicago(2026, 10, 20, 10),
        ends_at=chicago(2026, 10, 20, 11),
    )
    assert Invitation.objects.get(pk=invitation.pk).response == Answer.PENDING
    meeting = Meeting.objects.get(pk=weekly_meeting.pk)
    assert meeting.sequence == 2


def test_a_coordinator_records_an_answer_given_by_phone(personas, weekly_meeting):
    invitation = services.meeting_rsvp(
        actor=personas.user("coordinator"),
        meeting=weekly_meeting,
        response="tentative",
        agency=personas.agency("invited"),
    )
    assert invitation.recorded_by_coordinator and invitation.response == "tentative"
    with pytest.raises(ValidationError):
        services.meeting_rsvp(
            actor=personas.user("coordinator"),
            meeting=weekly_meeting,
            response="accepted",
            agency=personas.agency("member"),
        )


def test_a_cancelled_meeting_stays_visible_and_takes_no_answers(personas, weekly_meeting):
    from meetings import access

    services.meeting_cancel(actor=personas.user("coordinator"), meeting=weekly_meeting)
    assert access.visible_meetings(personas.user("invited")).get().is_cancelled
    with pytest.raises(ValidationError):
        services.meeting_rsvp(
            actor=personas.user("invited"), meeting=weekly_meeting, response="accepted"
        )
    assert AuditRecord.objects.filter(action="meeting.cancelled").exists()


def test_conflicts_name_agencies_that_accepted_an_overlapping_meeting(personas, weekly_meeting):
    services.meeting_rsvp(
        actor=personas.user("invited"), meeting=weekly_meeting, response="accepted"
    )
    _, conflicts = schedule(
        personas, starts_at=chicago(2026, 11, 10, 9, 30), ends_at=chicago(2026, 11, 10, 11)
    )
    assert len(conflicts) == 1
    assert conflicts[0]["agency"]["short_name"] == "INV"
    assert conflicts[0]["meeting"]["id"] == weekly_meeting.pk
    _, none = schedule(
        personas, starts_at=chicago(2026, 11, 10, 10, 30), ends_at=chicago(2026, 11, 10, 11)
    )
    assert none == []


def test_conflicts_do_not_name_a_meeting_the_coordinator_cannot_see(personas):
    # INV joins the other task force, which schedules a meeting TF1's coordinator cannot see.
    other_tf = personas.other_task_force
    MembershipFactory(task_force=other_tf, agency=personas.agency("invited"))
    secret = MeetingFactory(
        task_force=other_tf,
        title="Secret op",
        kind="other",
        starts_at=chicago(2026, 12, 1, 9),
        ends_at=chicago(2026, 12, 1, 10),
        invited_agencies=[personas.agency("invited")],
    )
    services.meeting_rsvp(actor=personas.user("invited"), meeting=secret, response="accepted")
    _, conflicts = schedule(personas)
    assert conflicts[0]["agency"]["short_name"] == "INV"
    assert conflicts[0]["meeting"] is None


def test_action_items_go_to_invited_agencies(personas, weekly_meeting):
    item = services.action_item_add(
        actor=personas.user("coordinator"),
        meeting=weekly_meeting,
        description="Send plates",
        assignee_agency=personas.agency("invited"),
    )
    with pytest.raises(ValidationError):
        services.action_item_add(
            actor=personas.user("coordinator"),
            meeting=weekly_meeting,
            description="x",
            assignee_agency=AgencyFactory(),
        )
    with pytest.raises(PermissionDenied):
        services.action_item_set_done(actor=personas.user("member"), item=item, done=True)
    services.action_item_set_done(actor=personas.user("invited_member"), item=item, done=True)
    item.refresh_from_db()
    assert item.done and item.done_at
