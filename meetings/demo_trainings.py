"""Demo data of public trainings: the seeds' March 10-12, 2026 Kansas City training open to
public registration, with invented registrants filling its seats and a waiting list; the
upcoming demo training open to the public too; and a past training, December 5, 2022 at the
KCPD Regional Training Academy, with recorded attendance and certificates. Every registrant
is invented (example.org addresses). Called by ``meetings.demo.seed``; idempotent."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model

from agencies.models import Profession, TaskForce
from meetings import public, services
from meetings.models import Meeting, MeetingKind

User = get_user_model()
CHICAGO = ZoneInfo("America/Chicago")
FIRST = [
    "Avery",
    "Jordan",
    "Morgan",
    "Riley",
    "Casey",
    "Quinn",
    "Harper",
    "Rowan",
    "Emerson",
    "Parker",
    "Reese",
    "Sawyer",
]
LAST = [
    "Calder",
    "Brightwater",
    "Ashgrove",
    "Fenwick",
    "Holloway",
    "Marchetti",
    "Oakridge",
    "Pennant",
    "Ravensworth",
    "Stillwell",
    "Thornbury",
]
ORGANISATIONS = [
    ("Cass County Sheriff's Office (demo)", Profession.LAW_ENFORCEMENT, "Deputy"),
    ("Jackson County Prosecutor's Office (demo)", Profession.PROSECUTOR, "Assistant prosecutor"),
    ("Missouri Probation and Parole, District 4 (demo)", Profession.PROBATION_PAROLE, "Officer"),
    ("Regional Crime Analysis Unit (demo)", Profession.ANALYST, "Crime analyst"),
    ("Safe Harbor Advocacy Center (demo)", Profession.ADVOCATE, "Victim advocate"),
    ("Blue Springs Fire Department (demo)", Profession.FIRST_RESPONDER, "Paramedic"),
    ("Truman Medical Center (demo)", Profession.MEDICAL, "Emergency nurse"),
]
AGO_ORGANISERS = "Missouri Attorney General's Office and the Human Trafficking Training Center"
HTTC_ORGANISERS = "Human Trafficking Training Center, sponsored by We The People of Jackson County"


def registrants(count: int, *, offset: int = 0):
    """``count`` invented people, the same on every run."""
    for n in range(offset, offset + count):
        first, last = FIRST[n % len(FIRST)], LAST[(n * 5 + n // len(FIRST)) % len(LAST)]
        organisation, profession, title = ORGANISATIONS[n % len(ORGANISATIONS)]
        yield {
            "name": f"{first} {last}",
            "email": f"{first}.{last}.{n}@example.org".lower(),
            "phone": "" if n % 3 else f"816-555-{n % 10000:04d}",
            "organisation": organisation,
            "profession": profession,
            "job_title": title,
        }


def _fill(coordinator, meeting, count: int, offset: int = 0) -> list:
    return [
        services.registrant_add(actor=coordinator, meeting=meeting, registrant=r, notify=False)
        for r in registrants(count, offset=offset)
    ]


def seed() -> None:
    ago_tf = TaskForce.objects.get(slug="mo-ago-httf")
    fbi_tf = TaskForce.objects.get(slug="fbi-kc-cehttf")
    ago_coordinator = User.objects.get(username="moago.coordinator")
    fbi_coordinator = User.objects.get(username="fbi.coordinator")

    seeds = Meeting.objects.filter(task_force=ago_tf, title__startswith="Human trafficking").first()
    if seeds is not None and not seeds.public_registration:
        services.training_set_public(
            actor=ago_coordinator,
            meeting=seeds,
            public_registration=True,
            slug="kansas-city-march-2026",
            organisers=AGO_ORGANISERS,
        )
        # Every seat taken and four people waiting.
        _fill(ago_coordinator, seeds, (seeds.capacity or 0) + 4)

    upcoming = Meeting.objects.filter(
        task_force=ago_tf, title__startswith="Victim-centered"
    ).first()
    if upcoming is not None and not upcoming.public_registration:
        services.training_set_public(
            actor=ago_coordinator,
            meeting=upcoming,
            public_registration=True,
            slug="victim-centered-interviewing",
            organisers=AGO_ORGANISERS,
        )
        _fill(ago_coordinator, upcoming, 6, offset=200)

    title = "Human trafficking training for first responders"
    if not Meeting.objects.filter(task_force=fbi_tf, title=title).exists():
        past, _ = services.meeting_schedule(
            actor=fbi_coordinator,
            task_force=fbi_tf,
            title=title,
            kind=MeetingKind.TRAINING,
            starts_at=dt.datetime(2022, 12, 5, 8, tzinfo=CHICAGO),
            ends_at=dt.datetime(2022, 12, 5, 16, tzinfo=CHICAGO),
            location="KCPD Regional Training Academy, 6885 NE Pleasant Valley Rd, Kansas City, MO",
            agenda="A free day with the Human Trafficking Training Center for police, "
            "firefighters, social workers, medical personnel and school resource officers.",
            topics="Signs and indicators of trafficking\nFirst contact with a victim\n"
            "Starting an investigation",
            invite_all=True,
            capacity=60,
            eligible_professions=[
                Profession.LAW_ENFORCEMENT,
                Profession.FIRST_RESPONDER,
                Profession.MEDICAL,
                Profession.ADVOCATE,
            ],
        )
        services.training_set_public(
            actor=fbi_coordinator,
            meeting=past,
            public_registration=True,
            slug="first-responders-december-2022",
            organisers=HTTC_ORGANISERS,
        )
        day = public.training_days(past)[0]
        for n, registration in enumerate(_fill(fbi_coordinator, past, 14, offset=300)):
            if n % 7 == 6:
                continue  # registered, did not come
            services.attendance_record(actor=fbi_coordinator, registration=registration, day=day)
            services.registration_complete(
                actor=fbi_coordinator, registration=registration, notify=False
            )
