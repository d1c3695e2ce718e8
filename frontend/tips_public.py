"""The public tip page: no sign-in. It says plainly that emergencies go to 911, shows the
Hotline, and takes a tip with optional contact details. Refusals say why and store nothing;
the sender's address is only the key of the rate limit's count."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from agencies.models import TaskForce
from frontend.tip_forms import PublicTipForm
from tips import services, throttles
from tips.api_public import default_task_force


@require_http_methods(["GET", "POST"])
def public_tip(request):
    task_forces = TaskForce.objects.order_by("name")
    form = PublicTipForm(
        request.POST or None, task_forces=task_forces, default=default_task_force()
    )
    context = {"form": form, "hotline_name": settings.HOTLINE_NAME}
    if request.method == "POST":
        wait = throttles.refusal_wait(request)
        if wait is not None:
            response = render(
                request,
                "frontend/tip_message.html",
                {
                    "title": "Too many tips from here",
                    "lines": [
                        f"Try again in {max(wait // 60, 1)} minute(s), or call the "
                        f"{settings.HOTLINE_NAME} at {settings.HOTLINE_PHONE}. "
                        "If someone is in danger now, call 911."
                    ],
                    "back_url": "/tips/new/",
                    "back_label": "Back to the tip form",
                },
                status=429,
            )
            response["Retry-After"] = str(wait)
            return response
        if form.is_valid():
            data = dict(form.cleaned_data)
            data.pop("website", None)
            task_force = data.pop("task_force", None) or default_task_force()
            try:
                services.tip_submit_public(task_force=task_force, **data)
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                return render(request, "frontend/public_tip_sent.html", context)
        return render(request, "frontend/public_tip.html", context, status=400)
    return render(request, "frontend/public_tip.html", context)
