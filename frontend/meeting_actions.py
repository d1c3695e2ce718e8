"""Meeting pages for what follows a meeting and trainings: action items, training
registrations and the roster. Their errors come back to the meeting's page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from agencies.models import Agency
from frontend.meeting_forms import ActionItemForm
from meetings import access, exports, selectors, services
from meetings.models import ActionItem, RegistrationStatus


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


def _form_error_texts(form) -> list[str]:
    return [
        f"{form.fields[name].label or name}: {error}" if name in form.fields else error
        for name, errors in form.errors.items()
        for error in errors
    ]


@login_required
@require_POST
def action_item_add(request, pk: int):
    meeting = access.meeting_for(request.user, pk)
    access.require_coordinator(request.user, meeting)
    form = ActionItemForm(
        request.POST, agencies=Agency.objects.filter(invitations__meeting=meeting)
    )
    if not form.is_valid():
        messages.error(request, " ".join(_form_error_texts(form)))
        return redirect(meeting)
    try:
        services.action_item_add(actor=request.user, meeting=meeting, **form.cleaned_data)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    return redirect(meeting)


@login_required
@require_POST
def action_item_done(request, pk: int, item_id: int):
    meeting = access.meeting_for(request.user, pk)
    item = get_object_or_404(ActionItem, pk=item_id, meeting=meeting)
    services.action_item_set_done(
        actor=request.user, item=item, done=request.POST.get("done") == "1"
    )
    return redirect(meeting)


@login_required
@require_POST
def training_register(request, pk: int):
    meeting = access.meeting_for(request.user, pk)
    try:
        registration = services.registration_register(actor=request.user, meeting=meeting)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(
            request,
            "You are registered."
            if registration.status == RegistrationStatus.CONFIRMED
            else "The training is full: you are on the waiting list.",
        )
    return redirect(meeting)


@login_required
@require_POST
def training_unregister(request, pk: int, rid: int):
    meeting = access.meeting_for(request.user, pk)
    registration = selectors.registrations_for(request.user, meeting).filter(pk=rid).first()
    if registration is None:
        raise Http404
    services.registration_cancel(actor=request.user, registration=registration)
    messages.success(request, "Registration cancelled.")
    return redirect(meeting)


@login_required
def training_roster(request, pk: int):
    meeting = access.meeting_for(request.user, pk)
    access.require_coordinator(request.user, meeting)
    response = exports.roster_response(meeting)
    services.roster_record_export(actor=request.user, meeting=meeting)
    return response
