"""The audit trail's page and CSV export, for agency admins (and superusers).

Who reads which records is decided in ``agencies/access.py``; the filters are the API's
(``activity.filters``). Every read and export, and every refused attempt, is recorded. As
over the API, a record shows the names of the fields a change touched, never the values.
"""

import csv
import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import render

from activity.filters import AuditRecordFilter
from activity.inert import inert
from activity.live import parse_since
from activity.models import AuditOutcome
from activity.services import audit_trail_read
from agencies import access, selectors

PAGE_SIZE = 100
NOT_AN_AUDIT_READER = "Only your agency's admins read its audit trail."
CSV_HEADER = [
    "id",
    "time_utc",
    "username",
    "person",
    "agency",
    "action",
    "outcome",
    "object_type",
    "object_id",
    "object",
    "address",
    "changed",
]


def _readable(request, *, export: bool) -> AuditRecordFilter:
    """The caller's records under the filters asked for; 403 (recorded) for anyone who may
    not read the trail."""
    if not access.can_read_audit(request.user):
        audit_trail_read(
            actor=request.user,
            agency=None,
            filters={},
            export=export,
            outcome=AuditOutcome.DENIED,
        )
        raise PermissionDenied(NOT_AN_AUDIT_READER)
    filterset = AuditRecordFilter(request.GET, queryset=selectors.audit_record_list(request.user))
    # The page's select says its blank choice in words (the API takes no blank).
    outcome = filterset.form.fields["outcome"]
    outcome.empty_label = "Any outcome"
    outcome.widget.choices = outcome.choices
    return filterset


def _before(request) -> int | None:
    # The id the page continues after; one that is not an id starts from the newest.
    try:
        return parse_since(request.GET.get("before", ""))
    except ValueError:
        return None


@login_required
def audit_trail(request):
    """The agency's audit records, newest first, a page at a time, with the filters."""
    filterset = _readable(request, export=False)
    if not filterset.is_valid():
        context = {"filter": filterset, "rows": [], "older": None, "export_query": None}
        return render(request, "frontend/audit.html", context, status=400)
    records = filterset.qs
    before = _before(request)
    if before is not None:
        records = records.filter(id__lt=before)
    records = list(records[: PAGE_SIZE + 1])
    audit_trail_read(
        actor=request.user,
        agency=access.audit_agency(request.user),
        filters=filterset.applied(),
    )
    query = request.GET.copy()
    query.pop("before", None)
    export_query = query.urlencode()
    older = None
    if len(records) > PAGE_SIZE:
        records = records[:PAGE_SIZE]
        query["before"] = records[-1].pk
        older = query.urlencode()
    rows = [(record, _changed(record)) for record in records]
    return render(
        request,
        "frontend/audit.html",
        {"filter": filterset, "rows": rows, "older": older, "export_query": export_query},
    )


def _changed(record) -> list[str]:
    return sorted(record.changes) if isinstance(record.changes, dict) else []


def _cell(value) -> str:
    text = inert("" if value is None else str(value))
    # A cell starting with =, +, - or @ would run as a formula in a spreadsheet.
    return f"'{text}" if text[:1] in {"=", "+", "-", "@"} else text


def _csv_row(record) -> list[str]:
    actor, agency, target_type = record.actor, record.agency, record.target_type
    return [
        _cell(value)
        for value in (
            record.pk,
            record.created_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            actor.get_username() if actor else "",
            actor.get_full_name() if actor else "",
            agency.short_name if agency else "",
            record.action,
            record.outcome,
            f"{target_type.app_label}.{target_type.model}" if target_type else "",
            record.target_id,
            record.target_repr,
            record.ip_address,
            " ".join(_changed(record)),
        )
    ]


class _Line:
    """A file-like target for csv.writer that hands back the line it was given."""

    def write(self, line: str) -> str:
        return line


@login_required
def audit_export(request):
    """The filtered records as CSV, one line per record (text is inert, so no cell holds a
    line break), newest first."""
    filterset = _readable(request, export=True)
    if not filterset.is_valid():
        problems = "; ".join(
            f"{name}: {' '.join(errors)}" for name, errors in filterset.errors.items()
        )
        return HttpResponseBadRequest(
            f"These filters are not valid: {problems}", content_type="text/plain; charset=utf-8"
        )
    # The export holds the records as they stand now, not the record of itself nor what is
    # written while it streams.
    records = filterset.qs
    newest = records.values_list("id", flat=True).first()
    records = records.filter(id__lte=newest) if newest is not None else records.none()
    audit_trail_read(
        actor=request.user,
        agency=access.audit_agency(request.user),
        filters=filterset.applied(),
        export=True,
    )
    writer = csv.writer(_Line())
    rows = (writer.writerow(_csv_row(record)) for record in records.iterator(chunk_size=500))
    response = StreamingHttpResponse(
        _with_header(writer, rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="audit-trail.csv"'
    return response


def _with_header(writer, rows):
    yield writer.writerow(CSV_HEADER)
    yield from rows
