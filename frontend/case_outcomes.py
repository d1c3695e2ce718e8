"""The Outcomes section of a case page: the dated records, their history, and the forms of
managing agencies to record one or withdraw a wrong one."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.html import format_html
from django.views.decorators.http import require_http_methods, require_POST

from cases import access, selectors, services
from cases.models import AccessLevel, CaseOutcome, OutcomeKind
from frontend.outcome_forms import OutcomeForm, WithdrawOutcomeForm


def outcomes_context(case, can_manage: bool) -> dict:
    """What the case page shows of outcomes: totals by kind and every record."""
    records = list(selectors.case_outcomes(case))
    totals = {kind: 0 for kind in OutcomeKind.values}
    for record in records:
        if not record.is_withdrawn:
            totals[record.kind] += record.count
    context = {
        "outcome_totals": [(OutcomeKind(kind).label, total) for kind, total in totals.items()],
        "outcome_records": records,
    }
    if can_manage:
        context["outcome_form"] = OutcomeForm()
    return context


def _outcome_url(case) -> str:
    return f"{case.get_absolute_url()}#outcomes"


@login_required
@require_POST
def case_outcome_record(request, pk: int):
    """Record a dated outcome (managing agencies); a refusal is said on the case page."""
    case, _ = access.case_for(request.user, pk, need=AccessLevel.MANAGE)
    form = OutcomeForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect(_outcome_url(case))
    try:
        outcome = services.case_outcome_record(actor=request.user, case=case, **form.cleaned_data)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            f"Recorded: {outcome.count} · {outcome.get_kind_display().lower()} on "
            f"{outcome.occurred_on:%Y-%m-%d}.",
        )
    return redirect(_outcome_url(case))


@login_required
@require_http_methods(["GET", "POST"])
def case_outcome_withdraw(request, pk: int, outcome_id: int):
    """Withdraw a wrong record (managing agencies), asking why first."""
    case, _ = access.case_for(request.user, pk, need=AccessLevel.MANAGE)
    try:
        outcome = case.outcomes.get(pk=outcome_id, withdrawn_at__isnull=True)
    except CaseOutcome.DoesNotExist as exc:
        raise Http404 from exc
    form = WithdrawOutcomeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.case_outcome_withdraw(actor=request.user, outcome=outcome, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "The record was withdrawn; record the right figure now.")
            return redirect(_outcome_url(case))
    group = outcome.group_label()
    return render(
        request,
        "frontend/confirm.html",
        {
            "title": "Withdraw this outcome record?",
            "intro": format_html(
                "<strong>{}</strong> · {} {}{} on {}",
                case.number,
                outcome.count,
                outcome.get_kind_display().lower(),
                f" ({group})" if group else "",
                outcome.occurred_on.isoformat(),
            ),
            "consequences": [
                "The record stops counting in the case's totals and in every report.",
                "It stays in the case's history, with who withdrew it, when and why.",
                "Record the right figure afterwards, with its date, in the case's Outcomes.",
            ],
            "form": form,
            "action_url": request.path,
            "confirm_label": "Withdraw the record",
            "cancel_url": _outcome_url(case),
            "cancel_label": "Keep it",
            "danger": True,
        },
        status=400 if request.method == "POST" else 200,
    )
