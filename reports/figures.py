"""The figures of a report, read with one grouped query per family of figures: no loop over
cases, meetings or people. Nothing here writes, and nothing here returns an identity: only
counts by category.

Where each figure comes from:

- cases opened: cases whose ``created_at`` falls in the period (in the task force's zone),
  by their trafficking type;
- victims identified (by age group and by citizenship), victims referred to services,
  arrests, charges filed (by statute), prosecutions and convictions: the dated outcome
  records of the cases (``cases.CaseOutcome``) that stand (not withdrawn), by the day the
  outcome happened, whenever the case was opened;
- trainings held: trainings of the task force (meetings of kind training, not cancelled)
  that started in the period, up to now; people trained: their registrations marked
  completed, by the registrant's profession and the kind of their organisation (the
  agency's kind for portal users, "public registrant" for people who registered on the
  public page);
- meeting participation: the task force's other meetings that started in the period, up to
  now, not cancelled, and for each agency invited how many it was invited to and how many it
  accepted (the record of who came).

The scope is a task force (its cases, its trainings and meetings) or one agency (the cases
it leads, the trainings its people completed and the meetings it was invited to).
"""

import datetime as dt
import zoneinfo
from dataclasses import dataclass

from django.db.models import CharField, Count, Q, Sum, Value
from django.db.models.functions import Coalesce, NullIf, TruncQuarter
from django.utils import timezone

from agencies.models import Agency, AgencyKind, Profession, TaskForce, TaskForceMembership
from cases.models import Case, CaseOutcome, OutcomeKind
from meetings.models import (
    Answer,
    Invitation,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Registration,
    RegistrationStatus,
)
from reports.periods import Period

PUBLIC_REGISTRANT = "public"


@dataclass(frozen=True)
class Scope:
    """What a report covers: a task force, or one agency; with both, the agency's share of
    the task force's figures (the cases it leads, its people's completions), which the
    small-number rule needs for the viewer's agency."""

    task_force: TaskForce | None = None
    agency: Agency | None = None

    @property
    def name(self) -> str:
        return self.task_force.name if self.task_force else self.agency.name

    def cases(self):
        cases = Case.objects.all()
        if self.task_force:
            cases = cases.filter(task_force_id=self.task_force.pk)
        if self.agency:
            cases = cases.filter(lead_agency_id=self.agency.pk)
        return cases

    def outcomes(self):
        standing = CaseOutcome.objects.filter(withdrawn_at__isnull=True)
        if self.task_force:
            standing = standing.filter(task_force_id=self.task_force.pk)
        if self.agency:
            standing = standing.filter(case__lead_agency_id=self.agency.pk)
        return standing

    def completions(self):
        """Completed registrations of trainings held: the task force's, or the agency's
        people's in any task force."""
        done = Registration.objects.filter(completed_at__isnull=False).exclude(
            status=RegistrationStatus.CANCELLED
        )
        held = _held(Meeting.objects.filter(kind=MeetingKind.TRAINING))
        if self.task_force:
            held = held.filter(task_force_id=self.task_force.pk)
        done = done.filter(meeting__in=held)
        if self.agency:
            done = done.filter(user__profile__agency_id=self.agency.pk)
        return done


def _held(meetings):
    return meetings.filter(status=MeetingStatus.SCHEDULED, starts_at__lte=timezone.now())


def _in(period: Period, field: str) -> Q:
    return Q(**{f"{field}__gte": period.starts_at, f"{field}__lt": period.ends_at})


def _days(period: Period, field: str) -> Q:
    return Q(**{f"{field}__gte": period.first, f"{field}__lte": period.last})


# Period figures: raw counts by category, for the policy to show or hide.


def cases_opened(scope: Scope, period: Period) -> dict[str, int]:
    rows = (
        scope.cases()
        .filter(_in(period, "created_at"))
        .order_by()
        .values_list("trafficking_type")
        .annotate(n=Count("id"))
    )
    return dict(rows)


def outcomes(scope: Scope, period: Period) -> list[tuple[str, str, str, str, int]]:
    """(kind, age group, citizenship, statute, total) of the records that happened in the
    period."""
    return list(
        scope.outcomes()
        .filter(_days(period, "occurred_on"))
        .order_by()
        .values_list("kind", "age_group", "citizenship", "statute")
        .annotate(total=Sum("count"))
    )


_PROFESSION = Coalesce(
    NullIf("profession", Value("")), "user__profile__profession", output_field=CharField()
)
_ORGANISATION_KIND = Coalesce(
    "user__profile__agency__kind", Value(PUBLIC_REGISTRANT), output_field=CharField()
)


def trainings_held(scope: Scope, period: Period) -> int:
    """Trainings held in the period: the task force's, or those the agency's people
    completed."""
    if scope.task_force:
        held = _held(
            Meeting.objects.filter(task_force_id=scope.task_force.pk, kind=MeetingKind.TRAINING)
        ).filter(_in(period, "starts_at"))
        held_count = held.count()
    else:
        held_count = (
            scope.completions()
            .filter(_in(period, "meeting__starts_at"))
            .values("meeting_id")
            .distinct()
            .count()
        )
    return held_count


def people_trained(scope: Scope, period: Period) -> list[tuple[str, str, int]]:
    """(profession, organisation kind, people) of the people who completed a training held
    in the period."""
    return list(
        scope.completions()
        .filter(_in(period, "meeting__starts_at"))
        .order_by()
        .annotate(profession_value=_PROFESSION, organisation_kind=_ORGANISATION_KIND)
        .values_list("profession_value", "organisation_kind")
        .annotate(n=Count("id"))
    )


def meeting_participation(scope: Scope, period: Period) -> tuple[int, list[dict]]:
    """Meetings held in the period (trainings aside), and for each agency how many of them
    it was invited to and how many it accepted."""
    meetings = _held(Meeting.objects.exclude(kind=MeetingKind.TRAINING)).filter(
        _in(period, "starts_at")
    )
    invitations = Invitation.objects.filter(meeting__in=meetings)
    if scope.task_force:
        meetings = meetings.filter(task_force_id=scope.task_force.pk)
        invitations = invitations.filter(meeting__task_force_id=scope.task_force.pk)
    else:
        invitations = invitations.filter(agency_id=scope.agency.pk)
        meetings = meetings.filter(invitations__agency_id=scope.agency.pk)
    counts = {
        row["agency_id"]: row
        for row in invitations.order_by()
        .values("agency_id")
        .annotate(invited=Count("id"), attended=Count("id", filter=Q(response=Answer.ACCEPTED)))
    }
    if scope.task_force:
        member_ids = TaskForceMembership.objects.current().filter(task_force_id=scope.task_force.pk)
        agencies = Agency.objects.filter(
            Q(pk__in=member_ids.values("agency_id")) | Q(pk__in=list(counts))
        )
    else:
        agencies = Agency.objects.filter(pk=scope.agency.pk)
    rows = [
        {
            "agency": {"id": a.pk, "short_name": a.short_name, "name": a.name},
            "invited": counts.get(a.pk, {}).get("invited", 0),
            "attended": counts.get(a.pk, {}).get("attended", 0),
        }
        for a in agencies.order_by("name").only("pk", "short_name", "name")
    ]
    return meetings.count(), rows


# Quarter over quarter: one grouped query per family for all the quarters at once.


def _quarter_of(value) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def series(scope: Scope, quarters: list[Period]) -> dict[str, dict[dt.date, int]]:
    """For each headline figure, its value per quarter (keyed by the quarter's first day)."""
    span = Period(quarters[0].first, quarters[-1].last, quarters[0].zone)
    zone = zoneinfo.ZoneInfo(span.zone)
    result: dict[str, dict[dt.date, int]] = {
        key: {} for key in ("cases_opened", *OutcomeKind.values, "people_trained")
    }
    opened = (
        scope.cases()
        .filter(_in(span, "created_at"))
        .order_by()
        .annotate(quarter=TruncQuarter("created_at", tzinfo=zone))
        .values_list("quarter")
        .annotate(n=Count("id"))
    )
    for quarter, n in opened:
        result["cases_opened"][_quarter_of(quarter)] = n
    happened = (
        scope.outcomes()
        .filter(_days(span, "occurred_on"))
        .order_by()
        .annotate(quarter=TruncQuarter("occurred_on"))
        .values_list("quarter", "kind")
        .annotate(total=Sum("count"))
    )
    for quarter, kind, total in happened:
        result[kind][_quarter_of(quarter)] = total
    trained = (
        scope.completions()
        .filter(_in(span, "meeting__starts_at"))
        .order_by()
        .annotate(quarter=TruncQuarter("meeting__starts_at", tzinfo=zone))
        .values_list("quarter")
        .annotate(n=Count("id"))
    )
    for quarter, n in trained:
        result["people_trained"][_quarter_of(quarter)] = n
    return result


PROFESSION_LABELS = dict(Profession.choices)
ORGANISATION_LABELS = {**dict(AgencyKind.choices), PUBLIC_REGISTRANT: "Public registrant"}
