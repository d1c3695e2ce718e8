"""A case's identifiers and deconfliction notices on its page: what the page shows, and
the forms that add or remove an identifier (contributing agencies; on a tip, its
coordinators and assigned agency) and mark the case "do not deconflict" (managing
agencies). Through ``tips.access`` and ``tips.services``."""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from cases import access as case_access
from cases.models import AccessLevel
from frontend.tip_forms import IdentifierForm, OptOutForm
from frontend.tips import too_many
from tips import access, limits, services
from tips import selectors as tip_selectors
from tips.services.deconfliction import notice_payloads


def case_context(user, case, level) -> dict:
    """What the case page shows of identifiers and notices, for the caller's level."""
    can_edit = access.can_edit_identifiers(level)
    can_opt_out = access.can_opt_out(level)
    context = {
        "identifiers": access.case_identifiers(case).select_related("added_agency"),
        "deconfliction_notices": notice_payloads(
            access.case_notices(user, case).select_related("other_agency")
        ),
        "can_edit_identifiers": can_edit,
        "can_opt_out": can_opt_out,
        "opt_out": tip_selectors.case_opt_out(case) if can_opt_out else None,
    }
    if can_edit:
        context["identifier_form"] = IdentifierForm()
    if can_opt_out:
        context["opt_out_form"] = OptOutForm()
    return context


def _errors(error: ValidationError) -> str:
    return " ".join(error.messages)


def _attach(request, subject, add) -> HttpResponse:
    """Attach the posted identifier to a case or tip with ``add(**fields)``, and go back to
    the subject's identifiers with what happened."""
    back = subject.get_absolute_url()
    form = IdentifierForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose the kind and type the identifier.")
        return redirect(f"{back}#identifiers")
    try:
        identifier = add(**form.cleaned_data)
    except limits.RateLimited as exc:
        return too_many(request, exc.wait, back)
    except ValidationError as error:
        messages.error(request, _errors(error))
    else:
        messages.success(request, f"{identifier.get_kind_display()} {identifier.value} added.")
    return redirect(f"{back}#identifiers")


@login_required
@require_POST
def identifier_add(request, pk: int):
    case, _ = case_access.case_for(request.user, pk, need=AccessLevel.CONTRIBUTE)
    return _attach(request, case, partial(services.identifier_add, actor=request.user, case=case))


@login_required
@require_POST
def tip_identifier_add(request, pk: int):
    tip = access.tip_for(request.user, pk)
    return _attach(request, tip, partial(services.tip_identifier_add, actor=request.user, tip=tip))


@login_required
@require_POST
def identifier_remove(request, pk: int):
    identifier = access.identifier_for(request.user, pk)
    target = identifier.case or identifier.tip
    services.identifier_remove(actor=request.user, identifier=identifier)
    messages.success(request, f"{identifier.get_kind_display()} {identifier.value} removed.")
    return redirect(f"{target.get_absolute_url()}#identifiers")


@login_required
@require_POST
def case_deconfliction(request, pk: int):
    """Mark the case "do not deconflict" (with a reason), or take the mark off."""
    case, _ = case_access.case_for(request.user, pk, need=AccessLevel.MANAGE)
    if request.POST.get("action") == "resume":
        services.case_opt_in(actor=request.user, case=case)
        messages.success(request, "Identifiers added from now on are deconflicted again.")
    else:
        form = OptOutForm(request.POST)
        try:
            if not form.is_valid():
                raise ValidationError("Say why this case must not be deconflicted.")
            services.case_opt_out(actor=request.user, case=case, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, _errors(error))
        else:
            messages.success(request, "This case takes part in no deconfliction match now.")
    return redirect(f"{case.get_absolute_url()}#identifiers")
