"""The pages a person uses. Views read through selectors and render; they decide nothing."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render

from agencies import access, selectors
from reports import access as report_access


@login_required
def directory(request):
    """Task forces with their current members; every agency in the portal."""
    visible = access.contact_visible_agency_ids(request.user)
    return render(
        request,
        "frontend/directory.html",
        {
            "task_forces": selectors.task_force_list(),
            "agencies": selectors.agency_list(),
            "partner_ids": visible,
        },
    )


@login_required
def agency_detail(request, pk: int):
    agency = get_object_or_404(selectors.agency_list(), pk=pk)
    visible = access.contacts_visible(access.contact_visible_agency_ids(request.user), agency)
    return render(
        request,
        "frontend/agency_detail.html",
        {
            "agency": agency,
            "contacts_visible": visible,
            "liaisons": selectors.agency_liaisons(agency) if visible else None,
            "memberships": selectors.agency_memberships(agency),
        },
    )


@login_required
def task_force_detail(request, slug: str):
    task_force = get_object_or_404(selectors.task_force_list(), slug=slug)
    return render(
        request,
        "frontend/task_force_detail.html",
        {
            "task_force": task_force,
            "history": selectors.task_force_history(task_force).filter(left_on__isnull=False),
            "can_see_report": report_access.can_see_task_force_report(request.user, task_force),
        },
    )
