"""A person's own account: the authenticator and recovery codes, and the password.

Secrets shown once (a new authenticator's key, recovery codes) are never kept for a later
page: the key travels signed in the enrolment form, the codes are the answer to the POST
that made them.
"""

from base64 import b32encode
from binascii import unhexlify
from urllib.parse import urlencode

import django_otp
import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse, reverse_lazy
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_otp.plugins.otp_static.models import StaticToken

from agencies import services
from agencies.signin import (
    SecondStep,
    enrolment_device,
    enrolment_key,
    enrolment_start,
    has_authenticator,
    second_step,
)
from frontend.account_forms import CodeForm, EnrolForm
from frontend.forms import apply_service_errors
from frontend.signin import is_verified, safe_next, step_url


def _qr_svg(text: str) -> str:
    # segno draws the code as SVG paths (no script, no style attribute, nothing fetched);
    # what it encodes becomes geometry, never markup, so the result is safe to inline.
    return mark_safe(  # noqa: S308
        segno.make(text, error="m").svg_inline(scale=5, border=2, dark="#111", light="#fff")
    )


def _grouped(key_hex: str) -> str:
    secret = b32encode(unhexlify(key_hex)).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _security_context(request, remove_form=None) -> dict:
    user = request.user
    enrolled = has_authenticator(user)
    return {
        "enrolled": enrolled,
        "mfa_required": settings.REQUIRE_MFA,
        "recovery_codes_left": (
            StaticToken.objects.filter(device__user=user).count() if enrolled else 0
        ),
        "remove_form": remove_form or CodeForm(),
    }


@login_required
@require_GET
def account_security(request):
    """The person's sign-in settings: authenticator, recovery codes, password."""
    return render(request, "frontend/account/security.html", _security_context(request))


@never_cache
@login_required
@sensitive_post_parameters("otp_token")
@require_http_methods(["GET", "POST"])
def mfa_enrol(request):
    """Set up an authenticator: scan the QR code (or type the key), confirm with a code; the
    recovery codes are shown once, in the answer."""
    user = request.user
    next_url = safe_next(request, default="account-security")
    if has_authenticator(user):
        step = second_step(user, verified=is_verified(user))
        return HttpResponseRedirect(step_url(step, next_url) if step else next_url)
    completes_signin = second_step(user, verified=False) is SecondStep.ENROL
    if request.method == "POST":
        form = EnrolForm(request.POST)
        signed = form.data.get("enrolment", "")
        key = enrolment_key(user, signed) if len(signed) <= 1000 else None
        if key is None:
            messages.error(request, "That set-up page expired. Scan this new code instead.")
            return HttpResponseRedirect(f"{reverse('mfa-enrol')}?{urlencode({'next': next_url})}")
        if form.is_valid():
            try:
                device, codes = services.mfa_enrol(
                    user=user, key=key, token=form.cleaned_data["otp_token"]
                )
            except ValidationError as error:
                apply_service_errors(form, error)
            else:
                django_otp.login(request, device)
                request.session.cycle_key()
                if completes_signin:
                    services.signin_complete(user=user, factors=["password", "totp"])
                return render(
                    request,
                    "frontend/account/recovery_codes.html",
                    {"codes": codes, "next": next_url, "first_time": True},
                )
    else:
        signed = enrolment_start(user)
        key = enrolment_key(user, signed)
        form = EnrolForm(initial={"enrolment": signed})
    device = enrolment_device(user, key)
    return render(
        request,
        "frontend/account/mfa_enrol.html",
        {
            "form": form,
            "qr_svg": _qr_svg(device.config_url),
            "manual_key": _grouped(key),
            "next": next_url,
            "completes_signin": completes_signin,
        },
        status=400 if form.errors else 200,
    )


@never_cache
@login_required
@require_POST
def mfa_recovery_codes(request):
    """Replace the recovery codes; the new ones are shown once, here."""
    try:
        codes = services.recovery_codes_regenerate(user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return HttpResponseRedirect(reverse("account-security"))
    return render(
        request,
        "frontend/account/recovery_codes.html",
        {"codes": codes, "next": reverse("account-security"), "first_time": False},
    )


@login_required
@sensitive_post_parameters("otp_token")
@require_POST
def mfa_remove(request):
    """Remove the authenticator, confirmed by a current code."""
    form = CodeForm(request.POST)
    if form.is_valid():
        try:
            services.mfa_remove(user=request.user, token=form.cleaned_data["otp_token"])
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, "Your authenticator and recovery codes were removed.")
            return HttpResponseRedirect(reverse("account-security"))
    return render(
        request,
        "frontend/account/security.html",
        _security_context(request, remove_form=form),
        status=400,
    )


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change (the old password, then the new one twice), saved through
    the service so that it is checked and audited."""

    template_name = "frontend/account/password_change.html"

    def form_valid(self, form):
        user = form.user
        services.password_set(
            actor=user, user=user, password=form.cleaned_data["new_password1"], reset=False
        )
        update_session_auth_hash(self.request, user)
        messages.success(self.request, "Your password was changed.")
        return HttpResponseRedirect(reverse("account-security"))


class PasswordResetView(auth_views.PasswordResetView):
    """Ask for a reset link by e-mail. The answer is the same whether or not an account
    has that address."""

    template_name = "frontend/account/password_reset_form.html"
    email_template_name = "frontend/account/password_reset_email.txt"
    subject_template_name = "frontend/account/password_reset_subject.txt"
    success_url = reverse_lazy("password_reset_done")


def _user_from_uid(uidb64: str):
    try:
        pk = force_str(urlsafe_base64_decode(uidb64))
        return get_user_model()._default_manager.filter(pk=int(pk)).first()
    except (ValueError, TypeError, OverflowError, UnicodeDecodeError):
        return None


@never_cache
@sensitive_post_parameters("new_password1", "new_password2")
@require_http_methods(["GET", "POST"])
def password_reset_confirm(request, uidb64: str, token: str):
    """Set a new password from an e-mailed link. The link works until the password changes
    (and at most ``PASSWORD_RESET_TIMEOUT``). Unlike Django's view, the token is not moved
    into a session on the GET: a read writes nothing, and the Referrer-Policy keeps the
    address from leaving the portal."""
    user = _user_from_uid(uidb64)
    valid = user is not None and default_token_generator.check_token(user, token)
    if not valid:
        return render(request, "frontend/account/password_reset_confirm.html", {"validlink": False})
    form = SetPasswordForm(user, request.POST if request.method == "POST" else None)
    if form.is_valid():
        services.password_set(
            actor=user, user=user, password=form.cleaned_data["new_password1"], reset=True
        )
        return HttpResponseRedirect(reverse("password_reset_complete"))
    return render(
        request,
        "frontend/account/password_reset_confirm.html",
        {"validlink": True, "form": form},
        status=400 if form.errors else 200,
    )
