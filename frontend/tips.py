"""Tip pages: the list, recording a tip, a tip with its triage (coordinators) and turning it
into a case (the assigned agency). Objects come through ``tips.access`` (404 when not
visible); every change goes through ``tips.services``."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from agencies.models import Agency, TaskForceMembership
from cases import access as case_access
from frontend.forms import apply_service_errors
from frontend.tip_forms import (
    AssignForm,
    CloseTipForm,
    DuplicateForm,
    IdentifierForm,
    TipCaseForm,
    TipRecordForm,
)
from tips import access, limits, selectors, services
from tips.models import TipStatus
from tips.services.deconfliction import notice_payloads


def too_many(request, wait: int, back_url: str = "/tips/") -> HttpResponse:
    """The page's 429: wait, then try again."""
    response = render(
        request,
        "frontend/tip_message.html",
        {
            "title": "Too many identifiers at once",
            "lines": [
                "You attached many identifiers in a short time. So that identifiers cannot be "
                f"probed, the portal waits: try again in {max(wait // 60, 1)} minute(s)."
            ],
            "back_url": back_url,
            "back_label": "Back",
        },
        status=429,
    )
    response["Retry-After"] = str(wait)
    return response


@login_required
def tip_list(request):
    status = request.GET.get("status", "")
    if status not in TipStatus.values:
        status = ""
    page = Paginator(selectors.tip_list(request.user, status=status), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "frontend/tip_list.html",
        {
            "page": page,
            "status": status,
            "statuses": TipStatus.choices,
            "can_record": access.recordable_task_forces(request.user).exists(),
        },
    )


@login_required
def tip_record(request):
    task_forces = access.recordable_task_forces(request.user)
    if not task_forces.exists():
        raise PermissionDenied("Liaisons, coordinators and partner agencies record tips.")
    form = TipRecordForm(request.POST or None, task_forces=task_forces)
    if request.method == "POST" and form.is_valid():
        try:
            tip = services.tip_record(actor=request.user, **form.cleaned_data)
        except limits.RateLimited as exc:
            return too_many(request, exc.wait)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"Tip {tip.pk} is recorded; its coordinators see it now.")
            return redirect(tip)
    return render(request, "frontend/tip_record.html", {"form": form})


def _member_agencies(tip):
    members = TaskForceMembership.objects.current().filter(task_force_id=tip.task_force_id)
    return Agency.objects.filter(pk__in=members.values("agency_id"), active=True).order_by("name")


def _tip_page(request, tip, *, forms=None, status=200):
    selectors.tip_record_read(actor=request.user, tip=tip)
    can_triage = access.can_triage(request.user, tip)
    context = {
        "tip": tip,
        "identifiers": tip.identifiers.select_related("added_agency"),
        "notices": notice_payloads(
            access.tip_notices(request.user, tip).select_related("other_agency")
        ),
        "can_triage": can_triage,
        "can_open_case": access.can_open_case(request.user, tip),
        "case_visible": bool(
            tip.case_id and case_access.visible_cases(request.user).filter(pk=tip.case_id).exists()
        ),
    }
    if can_triage:
        others = selectors.tip_list(request.user).filter(task_force_id=tip.task_force_id)
        context.update(
            assign_form=AssignForm(agencies=_member_agencies(tip)),
            duplicate_form=DuplicateForm(tips=others.exclude(pk=tip.pk)),
            close_form=CloseTipForm(),
        )
    if access.can_add_tip_identifiers(request.user, tip):
        context["identifier_form"] = IdentifierForm()
    if context["can_open_case"]:
        context["case_form"] = TipCaseForm(initial={"title": f"Tip {tip.pk}: {tip.where}"[:200]})
    context.update(forms or {})
    return render(request, "frontend/tip_detail.html", context, status=status)


@login_required
def tip_detail(request, pk: int):
    return _tip_page(request, access.tip_for(request.user, pk))


@login_required
@require_POST
def tip_triage(request, pk: int):
    """One triage step from the tip page: assign, duplicate or close."""
    tip = access.tip_for(request.user, pk)
    action = request.POST.get("action")
    try:
        if action == "assign":
            form = AssignForm(request.POST, agencies=_member_agencies(tip))
            if form.is_valid():
                tip = services.tip_assign(actor=request.user, tip=tip, **form.cleaned_data)
                messages.success(request, f"Tip {tip.pk} is assigned to {tip.assigned_agency}.")
                return redirect(tip)
            forms = {"assign_form": form}
        elif action == "duplicate":
            tips = selectors.tip_list(request.user).filter(task_force_id=tip.task_force_id)
            form = DuplicateForm(request.POST, tips=tips)
            if form.is_valid():
                services.tip_mark_duplicate(actor=request.user, tip=tip, **form.cleaned_data)
                messages.success(request, f"Tip {tip.pk} is marked a duplicate.")
                return redirect(tip)
            forms = {"duplicate_form": form}
        elif action == "close":
            form = CloseTipForm(request.POST)
            if form.is_valid():
                services.tip_close(actor=request.user, tip=tip, **form.cleaned_data)
                messages.success(request, f"Tip {tip.pk} is closed.")
                return redirect(tip)
            forms = {"close_form": form}
        else:
            messages.error(request, "Choose what to do with the tip.")
            return redirect(tip)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(tip)
    return _tip_page(request, tip, forms=forms, status=400)


@login_required
@require_POST
def tip_open_case(request, pk: int):
    tip = access.tip_for(request.user, pk)
    form = TipCaseForm(request.POST)
    if form.is_valid():
        try:
            case = services.tip_open_case(actor=request.user, tip=tip, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, f"Case {case.number} is open, from tip {tip.pk}.")
            return redirect(case)
    return _tip_page(request, tip, forms={"case_form": form}, status=400)
