"""Demo meetings from the seeds: the March 10-12, 2026 Kansas City training (a past one,
with the seeds' dates), and, placed relative to the day the demo is loaded so that a
demo always has something to come: a monthly task force meeting on the second Tuesday, a
weekly deconfliction call, an upcoming training open to all, and a confidential operation
briefing for some agencies only. Idempotent: a meeting whose title exists in its task
force is kept."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from agencies.models import Agency, Profession, TaskForce
from meetings import demo_trainings, services
from meetings.models import Meeting, MeetingKind

User = get_user_model()
CHICAGO = ZoneInfo("America/Chicago")


def _at(year, month, day, hour, minute=0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=CHICAGO)


def _on(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=CHICAGO)


def _next_weekday(day: dt.date, weekday: int, *, weeks_after: int = 0) -> dt.date:
    """The first ``weekday`` (0 is Monday) on or after ``day``, ``weeks_after`` weeks on."""
    return day + dt.timedelta(days=(weekday - day.weekday()) % 7 + 7 * weeks_after)


def _second_tuesday(year: int, month: int) -> dt.date:
    return _next_weekday(dt.date(year, month, 1), 1, weeks_after=1)


@transaction.atomic
def seed() -> None:
    fbi_tf = TaskForce.objects.get(slug="fbi-kc-cehttf")
    ago_tf = TaskForce.objects.get(slug="mo-ago-httf")
    agencies = {a.short_name: a for a in Agency.objects.all()}
    fbi_coordinator = User.objects.get(username="fbi.coordinator")
    ago_coordinator = User.objects.get(username="moago.coordinator")
    today = timezone.now().astimezone(CHICAGO).date()
    # The monthly meeting started two months ago, so it has a past and a future.
    month = today.replace(day=1) - dt.timedelta(days=40)
    monthly_first = _second_tuesday(month.year, month.month)

    if not Meeting.objects.filter(
        task_force=ago_tf, title__startswith="Human trafficking"
    ).exists():
        services.meeting_schedule(
            actor=ago_coordinator,
            task_force=ago_tf,
            title="Human trafficking prevention training, Kansas City",
            kind=MeetingKind.TRAINING,
            starts_at=_at(2026, 3, 10, 8),
            ends_at=_at(2026, 3, 10, 16, 30),
            recurrence_rule="FREQ=DAILY;COUNT=3",
            location="Kansas City, Missouri",
            agenda="Three days with the Human Trafficking Training Center, offered free by the "
            "Attorney General's Office.",
            topics="Human trafficking interdiction\nHuman trafficking operations\n"
            "Illicit massage business investigations",
            invite_all=True,
            open_to_all=True,
            capacity=120,
            registration_deadline=_at(2026, 3, 3, 17),
            eligible_professions=[
                Profession.LAW_ENFORCEMENT,
                Profession.PROSECUTOR,
                Profession.PROBATION_PAROLE,
                Profession.ANALYST,
                Profession.ADVOCATE,
                Profession.FIRST_RESPONDER,
                Profession.MEDICAL,
            ],
        )
    if not Meeting.objects.filter(task_force=fbi_tf, title="Monthly task force meeting").exists():
        services.meeting_schedule(
            actor=fbi_coordinator,
            task_force=fbi_tf,
            title="Monthly task force meeting",
            kind=MeetingKind.TASK_FORCE_MEETING,
            starts_at=_on(monthly_first, 9),
            ends_at=_on(monthly_first, 10, 30),
            recurrence_rule="FREQ=MONTHLY;BYDAY=2TU",
            location="FBI Kansas City Field Office, conference room B (demo)",
            agenda="Open cases round, deconfliction, training needs.",
            invite_all=True,
        )
    if not Meeting.objects.filter(task_force=fbi_tf, kind=MeetingKind.OPERATION_BRIEFING).exists():
        services.meeting_schedule(
            actor=fbi_coordinator,
            task_force=fbi_tf,
            title="Operation briefing: I-70 corridor",
            kind=MeetingKind.OPERATION_BRIEFING,
            starts_at=_on(today + dt.timedelta(days=9), 7),
            ends_at=_on(today + dt.timedelta(days=9), 8),
            location="Staging area (demo)",
            agenda="Roles, radio channels, victim services on site.",
            invited_agencies=[agencies[n] for n in ("FBI", "KCPD", "OPPD", "KCAHTC")],
            confidential=True,
        )
    if not Meeting.objects.filter(task_force=fbi_tf, title="Weekly deconfliction call").exists():
        first = _next_weekday(today, 3)  # Thursday
        services.meeting_schedule(
            actor=fbi_coordinator,
            task_force=fbi_tf,
            title="Weekly deconfliction call",
            kind=MeetingKind.TASK_FORCE_MEETING,
            starts_at=_on(first, 10),
            ends_at=_on(first, 10, 45),
            recurrence_rule="FREQ=WEEKLY;BYDAY=TH;COUNT=12",
            video_url="https://video.example.org/crossroads-deconfliction",
            agenda="Targets, locations and operations planned this week: who else is working them.",
            invited_agencies=[agencies[n] for n in ("FBI", "KCPD", "OPPD", "KBI", "WPD")],
        )
    if not Meeting.objects.filter(task_force=ago_tf, title__startswith="Victim-centered").exists():
        first = _next_weekday(today + dt.timedelta(days=21), 1)  # a Tuesday three weeks on
        services.meeting_schedule(
            actor=ago_coordinator,
            task_force=ago_tf,
            title="Victim-centered interviewing training, Jefferson City",
            kind=MeetingKind.TRAINING,
            starts_at=_on(first, 8, 30),
            ends_at=_on(first, 16),
            recurrence_rule="FREQ=DAILY;COUNT=2",
            location="Jefferson City, Missouri (demo)",
            agenda="Two days on trauma-informed interviews of victims and witnesses.",
            topics="Trauma-informed interviewing\nWorking with victim advocates",
            invite_all=True,
            open_to_all=True,
            capacity=40,
            registration_deadline=_on(first - dt.timedelta(days=7), 17),
            eligible_professions=[
                Profession.LAW_ENFORCEMENT,
                Profession.PROSECUTOR,
                Profession.ADVOCATE,
            ],
        )
    demo_trainings.seed()
