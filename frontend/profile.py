"""A person's own profile: who they are in the portal, the zone of their times, and whom
to reach in their agency."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from agencies import selectors, services
from agencies.signin import has_authenticator
from frontend.account_forms import TimeZoneForm
from frontend.forms import apply_service_errors


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def profile(request):
    person = getattr(request.user, "profile", None)
    form = None
    status = 200
    if person is not None:
        default_zone = selectors.agency_time_zone(person.agency_id)
        if request.method == "POST":
            form = TimeZoneForm(request.POST, default_zone=default_zone)
            if form.is_valid():
                try:
                    services.profile_set_time_zone(
                        actor=request.user, profile=person, time_zone=form.cleaned_data["time_zone"]
                    )
                except ValidationError as error:
                    apply_service_errors(form, error)
                else:
                    messages.success(request, "Your time zone is saved.")
                    return HttpResponseRedirect(reverse("profile"))
            status = 400
            # The page shows the stored zone, not the refused one.
            person.refresh_from_db(fields=["time_zone"])
        else:
            form = TimeZoneForm(initial={"time_zone": person.time_zone}, default_zone=default_zone)
    agency = person.agency if person is not None else None
    return render(
        request,
        "frontend/profile.html",
        {
            "person": person,
            "agency": agency,
            "form": form,
            "liaisons": selectors.agency_liaisons(agency) if agency is not None else [],
            "has_authenticator": has_authenticator(request.user),
        },
        status=status,
    )
