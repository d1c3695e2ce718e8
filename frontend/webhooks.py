"""Webhook pages: an agency admin lists, registers, changes, disables and enables, rotates
and deletes the webhook endpoints of their own agency and reads each one's delivery log.

The section is refused (403) to anyone who is not an agency admin; an endpoint is found
only through ``agencies.access.webhook_for`` (404 for any other agency's); every change goes
through ``agencies.services``. A secret is shown on the answer to the POST that made it,
never stored in the session or a message, and never shown again.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from agencies import access, selectors, services
from frontend.forms import apply_service_errors
from frontend.webhook_forms import WebhookForm


@login_required
def webhook_list(request):
    """The agency's endpoints with their state and last delivery."""
    agency = access.require_webhook_manager(request.user)
    return render(
        request,
        "frontend/webhook_list.html",
        {"agency": agency, "endpoints": selectors.webhook_list(request.user)},
    )


def _secret_page(request, endpoint, secret: str, *, created: bool):
    return render(
        request,
        "frontend/webhook_secret.html",
        {"endpoint": endpoint, "secret": secret, "created": created},
    )


@never_cache
@login_required
def webhook_create(request):
    agency = access.require_webhook_manager(request.user)
    form = WebhookForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            endpoint, secret = services.webhook_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            return _secret_page(request, endpoint, secret, created=True)
    return render(request, "frontend/webhook_form.html", {"agency": agency, "form": form})


@login_required
def webhook_detail(request, pk: int):
    """One endpoint: its settings (POST changes them) and its delivery log."""
    endpoint = access.webhook_for(request.user, pk)
    form = WebhookForm(
        request.POST or None,
        initial={"url": endpoint.url, "description": endpoint.description, "kinds": endpoint.kinds},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.webhook_update(actor=request.user, endpoint=endpoint, **form.cleaned_data)
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                messages.success(request, "The endpoint is updated.")
                return redirect("webhook-detail", pk=pk)
        status = 400
    log = Paginator(selectors.webhook_attempts(endpoint), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "frontend/webhook_detail.html",
        {"endpoint": selectors.webhook_one(request.user, pk), "form": form, "log": log},
        status=status,
    )


@require_POST
@login_required
def webhook_set_enabled(request, pk: int, enabled: bool):
    endpoint = access.webhook_for(request.user, pk)
    services.webhook_update(actor=request.user, endpoint=endpoint, enabled=enabled)
    messages.success(request, f"The endpoint is {'enabled' if enabled else 'disabled'}.")
    return redirect("webhook-detail", pk=pk)


@never_cache
@require_POST
@login_required
def webhook_rotate(request, pk: int):
    endpoint = access.webhook_for(request.user, pk)
    endpoint, secret = services.webhook_rotate_secret(actor=request.user, endpoint=endpoint)
    return _secret_page(request, endpoint, secret, created=False)


@require_POST
@login_required
def webhook_delete(request, pk: int):
    endpoint = access.webhook_for(request.user, pk)
    if request.POST.get("confirm") != "yes":
        messages.error(request, "Tick the box to confirm the deletion.")
        return redirect("webhook-detail", pk=pk)
    services.webhook_delete(actor=request.user, endpoint=endpoint)
    messages.success(request, f"The endpoint {endpoint.url} is deleted.")
    return redirect("webhook-list")
