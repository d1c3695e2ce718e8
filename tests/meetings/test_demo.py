"""The demo's meetings are placed relative to the day it is loaded: whatever that day, a
demo has meetings and a training to come, and the seeds' March 2026 training stays a past
one whose page says why it takes no registration."""

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from meetings import access, recurrence
from meetings.models import Meeting
from tests.frontend.elements import elements

pytestmark = pytest.mark.django_db

LOADED_ON = [
    dt.datetime(2027, 6, 15, 18, tzinfo=dt.UTC),
    dt.datetime(2028, 1, 30, 3, tzinfo=dt.UTC),
]


@pytest.mark.parametrize("moment", LOADED_ON)
def test_the_demo_has_meetings_and_a_training_to_come(moment):
    with time_machine.travel(moment, tick=False):
        call_command("seed_demo", stdout=StringIO())
        now = timezone.now()
        soon = now + dt.timedelta(weeks=5)
        coming = [
            meeting
            for meeting in Meeting.objects.all()
            if any(not o.cancelled for o in recurrence.occurrences(meeting, now, soon))
        ]
        kinds = {meeting.kind for meeting in coming}
        assert {"training", "task_force_meeting", "operation_briefing"} <= kinds
        seeds_training = Meeting.objects.get(starts_at__date="2026-03-10")
        assert seeds_training.ends_at < now
        liaison = get_user_model().objects.get(username="kcpd.liaison")
        check = access.can_register(liaison, seeds_training)
        assert not check and check.reason
        upcoming = Meeting.objects.get(kind="training", starts_at__gt=now)
        assert access.can_register(liaison, upcoming)


def test_the_seeds_training_shows_no_register_button_once_past():
    with time_machine.travel(LOADED_ON[0], tick=False):
        call_command("seed_demo", stdout=StringIO())
        client = Client()
        client.force_login(get_user_model().objects.get(username="kcpd.liaison"))
        training = Meeting.objects.get(starts_at__date="2026-03-10")
        page = client.get(training.get_absolute_url()).content
    assert not elements(page, "button", attr="data-register")
    assert elements(page, "p", cls="registration-closed")
