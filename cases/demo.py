"""Demo cases: invented, shared in different ways, so a newcomer logging in as different
agencies sees the access policy at work. Idempotent: a case whose title exists is kept."""

import datetime as dt
import struct
import zlib

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from activity.clock import policy_today
from agencies.models import Agency, TaskForce
from cases import services
from cases.models import AccessLevel, Case, CaseKind, NoteVisibility, Task, TraffickingType

User = get_user_model()

# Each task force's tag vocabulary, and the tags of the demo cases (by title).
TAGS = {
    "fbi-kc-cehttf": ["Illicit massage", "Labor", "Minor victim", "Interstate", "Hotel/motel"],
    "mo-ago-httf": ["Labor", "Outreach referral"],
}
CASE_TAGS = {
    "I-70 motel corridor: suspected sex trafficking": ["Interstate", "Hotel/motel"],
    "Illicit massage business in a strip mall": ["Illicit massage"],
    "Truck stop outreach referrals": ["Labor", "Outreach referral"],
}

CASES = [
    {
        "task_force": "fbi-kc-cehttf",
        "opener": "kcpd.liaison",
        "title": "I-70 motel corridor: suspected sex trafficking",
        "kind": CaseKind.SEX_TRAFFICKING,
        "trafficking_type": TraffickingType.SEX,
        "opened_quarters_ago": 6,
        "priority": "high",
        "summary": (
            "Hotline tips and patrol observations point to a group moving victims between "
            "motels along I-70 and I-35. Demo case: every detail is invented."
        ),
        "shares": [
            ("FBI", AccessLevel.MANAGE, "Joint investigation under the task force agreement", None),
            ("MOAGO", AccessLevel.CONTRIBUTE, "Prosecution support, request 2026-014", None),
            ("OPPD", AccessLevel.CONTRIBUTE, "Suspect vehicle seen in Overland Park", 60),
        ],
        "notes": [
            ("kcpd.liaison", "Surveillance rota agreed for the next two weekends.", None),
            (
                "kcpd.liaison",
                "A confidential source is ready to talk to investigators only; details by phone.",
                ["FBI"],
            ),
            ("moago.liaison", "Our office can review the affidavit before filing.", None),
        ],
        # (created by, title, assigned agency, due in days from today, status, restricted to)
        "tasks": [
            (
                "kcpd.liaison",
                "Pull motel registers for the last 90 days",
                "KCPD",
                -3,
                "in_progress",
                None,
            ),
            ("kcpd.liaison", "Run plates of the suspect vehicle", "OPPD", 4, "open", None),
            (
                "fbi.liaison",
                "Subpoena the phone carrier for the advertised numbers",
                "FBI",
                10,
                "open",
                None,
            ),
            (
                "kcpd.liaison",
                "Arrange a victim advocate for the interviews",
                "KCPD",
                2,
                "open",
                None,
            ),
            ("kcpd.liaison", "Debrief the confidential source", "FBI", -1, "open", ["FBI"]),
            ("fbi.liaison", "Map the motels along I-70 and I-35", "OPPD", None, "done", None),
        ],
        # (uploaded by, file name, content, restricted to); "PNG" draws a small image.
        "files": [
            (
                "kcpd.liaison",
                "surveillance-log-weekend-1.txt",
                b"Invented demo log. Sat 22:10 white van, Missouri plates, parked at motel 3.\n"
                b"Sat 23:40 two women escorted to room 114. Sun 01:15 van leaves eastbound.\n",
                None,
            ),
            ("oppd.liaison", "vehicle-sighting.png", "PNG", None),
            (
                "fbi.liaison",
                "source-contact-sheet.txt",
                b"Invented demo contact sheet: meeting place and times, by phone only.\n",
                ["KCPD"],
            ),
        ],
    },
    {
        "task_force": "fbi-kc-cehttf",
        "opener": "oppd.liaison",
        "title": "Illicit massage business in a strip mall",
        "kind": CaseKind.ILLICIT_MASSAGE_BUSINESS,
        "trafficking_type": TraffickingType.BOTH,
        "opened_quarters_ago": 3,
        "priority": "normal",
        "summary": "Advertising and lease records suggest a network of storefronts. Invented.",
        "shares": [
            ("KBI", AccessLevel.CONTRIBUTE, "Financial analysis, KBI request 77", None),
            ("FBI", AccessLevel.VIEW, "Coordination", None),
        ],
        "notes": [
            ("oppd.liaison", "Three storefronts share one leaseholder.", None),
            ("kbi.liaison", "Payment processor records requested.", ["OPPD"]),
        ],
    },
    {
        "task_force": "mo-ago-httf",
        "opener": "moago.liaison",
        "title": "Truck stop outreach referrals",
        "kind": CaseKind.LABOR_TRAFFICKING,
        "trafficking_type": TraffickingType.LABOR,
        "opened_quarters_ago": 1,
        "priority": "normal",
        "summary": "Referrals from trucker outreach to victim services. Invented.",
        "shares": [("TAT", AccessLevel.CONTRIBUTE, "Outreach partnership", None)],
        "notes": [("tat.liaison", "Two drivers reported the same recruiter at one stop.", None)],
    },
]


def png_bytes(width: int = 48, height: int = 32) -> bytes:
    """A small PNG drawn in code: a grey field with a darker band, for the demo's image."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        checksum = struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        return struct.pack(">I", len(data)) + kind + data + checksum

    rows = b"".join(
        b"\x00"
        + (b"\x40\x50\x60" if height // 3 <= y < 2 * height // 3 else b"\xc0\xc8\xd0") * width
        for y in range(height)
    )
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def _seed_work(case: Case, spec: dict, agencies: dict) -> None:
    """The tasks and evidence files of a demo case, once."""
    if Task.objects.filter(case=case).exists():
        return
    for username, title, agency, days, status, restricted in spec.get("tasks", []):
        services.task_create(
            actor=User.objects.get(username=username),
            case=case,
            title=title,
            assigned_agency=agencies[agency],
            due_on=policy_today() + dt.timedelta(days=days) if days is not None else None,
            status=status,
            visibility=NoteVisibility.RESTRICTED if restricted else NoteVisibility.CASE,
            restricted_to=[agencies[name] for name in restricted or []],
        )
    for username, name, content, restricted in spec.get("files", []):
        services.file_upload(
            actor=User.objects.get(username=username),
            case=case,
            upload=SimpleUploadedFile(name, png_bytes() if content == "PNG" else content),
            visibility=NoteVisibility.RESTRICTED if restricted else NoteVisibility.CASE,
            restricted_to=[agencies[n] for n in restricted or []],
        )


def _seed_tags(case: Case, opener) -> None:
    """The task force's vocabulary (once) and the case's tags (while it has none)."""
    coordinator = case.task_force.coordinators.order_by("pk").first()
    if coordinator is None or case.tags.exists():
        return
    for name in TAGS.get(case.task_force.slug, []):
        if not case.task_force.tags.filter(name=name).exists():
            services.tag_create(actor=coordinator, task_force=case.task_force, name=name)
    wanted = case.task_force.tags.filter(name__in=CASE_TAGS.get(case.title, []))
    if wanted.exists():
        services.case_set_tags(actor=opener, case=case, tags=list(wanted))


@transaction.atomic
def seed() -> None:
    agencies = {agency.short_name: agency for agency in Agency.objects.all()}
    for spec in CASES:
        task_force = TaskForce.objects.get(slug=spec["task_force"])
        existing = Case.objects.filter(task_force=task_force, title=spec["title"]).first()
        if existing is not None:
            _seed_work(existing, spec, agencies)
            _seed_tags(existing, User.objects.get(username=spec["opener"]))
            continue
        opener = User.objects.get(username=spec["opener"])
        case = services.case_open(
            actor=opener,
            task_force=task_force,
            title=spec["title"],
            kind=spec["kind"],
            summary=spec["summary"],
            priority=spec["priority"],
        )
        for short_name, level, purpose, days in spec["shares"]:
            services.case_share(
                actor=opener,
                case=case,
                agency=agencies[short_name],
                level=level,
                purpose=purpose,
                expires_on=policy_today() + dt.timedelta(days=days) if days else None,
            )
        for username, body, restricted in spec["notes"]:
            services.note_add(
                actor=User.objects.get(username=username),
                case=case,
                body=body,
                visibility=NoteVisibility.RESTRICTED if restricted else NoteVisibility.CASE,
                restricted_to=[agencies[name] for name in restricted or []],
            )
        _seed_work(case, spec, agencies)
        _seed_tags(case, opener)
    seed_outcomes()


# What came of the demo cases, quarter by quarter (0 is the current quarter): enough in each
# for the task force's report to show figures above five and hide the smaller ones. Invented.
OUTCOMES = {
    "I-70 motel corridor: suspected sex trafficking": [
        (5, "victims_identified", 6, {"age_group": "adult", "citizenship": "us_citizen"}),
        (5, "victims_identified", 2, {"age_group": "minor", "citizenship": "us_citizen"}),
        (5, "victims_referred", 7, {}),
        (4, "arrests", 5, {}),
        (4, "charges_filed", 8, {"statute": "human_trafficking"}),
        (4, "charges_filed", 3, {"statute": "other"}),
        (3, "victims_identified", 5, {"age_group": "adult", "citizenship": "foreign_national"}),
        (3, "victims_referred", 5, {}),
        (3, "prosecutions", 5, {}),
        (2, "arrests", 6, {}),
        (2, "convictions", 2, {}),
        (1, "victims_identified", 9, {"age_group": "adult", "citizenship": "us_citizen"}),
        (1, "victims_identified", 6, {"age_group": "minor", "citizenship": "unknown"}),
        (1, "victims_referred", 12, {}),
        (1, "convictions", 5, {}),
        (0, "victims_identified", 7, {"age_group": "adult", "citizenship": "us_citizen"}),
        (0, "victims_referred", 6, {}),
        (0, "arrests", 8, {}),
        (0, "charges_filed", 9, {"statute": "human_trafficking"}),
        (0, "charges_filed", 6, {"statute": "other"}),
    ],
    "Illicit massage business in a strip mall": [
        (2, "victims_identified", 8, {"age_group": "adult", "citizenship": "foreign_national"}),
        (2, "victims_referred", 8, {}),
        (1, "arrests", 7, {}),
        (1, "charges_filed", 6, {"statute": "human_trafficking"}),
        (0, "victims_identified", 6, {"age_group": "adult", "citizenship": "foreign_national"}),
        (0, "prosecutions", 3, {}),
        (0, "arrests", 1, {}),
    ],
    "Truck stop outreach referrals": [
        (1, "victims_identified", 5, {"age_group": "adult", "citizenship": "foreign_national"}),
        (0, "victims_referred", 5, {}),
    ],
}


def _quarter_start(today: dt.date, quarters_ago: int) -> dt.date:
    index = today.year * 4 + (today.month - 1) // 3 - quarters_ago
    return dt.date(index // 4, index % 4 * 3 + 1, 1)


@transaction.atomic
def seed_outcomes() -> None:
    """Date the demo cases' opening in past quarters and record their outcomes, each in its
    quarter (on the quarter's 20th day, or today in a quarter not that old yet)."""
    today = policy_today()
    for spec in CASES:
        case = Case.objects.filter(title=spec["title"]).first()
        if case is None or case.outcomes.exists():
            continue
        manager = case.opened_by
        opened = _quarter_start(today, spec["opened_quarters_ago"]) + dt.timedelta(days=9)
        # Demo only: the case was opened in a past quarter (services always open today).
        Case.objects.filter(pk=case.pk).update(
            created_at=dt.datetime.combine(opened, dt.time(10), tzinfo=dt.UTC)
        )
        services.case_update(actor=manager, case=case, trafficking_type=spec["trafficking_type"])
        for quarters_ago, kind, count, groups in OUTCOMES.get(spec["title"], []):
            day = min(_quarter_start(today, quarters_ago) + dt.timedelta(days=19), today)
            services.case_outcome_record(
                actor=manager, case=case, kind=kind, count=count, occurred_on=day, **groups
            )
