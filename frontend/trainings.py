"""The public pages of trainings open to public registration: no sign-in. A person reads
the training, registers, confirms by the e-mailed link, cancels by another, and downloads
their certificate. Refusals say why; a refused request stores nothing."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from frontend.training_forms import PublicRegistrationForm
from meetings import access, certificates, mail, public, selectors, services, throttles
from meetings.models import RegistrationStatus


def _facts(meeting) -> dict:
    check = access.can_register_publicly(meeting)
    return {
        **mail.training_facts(meeting),
        "topics": [line.strip() for line in meeting.topics.splitlines() if line.strip()],
        "seats_left": selectors.seats_left(meeting),
        "open": check.allowed,
        "closed_reason": "" if check else check.reason,
        "waitlist": check.waitlist,
    }


def _message(request, title: str, lines: list[str], status: int) -> HttpResponse:
    return render(
        request, "frontend/public_message.html", {"title": title, "lines": lines}, status=status
    )


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            for message in messages:
                form.add_error(field if field in form.fields else None, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


def _too_many(request, wait: int) -> HttpResponse:
    response = render(
        request,
        "frontend/public_message.html",
        {
            "title": "Too many requests",
            "lines": [
                f"Too many registrations were asked from here or for this address. "
                f"Try again in {max(wait // 60, 1)} minute(s)."
            ],
        },
        status=429,
    )
    response["Retry-After"] = str(wait)
    return response


def public_training_list(request):
    trainings = selectors.public_training_list(now=timezone.now())
    return render(
        request,
        "frontend/public_training_list.html",
        {"trainings": [_facts(meeting) for meeting in trainings]},
    )


@require_http_methods(["GET", "POST"])
def public_training(request, slug: str):
    meeting = access.public_training_for(slug)
    form = PublicRegistrationForm(request.POST or None, professions=meeting.eligible_professions)
    if request.method == "POST":
        wait = throttles.refusal_wait(
            request, [throttles.PublicAddressThrottle, throttles.PublicEmailThrottle]
        )
        if wait is not None:
            return _too_many(request, wait)
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k != "website"}
            try:
                services.public_registration_request(meeting=meeting, registrant=data)
            except ValidationError as error:
                _add_errors(form, error)
            else:
                return render(
                    request,
                    "frontend/public_registration_sent.html",
                    {
                        **_facts(meeting),
                        "email": data["email"].strip().lower(),
                        "hours": settings.PUBLIC_CONFIRM_HOURS,
                    },
                )
    status = 400 if form.errors else 200
    return render(
        request, "frontend/public_training.html", {**_facts(meeting), "form": form}, status=status
    )


@require_http_methods(["GET", "POST"])
def public_registration_confirm(request, token: str):
    """The link of the confirmation e-mail: a GET shows what will happen (mail scanners
    that open links take no seat), the button confirms."""
    try:
        data = public.read_confirm_token(token)
    except public.BadLink as error:
        return _message(request, "Link not valid", [str(error)], 400)
    meeting = access.public_trainings().filter(pk=data.get("m")).first()
    if meeting is None:
        return _message(
            request,
            "Registration closed",
            ["This training no longer takes public registrations."],
            404,
        )
    if request.method == "GET":
        return render(
            request,
            "frontend/public_confirm.html",
            {**_facts(meeting), "registrant": data},
        )
    try:
        registration, _ = services.public_registration_confirm(token=token)
    except ValidationError as error:
        return render(
            request,
            "frontend/public_message.html",
            {"title": "Registration not possible", "lines": error.messages, **_facts(meeting)},
            status=400,
        )
    return render(
        request,
        "frontend/public_registered.html",
        {
            **_facts(meeting),
            "registration": registration,
            "position": selectors.waitlist_position(registration),
            "cancel_token": public.registration_token(registration),
        },
    )


def _registration_or_message(request, token):
    try:
        return public.registration_from_token(token), None
    except public.BadLink as error:
        return None, render(
            request,
            "frontend/public_message.html",
            {"title": "Link not valid", "lines": [str(error)]},
            status=400,
        )


@require_http_methods(["GET", "POST"])
def public_registration_cancel(request, token: str):
    registration, refusal = _registration_or_message(request, token)
    if refusal:
        return refusal
    facts = _facts(registration.meeting)
    if request.method == "POST" and registration.status != RegistrationStatus.CANCELLED:
        registration = services.public_registration_cancel(token=token)
    return render(
        request,
        "frontend/public_cancel.html",
        {**facts, "registration": registration, "token": token},
    )


def public_certificate(request, token: str):
    registration, refusal = _registration_or_message(request, token)
    if refusal:
        return refusal
    if registration.completed_at is None:
        return render(
            request,
            "frontend/public_message.html",
            {
                "title": "No certificate yet",
                "lines": [
                    "The certificate is ready once the organisers record that you "
                    "completed the training."
                ],
            },
            status=404,
        )
    return certificates.certificate_response(registration)
