"""Signing in: the password, the second step, and the page's keep-alive.

The first step is Django's LoginView (which refuses a ``next`` to another host); when the
person owes a second step, it leads there, carrying ``next``, checked again at the end.
"""

from urllib.parse import urlencode

import django_otp
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_login_failed
from django.contrib.auth.views import LoginView, redirect_to_login
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods
from django_otp.plugins.otp_totp.models import TOTPDevice

from agencies import services
from agencies.lockout import signin_allowed
from agencies.signin import SecondStep, second_step
from frontend.account_forms import CodeForm

# One message whatever went wrong (a lock, a throttled address, a lost session): what is safe
# to say to whoever is at the keyboard.
SIGNIN_INTERRUPTED = (
    "Your sign-in could not be completed. Sign in again; if it keeps failing, ask your "
    "agency admin."
)


def is_verified(user) -> bool:
    verified = getattr(user, "is_verified", None)
    return bool(verified and verified())


def safe_next(request, default: str = "home") -> str:
    """The ``next`` of the request if it stays on this host, else the ``default`` page."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse(default)


def step_url(step: SecondStep, next_url: str) -> str:
    name = "signin-verify" if step is SecondStep.VERIFY else "mfa-enrol"
    return f"{reverse(name)}?{urlencode({'next': next_url})}"


class SigninView(LoginView):
    """The password step, with the system-use notice. Locked accounts and wrong passwords
    get the same answer (the backends decide; the form says one thing)."""

    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Said on the page itself, so nobody mistakes the demo for a deployment.
        context["mfa_off_in_development"] = settings.DEBUG and not settings.REQUIRE_MFA
        return context

    def get_success_url(self):
        target = super().get_success_url()
        user = self.request.user
        step = second_step(user, verified=is_verified(user))
        return step_url(step, target) if step is not None else target


def _interrupted(request):
    logout(request)
    messages.error(request, SIGNIN_INTERRUPTED)
    return HttpResponseRedirect(reverse("login"))


@never_cache
@require_http_methods(["GET", "POST"])
def signin_verify(request):
    """The second step: a code from the authenticator, or a recovery code. A wrong code is a
    failed sign-in (audited, and counted toward the lock-out like a wrong password)."""
    user = request.user
    if not user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    next_url = safe_next(request)
    step = second_step(user, verified=user.is_verified())
    if step is None:
        return HttpResponseRedirect(next_url)
    if step is SecondStep.ENROL:
        return HttpResponseRedirect(step_url(step, next_url))
    form = CodeForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        username = user.get_username()
        if not signin_allowed(request, username):
            return _interrupted(request)
        device = services.second_factor_check(user=user, token=form.cleaned_data["otp_token"])
        if device is None:
            user_login_failed.send(
                sender=__name__,
                credentials={"username": username, "step": "code"},
                request=request,
            )
            if not signin_allowed(request, username):
                return _interrupted(request)
            form.add_error("otp_token", "That code is not valid. Try the current one.")
        else:
            django_otp.login(request, device)
            # A new session key for the session that now carries both factors.
            request.session.cycle_key()
            factor = "totp" if isinstance(device, TOTPDevice) else "recovery_code"
            services.signin_complete(user=user, factors=["password", factor])
            return HttpResponseRedirect(next_url)
    return render(
        request,
        "frontend/signin_verify.html",
        {"form": form, "next": next_url},
        status=400 if form.errors else 200,
    )


@require_GET
def session_active(request):
    """The page's keep-alive, called when the person uses the page: 204 while the session
    lives (the middleware renews its activity cookie), 401 once it has ended. Writes
    nothing."""
    response = HttpResponse(status=204 if request.user.is_authenticated else 401)
    add_never_cache_headers(response)
    return response
