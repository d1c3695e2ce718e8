"""The meeting pages as people use them: length limits, the recurrence picker, linking a
case, confirmation steps, answers that keep what they said, registration reasons, times,
the month and week calendars, and the subscription page."""

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.utils import timezone

from agencies.models import Profession
from meetings.models import Invitation, Meeting, MeetingStatus, OccurrenceChange
from tests.cases.factories import CaseFactory
from tests.clock import chicago, soon
from tests.frontend.elements import elements
from tests.meetings.factories import MeetingFactory, RegistrationFactory, TrainingFactory
from tests.personas import page_client
from tests.snapshots import assert_unchanged, database_state

pytestmark = pytest.mark.django_db

LONG_TITLE = "x" * 5000


def schedule_data(personas, **overrides) -> dict:
    return {
        "task_force": personas.task_force.pk,
        "title": "Operation briefing",
        "kind": "operation_briefing",
        "starts_at": "2027-01-12T09:00",
        "ends_at": "2027-01-12T10:00",
        "timezone": "America/Chicago",
        "invited_agencies": [personas.agency("invited").pk],
        **overrides,
    }


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


# 1. Length limits.


def test_a_5000_character_title_is_a_form_error_and_nothing_is_written(personas):
    client = page_client(personas, "coordinator")
    before = database_state()
    response = client.post("/meetings/new/", schedule_data(personas, title=LONG_TITLE))
    assert response.status_code == 200
    assert "at most 200 characters" in response.context["form"].errors["title"][0]
    assert_unchanged(before)


def test_changing_a_meeting_to_a_5000_character_title_changes_nothing(personas, weekly_meeting):
    response = page_client(personas, "coordinator").post(
        f"/meetings/{weekly_meeting.pk}/edit/",
        {
            "title": LONG_TITLE,
            "kind": "task_force_meeting",
            "starts_at": "2026-10-20T09:00",
            "ends_at": "2026-10-20T10:00",
            "timezone": "America/Chicago",
            "repeat": "weekly",
            "ends": "after",
            "count": "10",
        },
    )
    assert response.status_code == 200 and "title" in response.context["form"].errors
    weekly_meeting.refresh_from_db()
    assert weekly_meeting.title == "Weekly deconfliction call"


@pytest.mark.parametrize(
    ("field", "limit"),
    [("location", 300), ("agenda", 5000), ("video_url", 500), ("topics", 2000)],
)
def test_every_text_of_the_form_has_a_limit(personas, field, limit):
    value = "https://example.org/" + "a" * limit if field == "video_url" else "a" * (limit + 1)
    response = page_client(personas, "coordinator").post(
        "/meetings/new/", schedule_data(personas, **{field: value})
    )
    assert response.status_code == 200 and field in response.context["form"].errors
    assert not Meeting.objects.exists()


def test_too_long_minutes_are_refused_and_the_old_ones_stay(personas, weekly_meeting):
    client = page_client(personas, "coordinator")
    client.post(f"/meetings/{weekly_meeting.pk}/minutes/", {"minutes": "Plates shared."})
    response = client.post(f"/meetings/{weekly_meeting.pk}/minutes/", {"minutes": "m" * 20001})
    assert any("20000" in text for text in messages_of(response))
    weekly_meeting.refresh_from_db()
    assert weekly_meeting.minutes == "Plates shared."


def test_a_too_long_action_item_is_refused_with_the_reason(personas, weekly_meeting):
    response = page_client(personas, "coordinator").post(
        f"/meetings/{weekly_meeting.pk}/actions/",
        {"description": "d" * 501, "assignee_agency": personas.agency("invited").pk},
    )
    assert any("500" in text for text in messages_of(response))
    assert not weekly_meeting.action_items.exists()


def test_the_form_names_fields_in_words(personas):
    page = page_client(personas, "coordinator").get("/meetings/new/").content
    labels = {label.text for label in elements(page, "label")}
    assert "Video link" in labels and "Video url" not in labels
    assert {"Starts", "Ends", "Time zone", "Repeats"} <= labels


# 2. The recurrence picker.


def test_the_picker_schedules_a_monthly_second_tuesday_meeting(personas):
    response = page_client(personas, "coordinator").post(
        "/meetings/new/",
        schedule_data(
            personas,
            repeat="monthly",
            monthly_by="weekday",
            month_position="2",
            month_weekday="TU",
            ends="never",
        ),
    )
    assert response.status_code == 302, response.context["form"].errors
    assert Meeting.objects.get().recurrence == "FREQ=MONTHLY;BYDAY=2TU"


def test_the_picker_schedules_weekly_on_chosen_days_for_a_number_of_times(personas):
    response = page_client(personas, "coordinator").post(
        "/meetings/new/",
        schedule_data(personas, repeat="weekly", weekdays=["TH", "MO"], ends="after", count="10"),
    )
    assert response.status_code == 302, response.context["form"].errors
    assert Meeting.objects.get().recurrence == "FREQ=WEEKLY;BYDAY=MO,TH;COUNT=10"


def test_a_meeting_that_does_not_repeat_has_no_rule(personas):
    page_client(personas, "coordinator").post("/meetings/new/", schedule_data(personas))
    assert Meeting.objects.get().recurrence == ""


def test_editing_fills_the_picker_from_the_rule(personas, weekly_meeting):
    page = page_client(personas, "coordinator").get(f"/meetings/{weekly_meeting.pk}/edit/").content
    selected = [o.attrs["value"] for o in elements(page, "option") if "selected" in o.attrs]
    checked = {(i.attrs["name"], i.attrs["value"]) for i in elements(page, "input", attr="checked")}
    count = [i for i in elements(page, "input") if i.attrs.get("name") == "count"]
    assert "weekly" in selected
    assert ("ends", "after") in checked
    assert count[0].attrs["value"] == "10"
    assert not [i for i in elements(page, "input") if i.attrs.get("name") == "recurrence"]


def test_saving_an_edit_unchanged_keeps_a_rule_the_picker_cannot_show(personas):
    meeting = MeetingFactory(
        actor=personas.user("coordinator"),
        task_force=personas.task_force,
        starts_at=chicago(2027, 1, 12, 9),
        ends_at=chicago(2027, 1, 12, 10),
        recurrence_rule="FREQ=YEARLY;BYMONTH=1;BYDAY=2TU",
    )
    client = page_client(personas, "coordinator")
    form = client.get(f"/meetings/{meeting.pk}/edit/").context["form"]
    assert form.initial["repeat"] == "keep"
    response = client.post(
        f"/meetings/{meeting.pk}/edit/",
        {
            "title": "Renamed",
            "kind": meeting.kind,
            "starts_at": "2027-01-12T09:00",
            "ends_at": "2027-01-12T10:00",
            "timezone": "America/Chicago",
            "repeat": "keep",
        },
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.title, meeting.recurrence) == ("Renamed", "FREQ=YEARLY;BYMONTH=1;BYDAY=2TU")


def test_the_meeting_page_says_the_rule_in_words(personas, weekly_meeting):
    page = page_client(personas, "invited").get(f"/meetings/{weekly_meeting.pk}/").content
    shown = elements(page, "dd", cls="recurrence")
    assert [dd.text for dd in shown] == ["Weekly, 10 times"]
    assert b"FREQ=" not in page


# 3. A meeting linked to a case on the form.


@pytest.fixture
def hidden_case(personas):
    """A case of Task Force One that the coordinator's agency (MGR) was never given."""
    return CaseFactory(
        actor=personas.user("contributor"),
        task_force=personas.task_force,
        title="Case the coordinator cannot see",
    )


def test_the_case_choices_are_the_cases_the_coordinators_agency_sees(
    personas, shared_case, hidden_case
):
    page = page_client(personas, "coordinator").get("/meetings/new/").content
    options = [
        o for o in elements(page, "option") if o.attrs.get("value") and "name" not in o.attrs
    ]
    select = [s for s in elements(page, "select") if s.attrs.get("name") == "case"]
    assert len(select) == 1
    case_options = {o.text for o in options if shared_case.number in o.text or "Case the" in o.text}
    assert case_options == {f"{shared_case.number} · {shared_case.title}"}
    assert hidden_case.title.encode() not in page


def test_a_meeting_is_linked_to_a_case_the_coordinator_sees(personas, shared_case):
    response = page_client(personas, "coordinator").post(
        "/meetings/new/",
        schedule_data(
            personas, case=shared_case.pk, invited_agencies=[personas.agency("contributor").pk]
        ),
    )
    assert response.status_code == 302, response.context["form"].errors
    assert Meeting.objects.get().case == shared_case


def test_linking_a_case_the_coordinators_agency_cannot_see_is_refused(personas, hidden_case):
    client = page_client(personas, "coordinator")
    before = database_state()
    response = client.post(
        "/meetings/new/", schedule_data(personas, case=hidden_case.pk, invited_agencies=[])
    )
    assert response.status_code == 200 and "case" in response.context["form"].errors
    assert hidden_case.title.encode() not in response.content
    assert_unchanged(before)


def test_a_case_meeting_invites_only_agencies_with_access(personas, shared_case):
    client = page_client(personas, "coordinator")
    before = database_state()
    response = client.post(
        "/meetings/new/",
        schedule_data(
            personas, case=shared_case.pk, invited_agencies=[personas.agency("member").pk]
        ),
    )
    assert response.status_code == 200
    assert "invited_agencies" in response.context["form"].errors
    assert_unchanged(before)


# 4. Confirmation steps.


def test_cancelling_a_meeting_asks_first_and_says_who_is_told(personas, weekly_meeting):
    client = page_client(personas, "coordinator")
    response = client.get(f"/meetings/{weekly_meeting.pk}/cancel/")
    assert response.status_code == 200
    told = " ".join(li.text for li in elements(response.content, "ul", cls="consequences"))
    assert "Managing Agency" in told and "Invited Agency" in told
    assert "stays visible as cancelled" in told
    forms = [f for f in elements(response.content, "form") if f.attrs.get("method") == "post"]
    assert any(f.attrs["action"] == f"/meetings/{weekly_meeting.pk}/cancel/" for f in forms)
    weekly_meeting.refresh_from_db()
    assert weekly_meeting.status == MeetingStatus.SCHEDULED
    response = client.post(f"/meetings/{weekly_meeting.pk}/cancel/", {"reason": "Moved"})
    assert response.status_code == 302
    weekly_meeting.refresh_from_db()
    assert weekly_meeting.status == MeetingStatus.CANCELLED


def test_the_meeting_page_links_to_the_cancel_step_instead_of_cancelling(personas, weekly_meeting):
    page = page_client(personas, "coordinator").get(f"/meetings/{weekly_meeting.pk}/").content
    links = elements(page, "a", attr="data-meeting-cancel")
    assert [a.attrs["href"] for a in links] == [f"/meetings/{weekly_meeting.pk}/cancel/"]
    cancel_forms = [
        f for f in elements(page, "form") if f.attrs.get("action", "").endswith("/cancel/")
    ]
    assert not cancel_forms


def test_cancelling_a_training_counts_the_people_registered(personas):
    training = TrainingFactory(
        actor=personas.user("coordinator"),
        task_force=personas.task_force,
        starts_at=soon(30),
        ends_at=soon(30, 16),
        open_to_all=True,
    )
    RegistrationFactory(meeting=training, user=personas.user("invited_member"))
    response = page_client(personas, "coordinator").get(f"/meetings/{training.pk}/cancel/")
    told = " ".join(li.text for li in elements(response.content, "ul", cls="consequences"))
    assert "1 registered person" in told and "Every agency" in told


def test_a_too_long_cancellation_reason_is_refused_and_nothing_changes(personas, weekly_meeting):
    client = page_client(personas, "coordinator")
    before = database_state()
    response = client.post(f"/meetings/{weekly_meeting.pk}/cancel/", {"reason": "r" * 501})
    assert response.status_code == 400
    assert "reason" in response.context["form"].errors
    assert_unchanged(before)


def test_cancelling_one_occurrence_asks_first(personas, weekly_meeting):
    client = page_client(personas, "coordinator")
    page = client.get(f"/meetings/{weekly_meeting.pk}/").content
    links = elements(page, "a", attr="data-occurrence-cancel")
    assert links
    response = client.get(links[0].attrs["href"])
    assert response.status_code == 200
    told = " ".join(li.text for li in elements(response.content, "ul", cls="consequences"))
    assert "Invited Agency" in told and "stays visible as cancelled" in told
    hidden = {
        i.attrs["name"]: i.attrs["value"]
        for i in elements(response.content, "input")
        if i.attrs.get("type") == "hidden"
    }
    assert not OccurrenceChange.objects.exists()
    response = client.post(
        f"/meetings/{weekly_meeting.pk}/occurrence/",
        {"original_start": hidden["original_start"], "action": hidden["action"]},
    )
    assert response.status_code == 302
    assert OccurrenceChange.objects.get().cancelled


def test_the_occurrence_step_for_a_time_with_no_occurrence_goes_back(personas, weekly_meeting):
    response = page_client(personas, "coordinator").get(
        f"/meetings/{weekly_meeting.pk}/occurrence/", {"original_start": "2026-10-21T09:00"}
    )
    assert response.status_code == 302


@pytest.mark.parametrize("persona", ["invited", "invited_member"])
def test_only_coordinators_reach_the_cancel_steps(personas, weekly_meeting, persona):
    client = page_client(personas, persona)
    assert client.get(f"/meetings/{weekly_meeting.pk}/cancel/").status_code == 403
    occurrence = f"/meetings/{weekly_meeting.pk}/occurrence/?original_start=2026-10-27T09:00"
    assert client.get(occurrence).status_code == 403


# 5. Changing an answer.


def test_the_answer_form_starts_from_the_agencys_answer(personas, weekly_meeting):
    client = page_client(personas, "invited")
    client.post(
        f"/meetings/{weekly_meeting.pk}/rsvp/",
        {"response": "tentative", "attendees": "Det. Ruiz", "note": "Court that morning"},
    )
    page = client.get(f"/meetings/{weekly_meeting.pk}/").content
    values = {i.attrs.get("name"): i.attrs.get("value") for i in elements(page, "input")}
    selected = [o.attrs["value"] for o in elements(page, "option") if "selected" in o.attrs]
    assert values["attendees"] == "Det. Ruiz" and values["note"] == "Court that morning"
    assert "tentative" in selected


def test_a_one_click_answer_keeps_who_attends_and_the_note(personas, weekly_meeting):
    client = page_client(personas, "invited")
    url = f"/meetings/{weekly_meeting.pk}/rsvp/"
    client.post(url, {"response": "tentative", "attendees": "Det. Ruiz", "note": "Court"})
    client.post(url, {"response": "accepted", "next": "/"})
    invitation = Invitation.objects.get(meeting=weekly_meeting, agency=personas.agency("invited"))
    assert (invitation.response, invitation.attendees, invitation.note) == (
        "accepted",
        "Det. Ruiz",
        "Court",
    )


def test_clearing_the_note_on_the_form_clears_it(personas, weekly_meeting):
    client = page_client(personas, "invited")
    url = f"/meetings/{weekly_meeting.pk}/rsvp/"
    client.post(url, {"response": "tentative", "attendees": "Det. Ruiz", "note": "Court"})
    client.post(url, {"response": "accepted", "attendees": "Det. Ruiz", "note": ""})
    invitation = Invitation.objects.get(meeting=weekly_meeting, agency=personas.agency("invited"))
    assert invitation.note == ""


# 6. Times and history.


def test_the_closed_registration_message_is_in_the_viewers_zone(personas):
    training = TrainingFactory(
        actor=personas.user("coordinator"),
        task_force=personas.task_force,
        starts_at=soon(30),
        ends_at=soon(30, 16),
        registration_deadline=soon(10),
        open_to_all=True,
    )
    with time_machine.travel(soon(12), tick=False):
        response = page_client(personas, "invited").post(f"/meetings/{training.pk}/register/")
        zone = timezone.localtime(training.registration_deadline).tzname()
    texts = messages_of(response)
    assert len(texts) == 1 and "Registration closed" in texts[0]
    assert "UTC" not in texts[0] and zone in texts[0]


# 7. Register only when it can work.


def _training(personas, **kwargs):
    defaults = dict(
        actor=personas.user("coordinator"),
        task_force=personas.task_force,
        starts_at=soon(30),
        ends_at=soon(30, 16),
        open_to_all=True,
    )
    return TrainingFactory(**{**defaults, **kwargs})


def _register_buttons(personas, training, persona="invited"):
    page = page_client(personas, persona).get(f"/meetings/{training.pk}/").content
    return (
        [b.text for b in elements(page, "button", attr="data-register")],
        [p.text for p in elements(page, "p", cls="registration-closed")],
    )


def test_an_eligible_person_sees_register(personas):
    assert _register_buttons(personas, _training(personas)) == (["Register"], [])


def test_a_full_training_offers_the_waiting_list(personas):
    training = _training(personas, capacity=1)
    RegistrationFactory(meeting=training, user=personas.user("invited_member"))
    buttons, _ = _register_buttons(personas, training)
    assert buttons == ["Join the waiting list"]


def test_an_ineligible_profession_sees_why_instead_of_a_button(personas):
    profile = personas.user("invited").profile
    others = [p for p in Profession.values if p != profile.profession]
    buttons, reasons = _register_buttons(
        personas, _training(personas, eligible_professions=others[:2])
    )
    assert buttons == [] and len(reasons) == 1 and "open to" in reasons[0]


def test_a_closed_registration_shows_why_instead_of_a_button(personas):
    training = _training(personas, registration_deadline=soon(10))
    with time_machine.travel(soon(12), tick=False):
        buttons, reasons = _register_buttons(personas, training)
    assert buttons == [] and len(reasons) == 1 and "closed" in reasons[0]


def test_a_past_training_shows_no_register_button(personas):
    training = _training(personas)
    with time_machine.travel(soon(31), tick=False):
        buttons, reasons = _register_buttons(personas, training)
        response = page_client(personas, "invited").post(f"/meetings/{training.pk}/register/")
    assert buttons == [] and reasons
    assert not training.registrations.exists()
    assert "begun" in messages_of(response)[0]


# 8. The month and the week.


def test_a_days_meetings_are_in_the_order_of_their_hours(personas):
    coordinator = personas.user("coordinator")
    afternoon = MeetingFactory(
        actor=coordinator,
        task_force=personas.task_force,
        title="Afternoon series",
        starts_at=chicago(2027, 3, 2, 14),
        ends_at=chicago(2027, 3, 2, 15),
        recurrence_rule="FREQ=WEEKLY;COUNT=2",
    )
    morning = MeetingFactory(
        actor=coordinator,
        task_force=personas.task_force,
        title="Morning one-off",
        starts_at=chicago(2027, 3, 9, 9),
        ends_at=chicago(2027, 3, 9, 10),
    )
    page = page_client(personas, "coordinator").get("/meetings/?month=2027-03").content
    order = [a.attrs["href"] for a in elements(page, "a", cls="event")]
    a, m = afternoon.get_absolute_url(), morning.get_absolute_url()
    assert order == [a, m, a]


def test_the_month_marks_today_and_offers_a_today_button(personas):
    client = page_client(personas, "invited")
    page = client.get("/meetings/").content
    today = [td for td in elements(page, "td") if td.attrs.get("aria-current") == "date"]
    assert len(today) == 1 and "today" in today[0].classes
    away = client.get("/meetings/?month=2027-03").content
    links = elements(away, "a", attr="data-today-link")
    assert len(links) == 1
    assert client.get("/meetings/" + links[0].attrs["href"]).context["showing_today"]
    assert not [td for td in elements(away, "td") if td.attrs.get("aria-current") == "date"]


def test_the_week_is_a_time_grid(personas, weekly_meeting):
    page = page_client(personas, "invited").get("/meetings/?view=week&week=2026-10-20").content
    heads = elements(page, "div", cls="wg-head")
    hours = elements(page, "div", cls="wg-hour")
    placed = elements(page, "a", cls="wg-event")
    assert len(heads) == 7 and len(hours) >= 12
    assert len(placed) == 1
    # 09:00-10:00 in a grid from 07:00 in half-hour rows: the fifth row, two rows long.
    assert {"r-5", "s-2"} <= placed[0].classes


# 9. The subscription page.


def test_the_subscription_page_has_a_copy_button_and_a_webcal_link(personas):
    client = page_client(personas, "invited")
    client.post("/calendar/")
    response = client.get("/calendar/")
    feed_url = response.context["feed_url"]
    field = [i for i in elements(response.content, "input") if i.attrs.get("id") == "feed-url"]
    button = elements(response.content, "button", attr="data-copy-target")
    webcal = elements(response.content, "a", attr="data-webcal")
    assert field and "readonly" in field[0].attrs and field[0].attrs["value"] == feed_url
    assert button and button[0].attrs["data-copy-target"] == "feed-url"
    assert webcal[0].attrs["href"] == "webcal://" + feed_url.split("://", 1)[1]
