"""Meeting pages: a meeting with its answers, occurrences, minutes and training
registrations, scheduling and changes. The calendar pages and iCalendar files are in
``frontend/calendars.py``."""

import datetime as dt
import zoneinfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from agencies.models import Agency
from frontend.forms import apply_service_errors
from frontend.meeting_actions import (  # noqa: F401 (the training and action item pages)
    _error_text,
    _form_error_texts,
    action_item_add,
    action_item_done,
    training_register,
    training_roster,
    training_unregister,
)
from frontend.meeting_forms import ActionItemForm, MeetingForm, RsvpForm
from frontend.meeting_steps import cancel_step, occurrence_cancel_step
from meetings import access, recurrence, recurrence_text, selectors, services
from meetings.models import Answer


def _apply_meeting_errors(form, error: ValidationError) -> None:
    """A service's refusal on the meeting form; the rule's errors go to the picker."""
    if hasattr(error, "error_dict") and "recurrence" in error.error_dict:
        error.error_dict["repeat"] = error.error_dict.pop("recurrence")
    apply_service_errors(form, error)


def _warn_conflicts(request, conflicts) -> None:
    """Conflicts warn; they do not block."""
    for conflict in conflicts:
        when = date_format(timezone.localtime(conflict["starts_at"]), "DATETIME_FORMAT")
        messages.warning(
            request, f"{conflict['agency']['name']} already accepted a meeting on {when}."
        )


def _back(request, fallback):
    """Back to ``next`` when it is a page of this site (the dashboard's one-click answer)."""
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(fallback)


def _invitable(task_force, case=None):
    return Agency.objects.filter(pk__in=access.invitable_agency_ids(task_force, case))


@login_required
def meeting_schedule(request):
    task_force_ids = access.coordinated_task_force_ids(request.user)
    if not task_force_ids:
        raise Http404
    task_forces = request.user.coordinated_task_forces.order_by("name")
    chosen = request.GET.get("task_force") or request.POST.get("task_force")
    if chosen is not None and not str(chosen).isdigit():
        raise Http404
    task_force = get_object_or_404(task_forces, pk=chosen or task_forces.first().pk)
    form = MeetingForm(
        request.POST or None,
        agencies=_invitable(task_force),
        cases=access.linkable_cases(request.user, task_force),
        initial={"timezone": task_force.time_zone},
    )
    if request.method == "POST" and form.is_valid():
        data = form.localized()
        try:
            meeting, conflicts = services.meeting_schedule(
                actor=request.user,
                task_force=task_force,
                timezone_name=data.pop("timezone"),
                recurrence_rule=data.pop("recurrence"),
                **data,
            )
        except ValidationError as error:
            _apply_meeting_errors(form, error)
        else:
            messages.success(request, "Meeting scheduled.")
            _warn_conflicts(request, conflicts)
            return redirect(meeting)
    return render(
        request,
        "frontend/meeting_form.html",
        {"form": form, "task_force": task_force, "task_forces": task_forces},
    )


@login_required
def meeting_edit(request, pk: int):
    meeting = access.meeting_for(request.user, pk)
    access.require_coordinator(request.user, meeting)
    tz = zoneinfo.ZoneInfo(meeting.timezone)
    initial = {
        "title": meeting.title,
        "kind": meeting.kind,
        "agenda": meeting.agenda,
        "starts_at": meeting.starts_at.astimezone(tz).replace(tzinfo=None),
        "ends_at": meeting.ends_at.astimezone(tz).replace(tzinfo=None),
        "timezone": meeting.timezone,
        "location": meeting.location,
        "video_url": meeting.video_url,
        **MeetingForm.picker_initial(meeting.recurrence),
        "confidential": meeting.confidential,
        "open_to_all": meeting.open_to_all,
        "topics": meeting.topics,
        "capacity": meeting.capacity,
        "registration_deadline": meeting.registration_deadline.astimezone(tz).replace(tzinfo=None)
        if meeting.registration_deadline
        else None,
        "eligible_professions": meeting.eligible_professions,
        "invited_agencies": list(meeting.invitations.values_list("agency_id", flat=True)),
    }
    form = MeetingForm(
        request.POST or None,
        initial=initial,
        agencies=_invitable(meeting.task_force, meeting.case),
        kept_rule=meeting.recurrence if recurrence_text.pick(meeting.recurrence) is None else "",
    )
    form.fields["kind"].disabled = True
    case_visible = meeting.case_id is None or access.shows_case(request.user, meeting)
    if not case_visible:
        # The invitable agencies would show who has access to a case this coordinator does
        # not see: the invitations stay as they are.
        form.fields["invited_agencies"].queryset = Agency.objects.filter(
            invitations__meeting=meeting
        )
        form.fields["invited_agencies"].disabled = True
    if request.method == "POST" and form.is_valid():
        data = form.localized()
        data.pop("kind", None)
        data.pop("invite_all", None)
        if not case_visible:
            data.pop("invited_agencies", None)
        try:
            meeting, conflicts = services.meeting_update(
                actor=request.user,
                meeting=meeting,
                timezone_name=data.pop("timezone"),
                recurrence_rule=data.pop("recurrence"),
                **data,
            )
        except ValidationError as error:
            _apply_meeting_errors(form, error)
        else:
            messages.success(request, "Meeting updated.")
            _warn_conflicts(request, conflicts)
            return redirect(meeting)
    return render(
        request,
        "frontend/meeting_form.html",
        {"form": form, "meeting": meeting, "task_force": meeting.task_force},
    )


@login_required
def meeting_detail(request, pk: int):
    user = request.user
    meeting = access.meeting_for(user, pk, queryset=selectors.meeting_list(user))
    can_change = access.can_change(user, meeting)
    invitation = access.answering_invitation(user, meeting)
    now = timezone.now()
    invited_agencies = Agency.objects.filter(invitations__meeting=meeting)
    registration = selectors.live_registration(user, meeting)
    context = {
        "meeting": meeting,
        "can_change": can_change,
        "can_answer": access.can_answer(user, meeting),
        "registration_check": access.can_register(user, meeting),
        "recurrence_words": recurrence_text.describe(meeting.recurrence),
        "invitation": invitation,
        "rsvp_form": RsvpForm(initial=_answer_initial(invitation)),
        "record_form": RsvpForm(agencies=invited_agencies) if can_change else None,
        "action_form": ActionItemForm(agencies=invited_agencies) if can_change else None,
        "action_items": _action_items(user, meeting),
        "occurrences": recurrence.occurrences(
            meeting,
            now - dt.timedelta(days=1),
            now + dt.timedelta(days=120),
            changes=list(meeting.occurrence_changes.all()),
        )
        if meeting.recurrence
        else [],
        "next_occurrence": _next_occurrence(meeting, now),
        "case_visible": access.shows_case(user, meeting),
        "registration": registration,
        "waitlist_position": selectors.waitlist_position(registration) if registration else None,
        "registrations": selectors.registrations_for(user, meeting)
        if meeting.is_training and access.can_see_registrations(user, meeting)
        else None,
        "confirmed": selectors.confirmed_count(meeting) if meeting.is_training else None,
        "history": [
            (record, selectors.history_words(record.action))
            for record in selectors.meeting_history(user, meeting)
        ],
        "registered_count": selectors.cancellation_audience(meeting)["registered"]
        if can_change
        else None,
    }
    return render(request, "frontend/meeting_detail.html", context)


def _next_occurrence(meeting, now):
    """The next occurrence still to come of a recurring meeting, or None."""
    if not meeting.recurrence or meeting.is_cancelled:
        return None
    found = recurrence.occurrences(meeting, now, now + dt.timedelta(days=400))
    upcoming = next((o for o in found if not o.cancelled and o.starts_at >= now), None)
    # The first meeting is shown anyway; "next" says something only once it has passed.
    return upcoming if upcoming and upcoming.starts_at != meeting.starts_at else None


def _action_items(user, meeting) -> list[tuple]:
    items = list(selectors.action_items(meeting))
    markable = access.markable_action_item_ids(user, items)
    return [(item, item.pk in markable) for item in items]


def _answer_initial(invitation) -> dict | None:
    """A changed answer starts from the agency's current one, with who attends and the note."""
    if invitation is None or invitation.response == Answer.PENDING:
        return None
    return {
        "response": invitation.response,
        "attendees": invitation.attendees,
        "note": invitation.note,
    }


@login_required
@require_POST
def meeting_rsvp(request, pk: int):
    meeting = access.meeting_for(request.user, pk)
    form = RsvpForm(request.POST, agencies=Agency.objects.filter(invitations__meeting=meeting))
    if not form.is_valid():
        messages.error(request, " ".join(_form_error_texts(form)))
        return redirect(meeting)
    data = form.cleaned_data
    # An answer for another agency is the service's to refuse (403), as in the API.
    if data.get("agency") is None:
        data.pop("agency", None)
    # The dashboard's one-click answer sends no note and no attendees: the agency's
    # current ones stay.
    for name in ("note", "attendees"):
        if name not in request.POST:
            data[name] = None
    try:
        services.meeting_rsvp(actor=request.user, meeting=meeting, **data)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, "Answer saved.")
    return _back(request, meeting)


@login_required
def meeting_cancel(request, pk: int):
    """GET asks to confirm (who is told, that it stays listed); POST cancels."""
    meeting = access.meeting_for(request.user, pk)
    access.require_coordinator(request.user, meeting)
    step = cancel_step(request, meeting)
    if request.method != "POST":
        return render(request, "frontend/confirm.html", step)
    form = step["form"]
    if not form.is_valid():
        return render(request, "frontend/confirm.html", step, status=400)
    try:
        services.meeting_cancel(
            actor=request.user, meeting=meeting, reason=form.cleaned_data["reason"]
        )
    except ValidationError as error:
        apply_service_errors(form, error)
        return render(request, "frontend/confirm.html", step, status=400)
    messages.success(request, "Meeting cancelled; it stays listed as cancelled.")
    return redirect(meeting)


def _parse_moment(value: str, tz_name: str) -> dt.datetime | None:
    try:
        moment = dt.datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zoneinfo.ZoneInfo(tz_name))
    return moment


@login_required
def meeting_occurrence(request, pk: int):
    """Cancel or move one occurrence (coordinators). A GET asks to confirm a cancellation."""
    meeting = access.meeting_for(request.user, pk)
    if request.method != "POST":
        access.require_coordinator(request.user, meeting)
        original = _parse_moment(request.GET.get("original_start", ""), meeting.timezone)
        if original is None or not recurrence.is_rule_start(meeting, original):
            messages.error(request, "The meeting has no occurrence at that time.")
            return redirect(meeting)
        return render(
            request, "frontend/confirm.html", occurrence_cancel_step(request, meeting, original)
        )
    original = _parse_moment(request.POST.get("original_start", ""), meeting.timezone)
    if original is None:
        messages.error(request, "Unknown occurrence.")
        return redirect(meeting)
    try:
        if request.POST.get("action") == "move":
            starts = _parse_moment(request.POST.get("starts_at", ""), meeting.timezone)
            ends = _parse_moment(request.POST.get("ends_at", ""), meeting.timezone)
            if starts is None or ends is None:
                raise ValidationError("Give the new start and end.")
            services.occurrence_move(
                actor=request.user,
                meeting=meeting,
                original_start=original,
                starts_at=starts,
                ends_at=ends,
            )
            messages.success(request, "Occurrence moved.")
        else:
            services.occurrence_cancel(actor=request.user, meeting=meeting, original_start=original)
            messages.success(request, "Occurrence cancelled.")
    except ValidationError as error:
        messages.error(request, _error_text(error))
    return redirect(meeting)


@login_required
@require_POST
def meeting_minutes(request, pk: int):
    meeting = access.meeting_for(request.user, pk)
    try:
        services.meeting_update(
            actor=request.user, meeting=meeting, minutes=request.POST.get("minutes", "")
        )
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, "Minutes saved.")
    return redirect(meeting)
