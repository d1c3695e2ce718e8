"""Reports as the viewer may see them: the figures of ``reports/figures.py`` passed through
the small-number rule of ``reports/access.py``. The answer is plain data (lists and dicts of
numbers and labels), the same for the page, the API, the CSV and the PDF."""

from agencies.models import Agency, TaskForce
from cases.models import AgeGroup, Citizenship, OutcomeKind, Statute, TraffickingType
from reports import figures
from reports.access import exact, min_cell, shown, shown_family, suppressed_text
from reports.figures import ORGANISATION_LABELS, PROFESSION_LABELS, Scope
from reports.periods import Period, previous_quarters, quarter_label

SERIES_LABELS = {
    "cases_opened": "Cases opened",
    **dict(OutcomeKind.choices),
    "people_trained": "People trained",
}


def _figure(key: str, label: str, figure) -> dict:
    return {"key": key, "label": label, **figure.as_dict()}


def _family(key, title, source, labelled: list[tuple[str, str, int]], *, suppress) -> dict:
    values = [value for _, _, value in labelled]
    shown_values, total = shown_family(values, sum(values), suppress=suppress)
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


def _singles(key, title, source, labelled, *, suppress) -> dict:
    return {
        "key": key,
        "title": title,
        "source": source,
        "figures": [_figure(k, label, shown(v, suppress=suppress)) for k, label, v in labelled],
        "total": None,
    }


def _sum(rows, **match) -> int:
    names = ("kind", "age_group", "citizenship", "statute")
    return sum(
        row[-1]
        for row in rows
        if all(row[names.index(name)] == value for name, value in match.items())
    )


def build(scope: Scope, period: Period, *, suppress: bool) -> dict:
    """Every figure of the scope's report for the period, and the quarters up to it."""
    opened = figures.cases_opened(scope, period)
    outcomes = figures.outcomes(scope, period)
    held, trained = figures.trainings(scope, period)
    meetings_held, participation = figures.meeting_participation(scope, period)
    victims = OutcomeKind.VICTIMS_IDENTIFIED
    by_profession = {}
    by_organisation = {}
    for profession, organisation, n in trained:
        by_profession[profession or ""] = by_profession.get(profession or "", 0) + n
        by_organisation[organisation] = by_organisation.get(organisation, 0) + n
    sections = [
        _family(
            "cases_opened",
            "Cases opened, by trafficking type",
            "Cases opened in the period, by the trafficking type their managing agency gave.",
            [(t, label, opened.get(t, 0)) for t, label in TraffickingType.choices],
            suppress=suppress,
        ),
        _family(
            "victims_by_age",
            "Victims identified, by age",
            "Victims identified in the period, from the cases' dated outcome records.",
            [
                (a, label, _sum(outcomes, kind=victims, age_group=a))
                for a, label in AgeGroup.choices
            ],
            suppress=suppress,
        ),
        _family(
            "victims_by_citizenship",
            "Victims identified, by citizenship",
            "The same victims, by citizenship.",
            [
                (c, label, _sum(outcomes, kind=victims, citizenship=c))
                for c, label in Citizenship.choices
            ],
            suppress=suppress,
        ),
        _family(
            "charges_filed",
            "Charges filed, by statute",
            "Charges filed in the period, from the cases' dated outcome records.",
            [
                (s, label, _sum(outcomes, kind=OutcomeKind.CHARGES_FILED, statute=s))
                for s, label in Statute.choices
            ],
            suppress=suppress,
        ),
        _singles(
            "justice",
            "Referrals, arrests, prosecutions and convictions",
            "Dated outcome records of the cases, by the day each happened.",
            [
                (str(k), OutcomeKind(k).label, _sum(outcomes, kind=k))
                for k in (
                    OutcomeKind.VICTIMS_REFERRED,
                    OutcomeKind.ARRESTS,
                    OutcomeKind.PROSECUTIONS,
                    OutcomeKind.CONVICTIONS,
                )
            ],
            suppress=suppress,
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
                    shown(sum(by_profession.values()), suppress=suppress),
                ),
            ],
            "total": None,
        },
        _family(
            "trained_by_profession",
            "People trained, by profession",
            "Completed registrations, by the profession the registrant gave.",
            [
                (p or "not_given", PROFESSION_LABELS.get(p, "Not given"), n)
                for p, n in sorted(by_profession.items())
            ]
            or [("none", "Nobody trained", 0)],
            suppress=suppress,
        ),
        _family(
            "trained_by_organisation",
            "People trained, by kind of organisation",
            "Completed registrations, by the kind of the registrant's agency.",
            [(o, ORGANISATION_LABELS.get(o, o), n) for o, n in sorted(by_organisation.items())]
            or [("none", "Nobody trained", 0)],
            suppress=suppress,
        ),
    ]
    quarters = previous_quarters(period)
    per_quarter = figures.series(scope, quarters)
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
                        shown(per_quarter[key].get(q.first, 0), suppress=suppress).as_dict()
                        for q in quarters
                    ],
                }
                for key, label in SERIES_LABELS.items()
            ],
        },
    }


def task_force_report(task_force: TaskForce, period: Period) -> dict:
    """A task force's report: it covers many agencies, so small numbers are hidden. Ask
    ``access.task_force_report_for`` first."""
    return build(Scope(task_force=task_force), period, suppress=True)


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
