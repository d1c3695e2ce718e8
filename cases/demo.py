"""Demo cases: invented, shared in different ways, so a newcomer logging in as different
agencies sees the access policy at work. Idempotent: a case whose title exists is kept."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction

from activity.clock import policy_today
from agencies.models import Agency, TaskForce
from cases import services
from cases.models import AccessLevel, Case, CaseKind, NoteVisibility, TraffickingType

User = get_user_model()

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
            ("OPPD", AccessLevel.VIEW, "Suspect vehicle seen in Overland Park", 60),
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


@transaction.atomic
def seed() -> None:
    agencies = {agency.short_name: agency for agency in Agency.objects.all()}
    for spec in CASES:
        task_force = TaskForce.objects.get(slug=spec["task_force"])
        if Case.objects.filter(task_force=task_force, title=spec["title"]).exists():
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
