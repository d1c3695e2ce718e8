"""Demo meetings from the seeds: the March 10-12, 2026 Kansas City training, a monthly
task force meeting, and a confidential operation briefing for some agencies only.
Idempotent: a meeting whose title exists in its task force is kept."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db import transaction

from agencies.models import Agency, Profession, TaskForce
from meetings import services
from meetings.models import Meeting, MeetingKind

User = get_user_model()
CHICAGO = ZoneInfo("America/Chicago")


def _at(year, month, day, hour, minute=0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=CHICAGO)


@transaction.atomic
def seed() -> None:
    fbi_tf = TaskForce.objects.get(slug="fbi-kc-cehttf")
    ago_tf = TaskForce.objects.get(slug="mo-ago-httf")
    agencies = {a.short_name: a for a in Agency.objects.all()}
    fbi_coordinator = User.objects.get(username="fbi.coordinator")
    ago_coordinator = User.objects.get(username="moago.coordinator")

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
            starts_at=_at(2026, 1, 13, 9),
            ends_at=_at(2026, 1, 13, 10, 30),
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
            starts_at=_at(2026, 12, 3, 7),
            ends_at=_at(2026, 12, 3, 8),
            location="Staging area (demo)",
            agenda="Roles, radio channels, victim services on site.",
            invited_agencies=[agencies[n] for n in ("FBI", "KCPD", "OPPD", "KCAHTC")],
            confidential=True,
        )
