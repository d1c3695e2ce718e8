"""Exports of meetings: the training roster as CSV."""

import csv

from django.http import HttpResponse

from agencies.models import Profession
from meetings.models import Meeting


def roster_response(meeting: Meeting) -> HttpResponse:
    """Everyone registered, in order of registration, with status and agency."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="roster-meeting-{meeting.pk}.csv"'
    writer = csv.writer(response)
    writer.writerow(["name", "username", "agency", "profession", "status", "registered_at"])
    registrations = meeting.registrations.select_related("user__profile__agency").order_by(
        "created_at", "id"
    )
    for registration in registrations:
        user = registration.user
        profile = getattr(user, "profile", None)
        writer.writerow(
            [
                _safe(user.get_full_name() or user.username),
                _safe(user.username),
                _safe(profile.agency.short_name if profile else ""),
                Profession(profile.profession).label if profile else "",
                registration.status,
                registration.created_at.isoformat(),
            ]
        )
    return response


def _safe(value: str) -> str:
    # A cell starting with =, +, - or @ would run as a formula in a spreadsheet.
    return f"'{value}" if value[:1] in {"=", "+", "-", "@"} else value
