"""The statewide data set the benchmark runs on, generated from a seed.

Hundreds of agencies in task forces, thousands of people, cases led mostly by a few large
agencies, some shared with one to three partners (some of those shares dated, past their
date or ended), notes with a tenth restricted to named agencies, and the live events of
recent notes with their audiences. Rows go in with COPY; grants, the generic guardian
table and events are derived from them in SQL, the way the portal's services derive them.
"""

import datetime as dt
import random
from dataclasses import asdict, dataclass

from django.contrib.auth.models import Group, User
from django.db import connection
from django.utils import timezone
from guardian.models import GroupObjectPermission

from activity.models import Event, EventAudience
from agencies.models import Agency, Profile, TaskForce, TaskForceMembership
from bench import derive
from bench.loader import copy_rows, reset_sequences
from bench.words import note_text, title_text
from cases.models import Case, CaseAgencyPermission, CaseOutcome, CaseShare, Note


@dataclass(frozen=True)
class Size:
    agencies: int
    task_forces: int
    people: int
    cases: int
    notes: int
    large_agencies: int  # these lead LARGE_SHARE of the cases between them


SIZES = {
    "full": Size(200, 10, 5_000, 100_000, 1_000_000, 10),
    "quick": Size(200, 10, 1_000, 10_000, 100_000, 10),
    "tiny": Size(12, 2, 60, 400, 2_000, 2),
}
LARGE_SHARE = 0.30
SHARED_FRACTION = 0.05
RESTRICTED_FRACTION = 0.10
EVENT_FRACTION = 0.10  # the newest tenth of the notes has its live events
PEOPLE_PER_AGENCY_MIN = 5  # the benchmark opens five dashboards per agency
HISTORY_DAYS = 1_000
OUTCOME_KINDS = [
    "victims_identified",
    "victims_referred",
    "arrests",
    "charges_filed",
    "prosecutions",
    "convictions",
]

PORTAL_MODELS = [
    Group,
    Agency,
    TaskForce,
    TaskForceMembership,
    User,
    Profile,
    Case,
    CaseOutcome,
    CaseShare,
    CaseAgencyPermission,
    GroupObjectPermission,
    Note,
    Event,
    EventAudience,
    Note.restricted_to.through,
    TaskForce.coordinators.through,
]


def agency_weights(size: Size) -> list[float]:
    """How many cases each agency leads, relatively: the large agencies share
    ``LARGE_SHARE`` of them, the rest a long tail."""
    large = [1.0 - 0.4 * i / max(size.large_agencies - 1, 1) for i in range(size.large_agencies)]
    tail = [1 / (rank + 1) ** 0.6 for rank in range(size.agencies - size.large_agencies)]
    large = [w * LARGE_SHARE / sum(large) for w in large]
    tail = [w * (1 - LARGE_SHARE) / sum(tail) for w in tail]
    return large + tail


class Generator:
    def __init__(self, size: Size, seed: int):
        self.size, self.rng = size, random.Random(seed)
        # Outcomes draw from their own stream: the cases, shares and notes stay the ones
        # earlier runs generated from the same seed.
        self.outcome_rng = random.Random(seed * 31 + 15)
        self.now = timezone.now().replace(microsecond=0)
        self.today = timezone.localdate()
        self.weights = agency_weights(size)

    # Agencies, task forces, people

    def task_force_of(self, agency: int) -> int:
        return agency % self.size.task_forces + 1

    def agencies(self):
        for i in range(1, self.size.agencies + 1):
            yield {
                "id": i,
                "name": f"Bench Agency {i:03d}",
                "short_name": f"BA{i:03d}",
                "kind": self.rng.choice(["municipal", "county", "state", "federal"]),
                "jurisdiction": "MO",
                "group_id": i,
                "created_at": self.now,
            }

    def groups(self):
        for i in range(1, self.size.agencies + 1):
            yield {"id": i, "name": f"agency:BA{i:03d}"}

    def task_forces(self):
        for t in range(1, self.size.task_forces + 1):
            yield {
                "id": t,
                "name": f"Bench Task Force {t:02d}",
                "slug": f"bench-tf-{t:02d}",
                "case_prefix": f"BTF{t:02d}",
                "lead_agency_id": self.agency_ids_of(t)[0],
                "time_zone": "America/Chicago",
                "created_at": self.now,
            }

    def agency_ids_of(self, task_force: int) -> list[int]:
        return [a for a in range(1, self.size.agencies + 1) if self.task_force_of(a) == task_force]

    def memberships(self):
        for a in range(1, self.size.agencies + 1):
            t = self.task_force_of(a)
            lead = self.agency_ids_of(t)[0] == a
            yield {
                "id": a,
                "task_force_id": t,
                "agency_id": a,
                "role": "lead" if lead else "member",
                "joined_on": self.today - dt.timedelta(days=HISTORY_DAYS + 30),
            }

    def plan_people(self) -> None:
        """Each agency gets five people, the rest go by case load; the first of each agency
        is its liaison and admin."""
        spare = max(self.size.people - PEOPLE_PER_AGENCY_MIN * self.size.agencies, 0)
        extra = [round(spare * w) for w in self.weights]
        self.people: dict[int, list[int]] = {}
        next_id = 1
        for a in range(1, self.size.agencies + 1):
            count = PEOPLE_PER_AGENCY_MIN + extra[a - 1]
            self.people[a] = list(range(next_id, next_id + count))
            next_id += count

    def users(self):
        for agency, ids in self.people.items():
            for n, uid in enumerate(ids):
                yield {
                    "id": uid,
                    "username": f"bench-{agency:03d}-{n:04d}",
                    "password": "!",
                    "first_name": f"Person{n}",
                    "last_name": f"Agency{agency:03d}",
                    "email": f"bench-{agency:03d}-{n:04d}@bench.invalid",
                    "is_active": True,
                    "date_joined": self.now,
                }

    def profiles(self):
        for agency, ids in self.people.items():
            for n, uid in enumerate(ids):
                role = (
                    "liaison"
                    if n < PEOPLE_PER_AGENCY_MIN
                    else self.rng.choices(["liaison", "member", "observer"], [2, 7, 1])[0]
                )
                yield {
                    "id": uid,
                    "user_id": uid,
                    "agency_id": agency,
                    "role": role,
                    "profession": "law_enforcement_officer",
                    "is_agency_admin": n == 0,
                }

    def coordinators(self):
        for t in range(1, self.size.task_forces + 1):
            yield {"id": t, "taskforce_id": t, "user_id": self.people[self.agency_ids_of(t)[0]][0]}

    # Cases and shares

    def plan_cases(self) -> None:
        agencies = range(1, self.size.agencies + 1)
        self.leads = self.rng.choices(agencies, self.weights, k=self.size.cases)
        self.case_created = [
            self.now - dt.timedelta(seconds=self.rng.randrange(HISTORY_DAYS * 86_400))
            for _ in range(self.size.cases)
        ]
        self.contributors: dict[int, list[int]] = {}  # case id -> share agencies that write
        self.shares = []
        for index, lead in enumerate(self.leads):
            case_id = index + 1
            self.shares.append(self._share(case_id, lead, lead, "manage", None, None))
            if self.rng.random() >= SHARED_FRACTION:
                continue
            partners = [a for a in self.agency_ids_of(self.task_force_of(lead)) if a != lead]
            for agency in self.rng.sample(partners, min(len(partners), self.rng.randint(1, 3))):
                level = self.rng.choices(["view", "contribute", "manage"], [5, 4, 1])[0]
                roll = self.rng.random()
                expires = (
                    None
                    if roll < 0.7
                    else self.today + dt.timedelta(days=self.rng.randint(1, 365))
                    if roll < 0.9
                    else self.today - dt.timedelta(days=self.rng.randint(1, 365))
                )
                ended = self.now if self.rng.random() < 0.05 else None
                self.shares.append(self._share(case_id, agency, lead, level, expires, ended))
                if level != "view" and ended is None:
                    self.contributors.setdefault(case_id, []).append(agency)

    def _share(self, case_id, agency, lead, level, expires_on, ended_at) -> dict:
        return {
            "id": len(self.shares) + 1,
            "case_id": case_id,
            "agency_id": agency,
            "level": level,
            "purpose": "lead agency" if agency == lead else "joint work",
            "expires_on": expires_on,
            "granted_by_id": self.people[lead][0],
            "granted_at": self.case_created[case_id - 1],
            "ended_at": ended_at,
            "ended_by_id": self.people[lead][0] if ended_at else None,
            "end_reason": "work finished" if ended_at else "",
        }

    def cases(self):
        sequence = dict.fromkeys(range(1, self.size.task_forces + 1), 0)
        kinds = [
            "sex_trafficking",
            "labor_trafficking",
            "child_exploitation",
            "illicit_massage_business",
            "other",
        ]
        for index, lead in enumerate(self.leads):
            t = self.task_force_of(lead)
            sequence[t] += 1
            created = self.case_created[index]
            updated = created + (self.now - created) * self.rng.random()
            yield {
                "id": index + 1,
                "task_force_id": t,
                "number": f"BTF{t:02d}-{sequence[t]:06d}",
                "title": title_text(self.rng),
                "kind": self.rng.choice(kinds),
                "priority": self.rng.choices(["low", "normal", "high", "urgent"], [2, 6, 2, 1])[0],
                "status": self.rng.choices(["open", "active", "referred", "closed"], [3, 4, 1, 2])[
                    0
                ],
                "status_changed_at": created,
                "lead_agency_id": lead,
                "opened_by_id": self.people[lead][0],
                "trafficking_type": self.outcome_rng.choices(
                    ["sex", "labor", "both", "unknown"], [6, 2, 1, 3]
                )[0],
                "created_at": created,
                "updated_at": updated,
            }

    def outcomes(self):
        """What came of the cases: about one and a half dated records per case, from the
        day it was opened to today, with their groups; a few withdrawn."""
        rng, next_id = self.outcome_rng, 1
        for index, lead in enumerate(self.leads):
            created = self.case_created[index]
            for _ in range(rng.choices([0, 1, 2, 3, 4], [3, 3, 2, 1, 1])[0]):
                kind = rng.choices(OUTCOME_KINDS, [4, 3, 3, 3, 1, 1])[0]
                occurred = created + (self.now - created) * rng.random()
                victims = kind == "victims_identified"
                yield {
                    "id": next_id,
                    "case_id": index + 1,
                    "task_force_id": self.task_force_of(lead),
                    "kind": kind,
                    "count": rng.choices([1, 2, 3, 5, 8], [5, 3, 2, 1, 1])[0],
                    "occurred_on": timezone.localdate(occurred),
                    "age_group": rng.choice(["adult", "minor", "unknown"]) if victims else "",
                    "citizenship": rng.choice(["us_citizen", "foreign_national", "unknown"])
                    if victims
                    else "",
                    "statute": rng.choice(["human_trafficking", "other"])
                    if kind == "charges_filed"
                    else "",
                    "recorded_by_id": self.people[lead][0],
                    "recorded_at": occurred,
                    "withdrawn_at": self.now if rng.random() < 0.02 else None,
                }
                next_id += 1

    # Notes

    def notes(self, restricted: list[dict]):
        """Notes spread unevenly over cases (some cases have none); restricted rows are
        collected into ``restricted`` for a second COPY."""
        activity = [self.rng.expovariate(1.0) ** 2 for _ in range(self.size.cases)]
        case_ids = self.rng.choices(range(1, self.size.cases + 1), activity, k=self.size.notes)
        for note_id, case_id in enumerate(case_ids, start=1):
            lead = self.leads[case_id - 1]
            writers = self.contributors.get(case_id)
            agency = self.rng.choice(writers) if writers and self.rng.random() < 0.3 else lead
            created = self.case_created[case_id - 1]
            created += (self.now - created) * self.rng.random()
            visibility = "case"
            if self.rng.random() < RESTRICTED_FRACTION:
                visibility = "restricted"
                for named in {agency, lead}:
                    restricted.append(
                        {"id": len(restricted) + 1, "note_id": note_id, "agency_id": named}
                    )
            yield {
                "id": note_id,
                "case_id": case_id,
                "author_id": self.rng.choice(self.people[agency]),
                "author_agency_id": agency,
                "body": note_text(self.rng),
                "visibility": visibility,
                "created_at": created,
                "updated_at": created,
            }


def load(size: Size, seed: int) -> dict:
    """Write the whole data set into an empty portal database; returns its counts."""
    gen = Generator(size, seed)
    gen.plan_people()
    gen.plan_cases()
    counts = {
        "agencies": copy_rows(Group, gen.groups(), total=size.agencies, label="agency groups"),
    }
    copy_rows(Agency, gen.agencies(), total=size.agencies, label="agencies")
    counts["task_forces"] = copy_rows(
        TaskForce, gen.task_forces(), total=size.task_forces, label="task forces"
    )
    copy_rows(TaskForceMembership, gen.memberships(), total=size.agencies, label="memberships")
    counts["people"] = copy_rows(User, gen.users(), total=size.people, label="people")
    copy_rows(Profile, gen.profiles(), total=size.people, label="profiles")
    copy_rows(
        TaskForce.coordinators.through,
        gen.coordinators(),
        total=size.task_forces,
        label="coordinators",
    )
    counts["cases"] = copy_rows(Case, gen.cases(), total=size.cases, label="cases")
    counts["outcomes"] = copy_rows(
        CaseOutcome, gen.outcomes(), total=round(size.cases * 1.6), label="outcomes"
    )
    counts["shares"] = copy_rows(CaseShare, iter(gen.shares), total=len(gen.shares), label="shares")
    restricted: list[dict] = []
    counts["notes"] = copy_rows(Note, gen.notes(restricted), total=size.notes, label="notes")
    copy_rows(
        Note.restricted_to.through,
        iter(restricted),
        total=len(restricted),
        label="restricted notes",
    )
    counts["restricted_notes"] = len({row["note_id"] for row in restricted})
    derive.grants()
    derive.access_rows()
    counts["events"] = derive.events(round(size.notes * EVENT_FRACTION))
    reset_sequences(PORTAL_MODELS)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {
        "size": asdict(size),
        "seed": seed,
        "counts": counts,
        "generated_at": gen.now.isoformat(),
    }
