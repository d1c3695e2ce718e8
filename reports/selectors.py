"""Reports as the viewer may see them: the figures of ``reports/figures.py`` passed through
the small-number rule of ``reports/access.py``. The answer is plain data (lists and dicts of
numbers and labels), the same for the page, the API, the CSV and the PDF."""

from dataclasses import dataclass, field

from agencies.models import Agency, TaskForce
from cases.models import AgeGroup, Citizenship, OutcomeKind, Statute, TraffickingType
from reports import figures
from reports.access import (
    exact,
    min_cell,
    report_agency,
    shown,
    shown_family,
    suppressed_text,
)
from reports.figures import ORGANISATION_LABELS, PROFESSION_LABELS, Scope
from reports.periods import Period, previous_quarters, quarter_label

SERIES_LABELS = {
    "cases_opened": "Cases opened",
    **dict(OutcomeKind.choices),
    "people_trained": "People trained",
}


def _figure(key: str, label: str, figure) -> dict:
    return {"key": key, "label": label, **figure.as_dict()}


def _family(key, title, source, labelled: list[tuple[str, str, int]], rule) -> dict:
    values = [value for _, _, value in labelled]
    owns = [rule.own.get(key, {}).get(k, 0) for k, _, _ in labelled]
    shown_values, total = shown_family(
        values, sum(values), suppress=rule.suppress, owns=owns, own_total=sum(owns)
    )
    return {
        "key": key,
        "title": title,
        "source": source,
        "figures": [
            _figure(k, label, figure)
            for (k, label, _), figure in zip(labelled, shown_values, strict=True)
        ],
        "total": _figure("total", "Total", total),
    }


def _singles(key, title, source, labelled, rule) -> dict:
    return {
        "key": key,
        "title": title,
        "source": source,
        "figures": [_figure(k, label, rule.shown(key, k, v)) for k, label, v in labelled],
        "total": None,
    }


def _sum(rows, **match) -> int:
    names = ("kind", "age_group", "citizenship", "statute")
    return sum(
        row[-1]
        for row in rows
        if all(row[names.index(name)] == value for name, value in match.items())
    )


def _raw(scope: Scope, period: Period) -> dict[str, dict[str, int]]:
    """The period's figures that the small-number rule may hide, by family and key."""
    opened = figures.cases_opened(scope, period)
    outcomes = figures.outcomes(scope, period)
    victims = OutcomeKind.VICTIMS_IDENTIFIED
    by_profession: dict[str, int] = {}
    by_organisation: dict[str, int] = {}
    for profession, organisation, n in figures.people_trained(scope, period):
        key = profession or "not_given"
        by_profession[key] = by_profession.get(key, 0) + n
        by_organisation[organisation] = by_organisation.get(organisation, 0) + n
    return {
        "cases_opened": {t: opened.get(t, 0) for t, _ in TraffickingType.choices},
        "victims_by_age": {
            a: _sum(outcomes, kind=victims, age_group=a) for a, _ in AgeGroup.choices
        },
        "victims_by_citizenship": {
            c: _sum(outcomes, kind=victims, citizenship=c) for c, _ in Citizenship.choices
        },
        "charges_filed": {
            s: _sum(outcomes, kind=OutcomeKind.CHARGES_FILED, statute=s) for s, _ in Statute.choices
        },
        "justice": {str(k): _sum(outcomes, kind=k) for k in JUSTICE},
        "trainings": {"people_trained": sum(by_profession.values())},
        "trained_by_profession": by_profession,
        "trained_by_organisation": by_organisation,
    }


JUSTICE = (
    OutcomeKind.VICTIMS_REFERRED,
    OutcomeKind.ARRESTS,
    OutcomeKind.PROSECUTIONS,
    OutcomeKind.CONVICTIONS,
)


@dataclass(frozen=True)
class _Rule:
    """The small-number rule for one viewer: ``own`` is their agency's share of each figure
    (family -> key -> value), empty for an exact report or a viewer without an agency."""

    suppress: bool
    own: dict = field(default_factory=dict)

    def shown(self, family: str, key: str, value: int):
        return shown(value, suppress=self.suppress, own=self.own.get(family, {}).get(key, 0))


def build(scope: Scope, period: Period, *, suppress: bool, own: Scope | None = None) -> dict:
    """Every figure of the scope's report for the period, and the quarters up to it.
    ``own``: the viewer's agency's share of the scope, whose figures the viewer knows
    exactly; where given, a figure is hidden too when the rest is small."""
    held = figures.trainings_held(scope, period)
    meetings_held, participation = figures.meeting_participation(scope, period)
    raw = _raw(scope, period)
    rule = _Rule(suppress, _raw(own, period) if suppress and own else {})
    by_profession, by_organisation = raw["trained_by_profession"], raw["trained_by_organisation"]
    sections = [
        _family(
            "cases_opened",
            "Cases opened, by trafficking type",
            "Cases opened in the period, by the trafficking type their managing agency gave.",
            [(t, label, raw["cases_opened"][t]) for t, label in TraffickingType.choices],
            rule,
        ),
        _family(
            "victims_by_age",
            "Victims identified, by age",
            "Victims identified in the period, from the cases' dated outcome records.",
            [(a, label, raw["victims_by_age"][a]) for a, label in AgeGroup.choices],
            rule,
        ),
        _family(
            "victims_by_citizenship",
            "Victims identified, by citizenship",
            "The same victims, by citizenship.",
            [(c, label, raw["victims_by_citizenship"][c]) for c, label in Citizenship.choices],
            rule,
        ),
        _family(
            "charges_filed",
            "Charges filed, by statute",
            "Charges filed in the period, from the cases' dated outcome records.",
            [(s, label, raw["charges_filed"][s]) for s, label in Statute.choices],
            rule,
        ),
        _singles(
            "justice",
            "Referrals, arrests, prosecutions and convictions",
            "Dated outcome records of the cases, by the day each happened.",
            [(str(k), OutcomeKind(k).label, raw["justice"][str(k)]) for k in JUSTICE],
            rule,
        ),
        {
            "key": "trainings",
            "title": "Trainings",
            "source": (
                "Trainings held in the period (not cancelled), and the people who completed them."
                if scope.task_force
                else "Trainings held in the period that the agency's people completed."
            ),
            "figures": [
                _figure("trainings_held", "Trainings held", exact(held)),
                _figure(
                    "people_trained",
                    "People trained",
                    rule.shown("trainings", "people_trained", raw["trainings"]["people_trained"]),
                ),
            ],
            "total": None,
        },
        _family(
            "trained_by_profession",
            "People trained, by profession",
            "Completed registrations, by the profession the registrant gave.",
            [
                (p, PROFESSION_LABELS.get(p, "Not given"), n)
                for p, n in sorted(by_profession.items())
            ]
            or [("none", "Nobody trained", 0)],
            rule,
        ),
        _family(
            "trained_by_organisation",
            "People trained, by kind of organisation",
            "Completed registrations, by the kind of the registrant's agency.",
            [(o, ORGANISATION_LABELS.get(o, o), n) for o, n in sorted(by_organisation.items())]
            or [("none", "Nobody trained", 0)],
            rule,
        ),
    ]
    quarters = previous_quarters(period)
    per_quarter = figures.series(scope, quarters)
    own_per_quarter = figures.series(own, quarters) if suppress and own else {}
    return {
        "scope": (
            {"kind": "task_force", "id": scope.task_force.pk, "name": scope.task_force.name}
            if scope.task_force
            else {"kind": "agency", "id": scope.agency.pk, "name": scope.agency.name}
        ),
        "period": {
            "from": period.first.isoformat(),
            "to": period.last.isoformat(),
            "label": period.label,
            "time_zone": period.zone,
        },
        "exact": not suppress,
        "min_cell": min_cell(),
        "suppressed_display": suppressed_text(),
        "sections": sections,
        "meetings": {
            "held": meetings_held,
            "agencies": participation,
        },
        "quarters": {
            "labels": [quarter_label(q.first) for q in quarters],
            "starts": [q.first.isoformat() for q in quarters],
            "rows": [
                {
                    "key": key,
                    "label": label,
                    "values": [
                        shown(
                            per_quarter[key].get(q.first, 0),
                            suppress=suppress,
                            own=own_per_quarter.get(key, {}).get(q.first, 0),
                        ).as_dict()
                        for q in quarters
                    ],
                }
                for key, label in SERIES_LABELS.items()
            ],
        },
    }


def task_force_report(task_force: TaskForce, period: Period, *, viewer=None) -> dict:
    """A task force's report as ``viewer`` may see it: it covers many agencies, so small
    numbers are hidden, and so is a figure whose part beyond the viewer's own agency is
    small. Ask ``access.task_force_report_for`` first."""
    agency = report_agency(viewer)
    own = Scope(task_force=task_force, agency=agency) if agency else None
    return build(Scope(task_force=task_force), period, suppress=True, own=own)


def agency_report(agency: Agency, period: Period) -> dict:
    """An agency's own report, with exact figures. Ask ``access.agency_report_for`` first."""
    return build(Scope(agency=agency), period, suppress=False)


def agency_zone(agency: Agency) -> str:
    """The zone an agency's report counts days in: its first task force's, else the
    portal's default zone for task forces."""
    zone = (
        TaskForce.objects.filter(memberships__agency=agency)
        .order_by("pk")
        .values_list("time_zone", flat=True)
        .first()
    )
    return zone or TaskForce._meta.get_field("time_zone").default
