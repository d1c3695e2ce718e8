"""Demo data from the seed documents (../shared/seeds): the FBI Kansas City task force,
the Missouri Attorney General's task force, and their partners.

Agencies and task forces are real; every person is an invented role account. Contact
details use reserved 555 numbers and example domains. Seeding is idempotent: what exists
already is left as it is.
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction

from agencies import services
from agencies.demo_integrations import seed_integrations
from agencies.models import (
    Agency,
    AgencyKind,
    AgencyRole,
    MembershipRole,
    Profession,
    TaskForce,
    TaskForceMembership,
)

User = get_user_model()


@dataclass(frozen=True)
class DemoAgency:
    short_name: str
    name: str
    kind: str
    jurisdiction: str
    phone: str
    profession: str


AGENCIES = [
    DemoAgency(
        "FBI",
        "Federal Bureau of Investigation, Kansas City Field Office",
        AgencyKind.FEDERAL,
        "US",
        "(816) 555-0100",
        Profession.LAW_ENFORCEMENT,
    ),
    DemoAgency(
        "MOAGO",
        "Missouri Attorney General's Office",
        AgencyKind.STATE,
        "MO",
        "(573) 555-0101",
        Profession.PROSECUTOR,
    ),
    DemoAgency(
        "BCSO",
        "Buchanan County Sheriff's Office",
        AgencyKind.COUNTY,
        "MO",
        "(816) 555-0102",
        Profession.LAW_ENFORCEMENT,
    ),
    DemoAgency(
        "JPD",
        "Joplin Police Department",
        AgencyKind.MUNICIPAL,
        "MO",
        "(417) 555-0103",
        Profession.LAW_ENFORCEMENT,
    ),
    DemoAgency(
        "KBI",
        "Kansas Bureau of Investigation",
        AgencyKind.STATE,
        "KS",
        "(785) 555-0104",
        Profession.ANALYST,
    ),
    DemoAgency(
        "KCPD",
        "Kansas City Missouri Police Department",
        AgencyKind.MUNICIPAL,
        "MO",
        "(816) 555-0105",
        Profession.LAW_ENFORCEMENT,
    ),
    DemoAgency(
        "OPPD",
        "Overland Park Police Department",
        AgencyKind.MUNICIPAL,
        "KS",
        "(913) 555-0106",
        Profession.LAW_ENFORCEMENT,
    ),
    DemoAgency(
        "SPD",
        "Springfield Missouri Police Department",
        AgencyKind.MUNICIPAL,
        "MO",
        "(417) 555-0107",
        Profession.LAW_ENFORCEMENT,
    ),
    DemoAgency(
        "TPD",
        "Topeka Police Department",
        AgencyKind.MUNICIPAL,
        "KS",
        "(785) 555-0108",
        Profession.LAW_ENFORCEMENT,
    ),
    DemoAgency(
        "WPD",
        "Wichita Police Department",
        AgencyKind.MUNICIPAL,
        "KS",
        "(316) 555-0109",
        Profession.LAW_ENFORCEMENT,
    ),
    DemoAgency(
        "HTTC",
        "Human Trafficking Training Center",
        AgencyKind.NONPROFIT,
        "US",
        "(816) 555-0110",
        Profession.OTHER,
    ),
    DemoAgency(
        "TAT",
        "Truckers Against Trafficking",
        AgencyKind.NONPROFIT,
        "US",
        "(720) 555-0111",
        Profession.ADVOCATE,
    ),
    DemoAgency(
        "KCAHTC",
        "Kansas City Anti-Human Trafficking Coalition",
        AgencyKind.NONPROFIT,
        "MO",
        "(816) 555-0112",
        Profession.ADVOCATE,
    ),
]

FBI_TASK_FORCE = {
    "slug": "fbi-kc-cehttf",
    "case_prefix": "FBIKC",
    "name": "FBI Kansas City Child Exploitation and Human Trafficking Task Force",
    "lead": "FBI",
    "description": (
        "The FBI-led task force that pools the resources of federal, state and local "
        "agencies to build cases against traffickers and those who exploit children in the "
        "Kansas City region. The Child Exploitation Task Force began in 2013 and combined "
        "with the Human Trafficking Task Force in 2019; the Missouri Attorney General's "
        "Office joined in May 2019."
    ),
    # The combined task force dates from 2019; the exact day is the demo's choice.
    "founded_on": dt.date(2019, 1, 1),
    "members": [
        ("BCSO", MembershipRole.MEMBER, dt.date(2019, 1, 1)),
        ("JPD", MembershipRole.MEMBER, dt.date(2019, 1, 1)),
        ("KBI", MembershipRole.MEMBER, dt.date(2019, 1, 1)),
        ("KCPD", MembershipRole.MEMBER, dt.date(2019, 1, 1)),
        ("OPPD", MembershipRole.MEMBER, dt.date(2019, 1, 1)),
        ("SPD", MembershipRole.MEMBER, dt.date(2019, 1, 1)),
        ("TPD", MembershipRole.MEMBER, dt.date(2019, 1, 1)),
        ("WPD", MembershipRole.MEMBER, dt.date(2019, 1, 1)),
        ("MOAGO", MembershipRole.MEMBER, dt.date(2019, 5, 20)),
        ("KCAHTC", MembershipRole.AFFILIATE, dt.date(2023, 1, 1)),
    ],
    "coordinator": "fbi.coordinator",
}

AGO_TASK_FORCE = {
    "slug": "mo-ago-httf",
    "case_prefix": "MOAGO",
    "name": "Missouri Attorney General's Human Trafficking Task Force",
    "lead": "MOAGO",
    "description": (
        "The Attorney General's own statewide task force, separate from the FBI task force: "
        "training for law enforcement, prosecutors, analysts, advocates, first responders "
        "and medical professionals, and partnerships with advocacy groups."
    ),
    "founded_on": dt.date(2019, 1, 1),
    "members": [
        ("HTTC", MembershipRole.AFFILIATE, dt.date(2025, 1, 1)),
        ("TAT", MembershipRole.AFFILIATE, dt.date(2019, 1, 1)),
    ],
    "coordinator": "moago.coordinator",
}


def demo_usernames() -> list[str]:
    """Every demo login, as the README lists them."""
    liaisons = [f"{agency.short_name.lower()}.liaison" for agency in AGENCIES]
    return [*liaisons, "fbi.coordinator", "moago.coordinator", "kcpd.admin", "admin"]


def _agency(spec: DemoAgency) -> Agency:
    existing = Agency.objects.filter(short_name=spec.short_name).first()
    if existing is not None:
        return existing
    domain = f"{spec.short_name.lower()}.example.org"
    return services.agency_create(
        actor=None,
        name=spec.name,
        short_name=spec.short_name,
        kind=spec.kind,
        jurisdiction=spec.jurisdiction,
        contact_email=f"taskforce@{domain}",
        contact_phone=spec.phone,
        website=f"https://www.{domain}/",
    )


def _person(
    username: str,
    agency: Agency,
    spec: DemoAgency,
    *,
    role: str,
    title: str,
    password_hash: str,
    is_agency_admin: bool = False,
):
    user = User.objects.filter(username=username).first()
    if user is not None:
        return user
    first, _, last = username.partition(".")
    return services.person_create(
        actor=None,
        username=username,
        agency=agency,
        profession=spec.profession,
        email=f"{username}@{agency.short_name.lower()}.example.org",
        first_name=first.upper(),
        last_name=last.capitalize(),
        title=title,
        phone=spec.phone,
        role=role,
        is_agency_admin=is_agency_admin,
        password_hash=password_hash,
    )


def _task_force(spec: dict, agencies: dict[str, Agency]) -> TaskForce:
    task_force = TaskForce.objects.filter(slug=spec["slug"]).first()
    if task_force is None:
        task_force = services.task_force_create(
            actor=None,
            name=spec["name"],
            slug=spec["slug"],
            case_prefix=spec["case_prefix"],
            description=spec["description"],
            lead_agency=agencies[spec["lead"]],
            founded_on=spec["founded_on"],
        )
    for short_name, role, joined_on in spec["members"]:
        agency = agencies[short_name]
        if not TaskForceMembership.objects.filter(task_force=task_force, agency=agency).exists():
            services.membership_add(
                actor=None, task_force=task_force, agency=agency, role=role, joined_on=joined_on
            )
    return task_force


@transaction.atomic
def seed() -> list[str]:
    """Create what is missing of the demo agencies, task forces and people."""
    specs = {spec.short_name: spec for spec in AGENCIES}
    # Hashed once: every demo account has the same password.
    password_hash = make_password(settings.DEMO_PASSWORD)
    agencies = {short_name: _agency(spec) for short_name, spec in specs.items()}
    for short_name, agency in agencies.items():
        _person(
            f"{short_name.lower()}.liaison",
            agency,
            specs[short_name],
            role=AgencyRole.LIAISON,
            title="Task force liaison",
            password_hash=password_hash,
        )
    for task_force_spec in (FBI_TASK_FORCE, AGO_TASK_FORCE):
        task_force = _task_force(task_force_spec, agencies)
        lead = task_force_spec["lead"]
        coordinator = _person(
            task_force_spec["coordinator"],
            agencies[lead],
            specs[lead],
            role=AgencyRole.MEMBER,
            title="Task force coordinator",
            password_hash=password_hash,
        )
        if not task_force.coordinators.filter(pk=coordinator.pk).exists():
            services.coordinator_add(actor=None, task_force=task_force, user=coordinator)
    # One agency admin, to show what agency admins do (their people, their audit trail).
    _person(
        "kcpd.admin",
        agencies["KCPD"],
        specs["KCPD"],
        role=AgencyRole.MEMBER,
        title="Records unit supervisor",
        password_hash=password_hash,
        is_agency_admin=True,
    )
    seed_integrations(agencies["KCPD"])
    if not User.objects.filter(username="admin").exists():
        admin = User(username="admin", email="admin@example.org", is_staff=True, is_superuser=True)
        admin.password = password_hash
        admin.save()
    return demo_usernames()
