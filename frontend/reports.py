"""Report pages: a task force's and an agency's own, with charts and a table beside each,
the quarters before it, and the CSV and PDF downloads. The policy (``reports/access.py``)
decides who sees which and what is hidden; these views only draw it."""

import datetime as dt
from functools import partial

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import mark_safe

from agencies.access import acting_agency
from reports import access, selectors
from reports.charts import report_charts
from reports.exports import report_csv, report_pdf
from reports.periods import (
    Period,
    period_from,
    quarter_bounds,
    quarter_from,
    quarter_label,
    today_in,
)


def _quarter_links(period: Period, url: str, *, shown: bool = True) -> list[dict]:
    """The quarter before and after the period's, and the current one, as links (the
    current one also when it is the period, where the page could not show it)."""
    first, _ = quarter_bounds(period.first)
    before = quarter_bounds(first - dt.timedelta(days=1))
    after = quarter_bounds(quarter_bounds(period.last)[1] + dt.timedelta(days=1))
    current = quarter_bounds(today_in(period.zone))
    links = [("Previous: " + quarter_label(before[0]), before)]
    if after[0] <= current[0]:
        links.append(("Next: " + quarter_label(after[0]), after))
    if (period.first, period.last) != current or not shown:
        links.append(("This quarter", current))
    return [
        {"label": label, "url": f"{url}?from={a.isoformat()}&to={b.isoformat()}"}
        for label, (a, b) in links
    ]


def _page(request, *, report_of, zone_of, period_of, template_name, subject, url_name, pk):
    url = reverse(url_name, args=[pk])
    try:
        period = period_of(request.GET, zone_of(subject))
    except ValidationError as error:
        return render(
            request,
            "frontend/report.html",
            {
                "subject": subject,
                "error": " ".join(error.messages),
                "url": url,
                "asked_from": request.GET.get("from", ""),
                "asked_to": request.GET.get("to", ""),
                "quarters_only": period_of is quarter_from,
                "quarter_links": _quarter_links(
                    Period(*quarter_bounds(today_in(zone_of(subject))), zone_of(subject)),
                    url,
                    shown=False,
                ),
            },
            status=400,
        )
    report = report_of(subject, period)
    charts = report_charts(report)
    query = f"?from={period.first.isoformat()}&to={period.last.isoformat()}"
    sections = [
        {**section, "chart": mark_safe(charts["sections"][section["key"]])}  # noqa: S308
        for section in report["sections"]
    ]
    series = [
        {**row, "chart": mark_safe(charts["series"][row["key"]])}  # noqa: S308
        for row in report["quarters"]["rows"]
        if row["key"] in charts["series"]
    ]
    return render(
        request,
        template_name,
        {
            "subject": subject,
            "report": report,
            "sections": sections,
            "series": series,
            "url": url,
            "csv_url": f"{url}csv/{query}",
            "pdf_url": f"{url}pdf/{query}",
            "quarter_links": _quarter_links(period, url),
            "asked_from": period.first.isoformat(),
            "asked_to": period.last.isoformat(),
            "quarters_only": period_of is quarter_from,
        },
    )


def _download(request, *, subject, zone_of, period_of, report_of, kind: str, name: str):
    try:
        period = period_of(request.GET, zone_of(subject))
    except ValidationError as error:
        return HttpResponse(" ".join(error.messages), status=400, content_type="text/plain")
    report = report_of(subject, period)
    filename = f"{name}-report-{period.first.isoformat()}-{period.last.isoformat()}.{kind}"
    if kind == "csv":
        response = HttpResponse(report_csv(report), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(report_pdf(report), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _task_force_zone(task_force) -> str:
    return task_force.time_zone


@login_required
def task_force_report(request, pk: int):
    task_force = access.task_force_report_for(request.user, pk)
    return _page(
        request,
        subject=task_force,
        report_of=partial(selectors.task_force_report, viewer=request.user),
        zone_of=_task_force_zone,
        period_of=quarter_from,
        template_name="frontend/report.html",
        url_name="task-force-report",
        pk=pk,
    )


@login_required
def task_force_report_download(request, pk: int, kind: str):
    task_force = access.task_force_report_for(request.user, pk)
    return _download(
        request,
        subject=task_force,
        zone_of=_task_force_zone,
        period_of=quarter_from,
        report_of=partial(selectors.task_force_report, viewer=request.user),
        kind=kind,
        name=task_force.slug,
    )


@login_required
def agency_report(request, pk: int):
    agency = access.agency_report_for(request.user, pk)
    return _page(
        request,
        subject=agency,
        report_of=selectors.agency_report,
        zone_of=selectors.agency_zone,
        period_of=period_from,
        template_name="frontend/report.html",
        url_name="agency-report",
        pk=pk,
    )


@login_required
def agency_report_download(request, pk: int, kind: str):
    agency = access.agency_report_for(request.user, pk)
    return _download(
        request,
        subject=agency,
        zone_of=selectors.agency_zone,
        period_of=period_from,
        report_of=selectors.agency_report,
        kind=kind,
        name=agency.short_name.lower(),
    )


@login_required
def report_list(request):
    """The reports the viewer may open: their agency's own and their task forces'."""
    return render(
        request,
        "frontend/report_list.html",
        {
            "agency": acting_agency(request.user),
            "task_forces": access.report_task_forces(request.user),
        },
    )
