"""Exports of meetings: the training roster as CSV."""

import csv

from django.http import HttpResponse

from meetings.models import Meeting


def roster_response(meeting: Meeting) -> HttpResponse:
    """Everyone registered (portal users and the public), in order of registration, with
    status, organisation, days attended and completion."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="roster-meeting-{meeting.pk}.csv"'
    writer = csv.writer(response)
    writer.writerow(
        [
            "name",
            "username",
            "email",
            "phone",
            "organisation",
            "profession",
            "job_title",
            "status",
            "registered_at",
            "days_attended",
            "completed_at",
        ]
    )
    registrations = (
        meeting.registrations.select_related("user__profile__agency")
        .prefetch_related("attendances")
        .order_by("created_at", "id")
    )
    for registration in registrations:
        user = registration.user
        writer.writerow(
            [
                _safe(registration.display_name),
                _safe(user.username if user else ""),
                _safe(registration.contact_email),
                _safe(registration.phone),
                _safe(registration.organisation_name),
                registration.profession_label(),
                _safe(registration.job_title),
                registration.status,
                registration.created_at.isoformat(),
                " ".join(a.day.isoformat() for a in registration.attendances.all()),
                registration.completed_at.isoformat() if registration.completed_at else "",
            ]
        )
    return response


def _safe(value: str) -> str:
    # A cell starting with =, +, - or @ would run as a formula in a spreadsheet.
    return f"'{value}" if value[:1] in {"=", "+", "-", "@"} else value
