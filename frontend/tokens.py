"""Tokens pages: an agency admin issues, lists and revokes the API tokens of their agency's
people (integrations act as a person of the agency, usually a service account).

The section is refused (403) to anyone who is not an agency admin; a token is found only
through ``agencies.access.token_for`` (404 for anyone else's); every change goes through
``agencies.services``. The secret is on the page that issues it and nowhere else: that page
is never cached, and reloading it does not show the secret again.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from agencies import access, selectors, services
from frontend.forms import apply_service_errors
from frontend.token_forms import TokenFilterForm, TokenIssueForm


@login_required
def token_list(request):
    agency = access.require_people_manager(request.user)
    form = TokenFilterForm(request.GET or None)
    state = form.cleaned_data["state"] if form.is_valid() else ""
    page = Paginator(selectors.token_list(request.user, state=state), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request, "frontend/token_list.html", {"agency": agency, "form": form, "page": page}
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def token_issue(request):
    agency = access.require_people_manager(request.user)
    form = TokenIssueForm(request.POST or None, admin=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            token, secret = services.token_issue(
                actor=request.user,
                user=data["person"].user,
                name=data["name"],
                scope=data["scope"],
                expires_in_days=data["expires_in_days"],
                allowed_networks=data["allowed_networks"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            # Rendered, not redirected: the secret must not travel in a URL or a session.
            return render(request, "frontend/token_issued.html", {"token": token, "secret": secret})
    status = 400 if request.method == "POST" else 200
    return render(
        request, "frontend/token_issue.html", {"agency": agency, "form": form}, status=status
    )


@login_required
@require_http_methods(["GET", "POST"])
def token_revoke(request, pk: int):
    """GET asks for confirmation (no JavaScript needed); POST revokes."""
    token = access.token_for(request.user, pk)
    if request.method != "POST":
        holder = token.user.get_full_name() or token.user.get_username()
        return render(
            request,
            "frontend/confirm.html",
            {
                "title": f"Revoke the token “{token.name}”?",
                "intro": f"It acts as {holder} and starts with {token.prefix}.",
                "consequences": [
                    "Every request with it is refused from now on (401).",
                    "Live dashboards opened with it close.",
                    "A revoked token cannot be restored: issue a new one if it is needed.",
                ],
                "action_url": request.path,
                "confirm_label": "Revoke the token",
                "cancel_url": reverse("token-list"),
                "danger": True,
            },
        )
    services.token_revoke(actor=request.user, token=token)
    messages.success(request, f"The token “{token.name}” ({token.prefix}…) is revoked.")
    return redirect("token-list")
