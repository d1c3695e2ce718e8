"""The coordinators' pages of a training's registrants: the door roster (check in per day,
search by name, works on a phone), completion, certificates, a registrant's export and
erasure, and opening the training to public registration."""

import datetime as dt
import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods, require_POST

from frontend.training_forms import PublicSettingsForm
from meetings import access, certificates, public, selectors, services


def _training(request, pk):
    meeting = access.meeting_for(request.user, pk)
    access.require_registrants(request.user, meeting)
    return meeting


def _registrant(request, pk, rid):
    meeting = _training(request, pk)
    registration = (
        meeting.registrations.select_related("user__profile__agency").filter(pk=rid).first()
    )
    if registration is None:
        raise Http404
    registration.meeting = meeting
    return registration


def _day(value) -> dt.date | None:
    """A date typed in a form or a query, or ``None`` (also for 2026-02-30)."""
    try:
        return parse_date(value or "") if isinstance(value, str) else None
    except ValueError:
        return None


def _chosen_day(days, value):
    chosen = _day(value)
    if chosen in days:
        return chosen
    today = timezone.localdate()
    return today if today in days else (days[0] if days else None)


def _back_to_roster(request, meeting):
    query = {k: request.POST.get(k, "") for k in ("day", "q") if request.POST.get(k)}
    url = reverse("training-roster-page", args=[meeting.pk])
    return redirect(f"{url}?{urlencode(query)}" if query else url)


@login_required
def training_roster(request, pk: int):
    meeting = _training(request, pk)
    days = public.training_days(meeting)
    day = _chosen_day(days, request.GET.get("day"))
    search = request.GET.get("q", "")[:200]
    registrations = list(selectors.roster(meeting, search=search))
    rows = [
        {
            "registration": r,
            "present": day in {a.day for a in r.attendances.all()},
            "days_attended": len(r.attendances.all()),
        }
        for r in registrations
    ]
    confirmed = [r for r in rows if r["registration"].status == "confirmed"]
    return render(
        request,
        "frontend/training_roster.html",
        {
            "meeting": meeting,
            "days": days,
            "day": day,
            "search": search,
            "rows": rows,
            "checked_in": sum(1 for r in confirmed if r["present"]),
            "confirmed": len(confirmed),
            "seats_left": selectors.seats_left(meeting),
            "completed": sum(1 for r in confirmed if r["registration"].completed_at),
        },
    )


@login_required
@require_POST
def training_check_in(request, pk: int, rid: int):
    registration = _registrant(request, pk, rid)
    day = _day(request.POST.get("day", ""))
    try:
        if day is None:
            raise ValidationError("Choose a day of the training.")
        services.attendance_record(
            actor=request.user,
            registration=registration,
            day=day,
            present=request.POST.get("present", "1") == "1",
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return _back_to_roster(request, registration.meeting)


@login_required
@require_POST
def training_complete(request, pk: int, rid: int):
    registration = _registrant(request, pk, rid)
    completed = request.POST.get("completed", "1") == "1"
    try:
        services.registration_complete(
            actor=request.user, registration=registration, completed=completed
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            f"{registration.display_name} completed the training: a certificate was sent."
            if completed
            else f"Completion of {registration.display_name} withdrawn.",
        )
    return _back_to_roster(request, registration.meeting)


@login_required
def training_certificate(request, pk: int, rid: int):
    registration = _registrant(request, pk, rid)
    if registration.completed_at is None:
        messages.error(request, "No certificate: this person has not completed the training.")
        return redirect("training-roster-page", pk=pk)
    services.certificate_record_download(actor=request.user, registration=registration)
    return certificates.certificate_response(registration)


@login_required
def registrant_export(request, pk: int, rid: int):
    registration = _registrant(request, pk, rid)
    data = services.registrant_export(actor=request.user, registration=registration)
    response = HttpResponse(
        json.dumps(data, indent=2, ensure_ascii=False), content_type="application/json"
    )
    response["Content-Disposition"] = f'attachment; filename="registrant-{registration.pk}.json"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def registrant_erase(request, pk: int, rid: int):
    registration = _registrant(request, pk, rid)
    roster = reverse("training-roster-page", args=[pk])
    if request.method == "POST":
        try:
            services.registrant_erase(actor=request.user, registration=registration)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "The registrant's personal data is erased.")
        return redirect(roster)
    return render(
        request,
        "frontend/confirm.html",
        {
            "title": f"Erase the data of {registration.display_name}?",
            "intro": "Do this when the person asks for their data to be erased.",
            "consequences": [
                "Their name, e-mail, phone, organisation and job title are erased for good.",
                "Their seat, the days they attended and their completion stay counted.",
                "Their cancel and certificate links stop working: export their data "
                "first if they asked for a copy.",
            ],
            "action_url": request.path,
            "confirm_label": "Erase their data",
            "cancel_url": roster,
            "danger": True,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def training_public(request, pk: int):
    meeting = access.meeting_for(request.user, pk)
    access.require_coordinator(request.user, meeting)
    initial = {
        "public_registration": meeting.public_registration,
        "slug": meeting.public_slug or "",
        "organisers": meeting.organisers,
    }
    form = PublicSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.training_set_public(actor=request.user, meeting=meeting, **form.cleaned_data)
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                for message in errors:
                    form.add_error(field if field in form.fields else None, message)
        else:
            messages.success(
                request,
                "The training is open to public registration."
                if form.cleaned_data["public_registration"]
                else "The training is closed to public registration.",
            )
            return redirect(meeting)
    return render(
        request,
        "frontend/training_public.html",
        {"meeting": meeting, "form": form},
        status=400 if form.errors else 200,
    )
