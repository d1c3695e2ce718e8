"""The case actions that ask first: revoking an agency's access, closing a case, redacting
a note (a GET shows what will happen and to whom, the POST acts), and sharing, whose form
also has a page of its own for when it needs correcting.

Objects come through the access policy; every change goes through ``cases.services``.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.html import format_html
from django.views.decorators.http import require_http_methods

from agencies.models import Agency
from cases import access, services
from cases.models import AccessLevel, CaseStatus
from frontend.forms import RedactForm, ShareForm, StatusForm, apply_service_errors


def share_candidates(case):
    return Agency.objects.filter(pk__in=access.shareable_agency_ids(case))


def status_choices(case) -> list[tuple[str, str]]:
    """The statuses a case may move to, closing last (it asks first, on its own page)."""
    allowed = services.STATUS_TRANSITIONS[case.status]
    return [(value, label) for value, label in CaseStatus.choices if value in allowed]


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


def _confirm(request, **context):
    # Shown again after a refused POST: say so with the status too, not only on the page.
    status = 400 if request.method == "POST" else 200
    return render(request, "frontend/confirm.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def case_status(request, pk: int):
    """Change a case's status. Closing asks first: a GET with ``?status=closed`` shows
    what closing does."""
    case, _ = access.case_for(request.user, pk, need=AccessLevel.MANAGE)
    choices = status_choices(case)
    form = StatusForm(request.POST or None, choices=choices)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.case_change_status(actor=request.user, case=case, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(request, f"{case.number} is now {case.get_status_display().lower()}.")
        return redirect(case)
    closing = request.GET.get("status") == CaseStatus.CLOSED or (
        request.method == "POST" and request.POST.get("status") == CaseStatus.CLOSED
    )
    if request.method == "GET" and not closing:
        return redirect(case)
    if request.method == "GET":
        if CaseStatus.CLOSED not in dict(choices):
            messages.error(request, f"{case.number} cannot be closed from here.")
            return redirect(case)
        form = StatusForm(initial={"status": CaseStatus.CLOSED}, choices=choices)
    if closing:
        form.fields["status"].widget = form.fields["status"].hidden_widget()
        return _confirm(
            request,
            title=f"Close {case.number}?",
            intro=format_html("<strong>{}</strong> · {}", case.number, case.title),
            consequences=[
                "The case is marked Closed for every agency that has access; their "
                "dashboards show it at once.",
                "Nobody loses access: the case, its notes and its shares stay as they are, "
                "and notes can still be added.",
                "A managing agency can reopen it later; the status history keeps who closed "
                "it, when and why.",
            ],
            form=form,
            action_url=request.path,
            confirm_label="Close the case",
            cancel_url=case.get_absolute_url(),
            cancel_label="Keep it open",
            danger=True,
        )
    # An invalid change from the case page: say why there.
    messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect(case)


@login_required
@require_http_methods(["GET", "POST"])
def case_share(request, pk: int):
    """Share a case with a member agency, or change a share (managing agencies)."""
    case, _ = access.case_for(request.user, pk, need=AccessLevel.MANAGE)
    form = ShareForm(request.POST or None, agencies=share_candidates(case))
    if request.method == "POST" and form.is_valid():
        try:
            share = services.case_share(actor=request.user, case=case, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request, f"Shared with {share.agency.short_name} ({share.get_level_display()})."
            )
            return redirect(case)
    return render(request, "frontend/case_share.html", {"case": case, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def case_revoke(request, pk: int, agency_id: int):
    """Revoke an agency's access. The GET says what the agency loses."""
    case, level = access.case_for(request.user, pk, need=AccessLevel.MANAGE)
    agency = Agency.objects.filter(pk=agency_id).first()
    if agency is None:
        raise Http404
    if request.method == "POST":
        try:
            services.case_unshare(actor=request.user, case=case, agency=agency)
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(request, f"{agency.name} no longer has access to {case.number}.")
        return redirect(case)
    if agency.pk not in access.case_agency_ids(case) or not access.can_revoke(
        level, case, agency.pk
    ):
        messages.error(request, f"{agency.name} has no access to {case.number} you can revoke.")
        return redirect(case)
    return _confirm(
        request,
        title=f"Revoke {agency.short_name}'s access?",
        intro=format_html(
            "<strong>{}</strong> loses access to <strong>{}</strong> · {} now.",
            agency.name,
            case.number,
            case.title,
        ),
        consequences=[
            "Its people can no longer open the case or find it in their lists.",
            "They lose its notes, those their own agency wrote included, and the case's past "
            "events: open dashboards drop them at once, without a reload.",
            "The agency is taken off the meetings about this case it was invited to.",
            "The other agencies keep their access. The share's record stays in the case's "
            "history, and you can share the case with the agency again later.",
        ],
        action_url=request.path,
        confirm_label=f"Revoke {agency.short_name}'s access",
        cancel_url=case.get_absolute_url() + "#access",
        cancel_label="Keep the access",
        danger=True,
    )


@login_required
@require_http_methods(["GET", "POST"])
def note_redact(request, pk: int):
    """Redact a note: the GET asks for the reason and says what happens to the text."""
    note, level = access.note_for(request.user, pk)
    form = RedactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.note_redact(actor=request.user, note=note, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "Note redacted; its text remains in the revisions.")
            return redirect(f"{note.case.get_absolute_url()}#note-{note.pk}")
    if note.is_redacted:
        messages.error(request, "This note is redacted already.")
        return redirect(note.case)
    if not access.can_redact_note(request.user, note, level):
        raise PermissionDenied("Only the author's agency or a managing agency redacts a note.")
    author = note.author.get_full_name() or note.author.get_username()
    return _confirm(
        request,
        title="Redact this note?",
        intro=format_html(
            "A note by {} ({}) on {}: “{}”",
            author,
            note.author_agency.short_name,
            note.case.number,
            note.body[:200] + ("…" if len(note.body) > 200 else ""),
        ),
        consequences=[
            "Its text leaves the case page and the live feeds of every agency that could "
            "read it; the reason you give is shown in its place.",
            "The text stays in the note's revisions, for those who could read it there; "
            "redaction hides it, it does not erase it.",
            "The redaction cannot be undone.",
        ],
        form=form,
        action_url=request.path,
        confirm_label="Redact the note",
        cancel_url=f"{note.case.get_absolute_url()}#note-{note.pk}",
        cancel_label="Keep the note",
        danger=True,
    )
