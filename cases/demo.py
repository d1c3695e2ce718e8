"""Demo cases: invented, shared in different ways, so a newcomer logging in as different
agencies sees the access policy at work. Idempotent: a case whose title exists is kept."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction

from activity.clock import policy_today
from agencies.models import Agency, TaskForce
from cases import services
from cases.models import AccessLevel, Case, CaseKind, NoteVisibility

User = get_user_model()

CASES = [
    {
        "task_force": "fbi-kc-cehttf",
        "opener": "kcpd.liaison",
        "title": "I-70 motel corridor: suspected sex trafficking",
        "kind": CaseKind.SEX_TRAFFICKING,
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
