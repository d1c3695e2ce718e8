"""An agency that leaves a task force, or loses the case a meeting is about, loses the
meeting everywhere: the API, replay, its calendar feed, answers and registrations."""

import pytest
from django.utils import timezone
from icalendar import Calendar
from rest_framework.test import APIClient

from activity.models import AuditRecord
from agencies import services as agency_services
from agencies.models import TaskForceMembership
from cases import services as case_services
from meetings import services
from meetings.models import CalendarFeed, Registration, RegistrationStatus
from tests.agencies.factories import person
from tests.clock import soon
from tests.meetings.factories import MeetingFactory, RegistrationFactory, TrainingFactory

pytestmark = pytest.mark.django_db


def client_of(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def replayed_meeting_ids(user) -> set[int]:
    results = client_of(user).get("/api/v1/events/?page_size=500").json()["results"]
    return {
        e["payload"]["meeting"]["id"]
        for e in results
        if "meeting" in e["payload"] and e["kind"] != "meeting.withdrawn"
    }


def feed_uids(client, user) -> set[str]:
    feed = CalendarFeed.objects.filter(user=user).first() or services.feed_rotate(actor=user)
    response = client.get(feed.get_absolute_url())
    assert response.status_code == 200
    return {str(c["uid"]) for c in Calendar.from_ical(response.content).walk("VEVENT")}


def briefing(personas, **overrides):
    params = dict(
        actor=personas.user("coordinator"),
        task_force=personas.task_force,
        title="Operation briefing",
        kind="operation_briefing",
        starts_at=soon(3),
        ends_at=soon(3, 11),
        location="Field office",
        invited_agencies=[personas.agency("manager"), personas.agency("invited")],
        confidential=True,
    )
    params.update(overrides)
    return MeetingFactory(**params)


def end_membership(personas, persona):
    membership = TaskForceMembership.objects.get(
        task_force=personas.task_force, agency=personas.agency(persona), left_on__isnull=True
    )
    return agency_services.membership_end(
        actor=None, membership=membership, left_on=timezone.localdate()
    )


def test_an_agency_that_leaves_the_task_force_loses_its_meetings(client, personas):
    meeting = briefing(personas)
    liaison = personas.user("invited")
    uid = f"meeting-{meeting.pk}@"
    assert any(u.startswith(uid) for u in feed_uids(client, liaison))

    end_membership(personas, "invited")
    services.meeting_update(
        actor=personas.user("coordinator"), meeting=meeting, location="New safe house"
    )

    api = client_of(liaison)
    assert api.get(f"/api/v1/meetings/{meeting.pk}/").status_code == 404
    assert api.get(f"/api/v1/meetings/{meeting.pk}/ics").status_code == 404
    response = api.post(f"/api/v1/meetings/{meeting.pk}/rsvp/", {"response": "accepted"})
    assert response.status_code == 404
    assert meeting.pk not in replayed_meeting_ids(liaison)
    assert not any(u.startswith(uid) for u in feed_uids(client, liaison))
    assert not meeting.invitations.filter(agency=personas.agency("invited")).exists()


def test_the_departed_agency_hears_that_the_meeting_is_withdrawn(personas, weekly_meeting):
    meeting = briefing(personas)
    end_membership(personas, "invited")
    results = client_of(personas.user("invited")).get("/api/v1/events/").json()["results"]
    withdrawn = [e for e in results if e["kind"] == "meeting.withdrawn"]
    # The briefing and the weekly series it was invited to.
    expected = {meeting.pk, weekly_meeting.pk}
    assert {e["payload"]["meeting"]["id"] for e in withdrawn} == expected
    # It learns that access ended, nothing of the meeting's content.
    assert "title" not in withdrawn[0]["payload"]["meeting"]
    record = AuditRecord.objects.get(action="meeting.withdrawn", target_id=str(meeting.pk))
    assert record.changes["agency"] == personas.agency("invited").short_name


def test_a_past_meeting_stays_in_the_record_but_is_no_longer_seen(personas):
    meeting = briefing(personas, starts_at=soon(-10), ends_at=soon(-10, 11))
    end_membership(personas, "invited")
    # The invitation stays as history of who took part; it opens nothing any more.
    assert meeting.invitations.filter(agency=personas.agency("invited")).exists()
    api = client_of(personas.user("invited"))
    assert api.get(f"/api/v1/meetings/{meeting.pk}/").status_code == 404
    assert meeting.pk not in replayed_meeting_ids(personas.user("invited"))
    listed = api.get("/api/v1/meetings/", {"from": soon(-30).isoformat()}).json()["results"]
    assert meeting.pk not in {m["id"] for m in listed}


def test_a_training_open_to_all_stays_open_to_the_departed_agency(personas):
    training = briefing(personas, kind="training", confidential=False, open_to_all=True)
    member = person(personas.agency("invited"), username="invited.trainee")
    RegistrationFactory(user=member, meeting=training)
    end_membership(personas, "invited")
    assert client_of(member).get(f"/api/v1/meetings/{training.pk}/").status_code == 200
    assert Registration.objects.get(user=member).status == RegistrationStatus.CONFIRMED


def test_the_registrations_of_a_departed_agency_end_and_the_line_moves_up(personas):
    training = briefing(
        personas,
        kind="training",
        confidential=False,
        capacity=1,
        invited_agencies=[personas.agency("manager"), personas.agency("invited")],
    )
    leaving = person(personas.agency("invited"), username="invited.trainee")
    staying = person(personas.agency("manager"), username="lead.trainee")
    RegistrationFactory(user=leaving, meeting=training)
    RegistrationFactory(user=staying, meeting=training)
    end_membership(personas, "invited")
    assert Registration.objects.get(user=leaving).status == RegistrationStatus.CANCELLED
    assert Registration.objects.get(user=staying).status == RegistrationStatus.CONFIRMED
    assert client_of(leaving).get(f"/api/v1/meetings/{training.pk}/").status_code == 404


def test_a_revoked_agency_loses_a_training_about_the_case_it_registered_for(
    client, personas, shared_case
):
    training = TrainingFactory(
        actor=personas.user("coordinator"),
        task_force=personas.task_force,
        title="Training on the motel case",
        starts_at=soon(5),
        ends_at=soon(5, 12),
        case=shared_case,
        invited_agencies=[personas.agency("viewer")],
    )
    trainee = person(personas.agency("viewer"), username="viewer.trainee")
    RegistrationFactory(user=trainee, meeting=training)
    case_services.case_unshare(
        actor=personas.user("manager"), case=shared_case, agency=personas.agency("viewer")
    )
    services.meeting_update(
        actor=personas.user("coordinator"), meeting=training, agenda="Revised agenda"
    )

    for user in (trainee, personas.user("viewer")):
        assert client_of(user).get(f"/api/v1/meetings/{training.pk}/").status_code == 404
        assert training.pk not in replayed_meeting_ids(user)
        assert not any(u.startswith(f"meeting-{training.pk}@") for u in feed_uids(client, user))
    assert Registration.objects.get(user=trainee).status == RegistrationStatus.CANCELLED


def test_a_registration_opens_nothing_by_itself(personas):
    training = briefing(personas, kind="training", confidential=False)
    trainee = person(personas.agency("invited"), username="invited.trainee")
    RegistrationFactory(user=trainee, meeting=training)
    services.meeting_update(
        actor=personas.user("coordinator"),
        meeting=training,
        invited_agencies=[personas.agency("manager")],
    )
    assert client_of(trainee).get(f"/api/v1/meetings/{training.pk}/").status_code == 404
    assert Registration.objects.get(user=trainee).status == RegistrationStatus.CANCELLED


def test_a_person_who_moves_agency_keeps_only_the_trainings_they_still_see(personas):
    closed = briefing(personas, kind="training", confidential=False, title="Closed")
    open_to_all = briefing(
        personas, kind="training", confidential=False, open_to_all=True, title="Open"
    )
    trainee = person(personas.agency("invited"), username="invited.trainee")
    RegistrationFactory(user=trainee, meeting=closed)
    RegistrationFactory(user=trainee, meeting=open_to_all)
    agency_services.person_change_agency(
        actor=None, profile=trainee.profile, agency=personas.agency("member")
    )
    statuses = dict(Registration.objects.filter(user=trainee).values_list("meeting", "status"))
    assert statuses == {
        closed.pk: RegistrationStatus.CANCELLED,
        open_to_all.pk: RegistrationStatus.CONFIRMED,
    }
