"""The report API: who sees which report, the small-number rule, the figures per quarter,
and bad input."""

import pytest
from rest_framework.test import APIClient

from tests.personas import PEOPLE, api_client
from tests.reports.world import figure, series

pytestmark = pytest.mark.django_db

HIDDEN = {"value": None, "suppressed": True, "display": "fewer than 5"}


def _client(world, who):
    users = {"con.admin": world.con_admin, "oth.admin": world.other_admin, "lone": world.lone}
    if who in users:
        client = APIClient()
        client.force_login(users[who])
        return client
    return api_client(world.personas, who)


def _tf_url(world, query=""):
    return f"/api/v1/task-forces/{world.personas.task_force.pk}/report/{query}"


def test_a_coordinator_without_an_agency_reads_the_quarter_with_small_figures_hidden(
    report_world,
):
    response = _client(report_world, "lone").get(_tf_url(report_world))
    assert response.status_code == 200, response.content
    report = response.json()
    assert report["period"] == {
        "from": "2026-04-01",
        "to": "2026-06-30",
        "label": "Q2 2026",
        "time_zone": "America/Chicago",
    }
    assert report["exact"] is False
    # Two cases opened this quarter: one sex, one labor trafficking; all below five.
    assert figure(report, "cases_opened", "sex") == {
        "key": "sex",
        "label": "Sex trafficking",
        **HIDDEN,
    }
    assert figure(report, "cases_opened", "total")["suppressed"] is True
    # Victims: 7 adults shown, 2 minors hidden, the total 9 shown.
    assert figure(report, "victims_by_age", "adult")["value"] == 7
    assert figure(report, "victims_by_age", "minor")["suppressed"] is True
    assert figure(report, "victims_by_age", "total")["value"] == 9
    # Charges: 2 other charges are hidden; the 5 under HT statutes are hidden with them, or
    # the total (7) minus 5 would give the 2.
    assert figure(report, "charges_filed", "other")["suppressed"] is True
    assert figure(report, "charges_filed", "human_trafficking")["suppressed"] is True
    assert figure(report, "charges_filed", "total")["value"] == 7
    # Arrests: 6 and 1 of Task Force One; Task Force Two's 50 never count.
    assert figure(report, "justice", "arrests")["value"] == 7
    assert figure(report, "justice", "convictions") == {
        "key": "convictions",
        "label": "Convictions",
        **HIDDEN,
    }
    assert figure(report, "trainings", "trainings_held")["value"] == 1
    assert figure(report, "trainings", "people_trained")["value"] == 6
    # One public registrant is hidden, and the five officers with them: six minus five.
    assert figure(report, "trained_by_organisation", "public")["suppressed"] is True
    assert figure(report, "trained_by_organisation", "municipal")["suppressed"] is True
    assert figure(report, "trained_by_organisation", "total")["value"] == 6
    assert report["meetings"]["held"] == 1
    participation = {row["agency"]["short_name"]: row for row in report["meetings"]["agencies"]}
    assert (participation["INV"]["invited"], participation["INV"]["attended"]) == (1, 1)
    assert (participation["MGR"]["invited"], participation["MGR"]["attended"]) == (1, 0)
    assert "OTH" not in participation


def test_quarter_over_quarter_counts_each_outcome_in_its_quarter(report_world):
    report = _client(report_world, "lone").get(_tf_url(report_world)).json()
    labels = report["quarters"]["labels"]
    assert len(labels) == 8 and labels[-2:] == ["Q1 2026", "Q2 2026"]
    arrests = series(report, "arrests")
    assert arrests[-1]["value"] == 7
    assert arrests[-2] == HIDDEN  # 3 arrests in Q1
    assert series(report, "people_trained")[-1]["value"] == 6


def test_a_quarter_counts_only_what_happened_in_it(report_world):
    for query in ("?from=2026-01-01&to=2026-03-31", "?to=2026-03-31"):
        report = _client(report_world, "lone").get(_tf_url(report_world, query)).json()
        assert report["period"]["label"] == "Q1 2026"
        assert figure(report, "justice", "arrests") == {
            "key": "arrests",
            "label": "Arrests",
            **HIDDEN,
        }
        assert figure(report, "victims_by_age", "total")["suppressed"] is True
        assert report["meetings"]["held"] == 0


def test_the_agencys_own_report_takes_any_range(report_world):
    agency = report_world.personas.agency("manager")
    url = f"/api/v1/agencies/{agency.pk}/report/?from=2026-02-01&to=2026-04-30"
    both = _client(report_world, "manager").get(url).json()
    assert both["period"]["label"] == "2026-02-01 to 2026-04-30"
    # MGR's 3 arrests in February and 6 in April; CON's 1 is not MGR's.
    assert figure(both, "justice", "arrests")["value"] == 9


NOT_ONE_QUARTER = [
    "?from=2026-01-01&to=2026-03-30",  # Q1 minus 31 March: differencing gives the day
    "?from=2026-01-02&to=2026-03-31",
    "?from=2026-01-01&to=2026-06-30",  # Q1 + Q2: minus Q2 gives Q1
    "?from=2025-10-01&to=2026-03-31",
    "?from=2026-04-01",  # to today (20 April): part of a quarter
    "?to=2026-03-30",
    "?from=2026-02-01&to=2026-04-30",
]


@pytest.mark.parametrize("query", NOT_ONE_QUARTER)
@pytest.mark.parametrize("who", ["lone", "coordinator", "con.admin"])
def test_a_task_force_report_covers_exactly_one_quarter(report_world, who, query):
    response = _client(report_world, who).get(_tf_url(report_world, query))
    assert response.status_code == 400, response.content
    assert "one calendar quarter" in response.content.decode()
    assert "fewer than" not in response.content.decode()


@pytest.mark.parametrize("query", NOT_ONE_QUARTER)
def test_the_agencys_own_report_still_takes_those_ranges(report_world, query):
    agency = report_world.personas.agency("manager")
    response = _client(report_world, "manager").get(f"/api/v1/agencies/{agency.pk}/report/{query}")
    assert response.status_code == 200, response.content


def test_a_figure_mostly_the_viewers_own_agencys_is_hidden_when_the_rest_is_small(report_world):
    """Task Force One's 7 arrests in Q2: MGR's case holds 6. MGR's people know the 6 from
    their own exact report, so 7 would give away the other agencies' 1."""
    agency = report_world.personas.agency("manager")
    own = _client(report_world, "manager").get(f"/api/v1/agencies/{agency.pk}/report/").json()
    assert figure(own, "justice", "arrests")["value"] == 6
    mgr = _client(report_world, "coordinator").get(_tf_url(report_world)).json()
    assert figure(mgr, "justice", "arrests") == {"key": "arrests", "label": "Arrests", **HIDDEN}
    assert series(mgr, "arrests")[-1] == HIDDEN
    # All 7 adult victims are MGR's: nothing of another agency to give away.
    assert figure(mgr, "victims_by_age", "adult")["value"] == 7
    # CON's admin knows CON's 1 arrest: 7 minus 1 leaves 6, not small.
    con = _client(report_world, "con.admin").get(_tf_url(report_world)).json()
    assert figure(con, "justice", "arrests")["value"] == 7
    assert series(con, "arrests")[-1]["value"] == 7
    # Without an agency, the plain rule: 7 is shown.
    lone = _client(report_world, "lone").get(_tf_url(report_world)).json()
    assert figure(lone, "justice", "arrests")["value"] == 7


def test_the_viewers_share_applies_to_family_totals_and_the_series(report_world, settings):
    """With a minimum of 2: cases opened in Q2 are MGR's 1 and CON's 1. The total 2 minus
    MGR's own 1 gives CON's 1, so MGR's people see the total hidden; so does CON's admin."""
    settings.CROSSROADS_REPORT_MIN_CELL = 2
    for who in ("coordinator", "con.admin"):
        report = _client(report_world, who).get(_tf_url(report_world)).json()
        assert figure(report, "cases_opened", "total")["suppressed"] is True, who
        assert series(report, "cases_opened")[-1]["suppressed"] is True, who
    lone = _client(report_world, "lone").get(_tf_url(report_world)).json()
    assert figure(lone, "cases_opened", "total")["value"] == 2
    assert series(lone, "cases_opened")[-1]["value"] == 2


@pytest.mark.parametrize("who", ["coordinator", "con.admin"])
def test_coordinators_and_member_agency_admins_see_the_task_force_report(report_world, who):
    assert _client(report_world, who).get(_tf_url(report_world)).status_code == 200


@pytest.mark.parametrize("who", [p for p in PEOPLE if p != "coordinator"] + ["oth.admin"])
def test_everyone_else_is_told_the_task_force_report_does_not_exist(report_world, who):
    assert _client(report_world, who).get(_tf_url(report_world)).status_code == 404


def test_anonymous_callers_are_refused(report_world):
    assert _client(report_world, "anonymous").get(_tf_url(report_world)).status_code in (401, 403)
    agency = report_world.personas.agency("manager")
    response = _client(report_world, "anonymous").get(f"/api/v1/agencies/{agency.pk}/report/")
    assert response.status_code in (401, 403)


def test_a_task_force_that_does_not_exist_is_a_404(report_world):
    for pk in (999_999, 2**70):
        url = f"/api/v1/task-forces/{pk}/report/"
        assert _client(report_world, "coordinator").get(url).status_code == 404


@pytest.mark.parametrize("who", ["manager", "coordinator"])
def test_an_agency_reads_its_own_report_exactly(report_world, who):
    agency = report_world.personas.agency("manager")
    response = _client(report_world, who).get(f"/api/v1/agencies/{agency.pk}/report/")
    assert response.status_code == 200
    report = response.json()
    assert report["exact"] is True
    assert figure(report, "justice", "convictions") == {
        "key": "convictions",
        "label": "Convictions",
        "value": 1,
        "suppressed": False,
        "display": "1",
    }
    # MGR leads the Q2 case (6 arrests), not CON's (1).
    assert figure(report, "justice", "arrests")["value"] == 6
    assert figure(report, "victims_by_age", "minor")["value"] == 2
    assert figure(report, "charges_filed", "other")["value"] == 2
    assert series(report, "arrests")[-2]["value"] == 3
    assert [row["agency"]["short_name"] for row in report["meetings"]["agencies"]] == ["MGR"]


@pytest.mark.parametrize(
    "who", ["contributor", "viewer", "member", "invited", "other", "con.admin", "oth.admin"]
)
def test_no_one_reads_another_agencys_report(report_world, who):
    agency = report_world.personas.agency("manager")
    response = _client(report_world, who).get(f"/api/v1/agencies/{agency.pk}/report/")
    assert response.status_code == 404


@pytest.mark.parametrize(
    "query",
    [
        "?from=2026-02-30",
        "?from=abc&to=2026-01-01",
        "?from=2026-05-01&to=2026-04-01",
        "?from=2000-01-01&to=2026-01-01",
        "?to=1980-01-01",
        "?from=%00",
    ],
)
def test_bad_periods_are_a_400_in_the_error_shape(report_world, query):
    response = _client(report_world, "coordinator").get(_tf_url(report_world, query))
    assert response.status_code == 400, response.content
    assert response.json()["detail"]
    agency = report_world.personas.agency("manager")
    response = _client(report_world, "manager").get(f"/api/v1/agencies/{agency.pk}/report/{query}")
    assert response.status_code == 400


def test_no_case_identity_appears_in_a_report(report_world):
    agency = report_world.personas.agency("manager")
    texts = [
        _client(report_world, "coordinator").get(_tf_url(report_world, q)).content.decode()
        for q in ("", "?from=2026-01-01&to=2026-03-31")
    ]
    texts.append(
        _client(report_world, "manager")
        .get(f"/api/v1/agencies/{agency.pk}/report/")
        .content.decode()
    )
    for text in texts:
        for case in report_world.cases:
            assert case.title not in text
            assert case.number not in text


def test_the_minimum_is_configurable(report_world, settings):
    settings.CROSSROADS_REPORT_MIN_CELL = 2
    report = _client(report_world, "lone").get(_tf_url(report_world)).json()
    assert figure(report, "cases_opened", "total")["value"] == 2
    assert figure(report, "justice", "convictions")["display"] == "fewer than 2"
    assert report["suppressed_display"] == "fewer than 2"
