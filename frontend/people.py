"""People pages: an agency admin lists, invites, changes, deactivates and reactivates the
people of their own agency; an invited person sets their first password.

The section is refused (403) to anyone who is not an agency admin; a person is found only
through ``agencies.access.person_for`` (404 for anyone the admin does not manage); every
change goes through ``agencies.services``, which checks the same rule again.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from agencies import access, selectors, services
from agencies.invitations import invited_user, is_invited
from agencies.lockout import account_locked
from agencies.signin import has_authenticator
from frontend.forms import apply_service_errors
from frontend.people_forms import (
    InvitationPasswordForm,
    PeopleFilterForm,
    PersonChangeForm,
    PersonInviteForm,
)


def _base_url(request) -> str:
    return request.build_absolute_uri("/")


def _name(profile) -> str:
    return profile.user.get_full_name() or profile.user.get_username()


def _invitation_outcome(request, profile, sent: bool) -> None:
    if sent:
        messages.success(request, f"Invitation sent to {profile.user.email}.")
    else:
        messages.error(
            request,
            f"The invitation e-mail to {profile.user.email} could not be sent. "
            "Check the address and use “Send the invitation again”.",
        )


@login_required
def people_list(request):
    """The agency's people, filtered by status and text."""
    agency = access.require_people_manager(request.user)
    form = PeopleFilterForm(request.GET or None)
    filters = (
        {"status": form.cleaned_data["status"], "query": form.cleaned_data["q"]}
        if form.is_valid()
        else {}
    )
    page = Paginator(selectors.people_list(request.user, **filters), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "frontend/people_list.html",
        {"agency": agency, "form": form, "page": page},
    )


@login_required
def person_invite(request):
    agency = access.require_people_manager(request.user)
    form = PersonInviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user, sent = services.person_invite(
                actor=request.user, base_url=_base_url(request), **form.cleaned_data
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            _invitation_outcome(request, user.profile, sent)
            return redirect("person-detail", pk=user.pk)
    return render(
        request,
        "frontend/person_invite.html",
        {"agency": agency, "form": form},
        status=400 if form.errors else 200,
    )


def _person_page(request, profile, form=None, status=200):
    user = profile.user
    return render(
        request,
        "frontend/person_detail.html",
        {
            "person": profile,
            "form": form
            or PersonChangeForm(
                initial={f: getattr(profile, f) for f in services.AGENCY_ADMIN_FIELDS}
            ),
            "is_self": user.pk == request.user.pk,
            "invited": is_invited(user),
            "can_deactivate": access.can_deactivate(request.user, user),
            "locked": account_locked(user.get_username()),
            "has_authenticator": has_authenticator(user),
        },
        status=status,
    )


@login_required
def person_detail(request, pk: int):
    """A person of the agency; POST changes their role, title, profession or admin flag."""
    profile = access.person_for(request.user, pk)
    if request.method != "POST":
        return _person_page(request, profile)
    form = PersonChangeForm(request.POST)
    if form.is_valid():
        try:
            services.person_update(actor=request.user, profile=profile, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            if profile.user_id == request.user.pk and not profile.is_agency_admin:
                # Stepping down closes this section to them: leave it.
                messages.success(request, "You are no longer an agency admin.")
                return redirect("home")
            messages.success(request, f"{_name(profile)} is updated.")
            return redirect("person-detail", pk=pk)
    # The refused change was applied to this copy only: show the person as stored.
    profile.refresh_from_db()
    return _person_page(request, profile, form=form, status=400)


@login_required
def person_deactivate(request, pk: int):
    """GET asks for confirmation (no JavaScript needed); POST deactivates."""
    profile = access.person_for(request.user, pk)
    if request.method != "POST":
        tokens = profile.user.api_tokens.usable().count()
        return render(
            request, "frontend/person_deactivate.html", {"person": profile, "tokens": tokens}
        )
    try:
        services.person_set_active(actor=request.user, user=profile.user, active=False)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            f"{_name(profile)} is deactivated: signed out everywhere, API tokens revoked, "
            "live dashboards closed.",
        )
    return redirect("person-detail", pk=pk)


@login_required
@require_POST
def person_reactivate(request, pk: int):
    profile = access.person_for(request.user, pk)
    services.person_set_active(actor=request.user, user=profile.user, active=True)
    messages.success(
        request, f"{_name(profile)} is active again and can sign in with their password."
    )
    return redirect("person-detail", pk=pk)


@login_required
@require_POST
def person_resend_invitation(request, pk: int):
    profile = access.person_for(request.user, pk)
    try:
        sent = services.invitation_resend(
            actor=request.user, user=profile.user, base_url=_base_url(request)
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        _invitation_outcome(request, profile, sent)
    return redirect("person-detail", pk=pk)


@login_required
@require_POST
def person_unlock(request, pk: int):
    """Lift a sign-in lock-out (after checking with the person that the attempts were theirs)."""
    profile = access.person_for(request.user, pk)
    if services.account_unlock(actor=request.user, user=profile.user):
        messages.success(request, f"{_name(profile)} can sign in again.")
    else:
        messages.info(request, f"{_name(profile)}'s sign-in was not locked.")
    return redirect("person-detail", pk=pk)


@login_required
@require_POST
def person_mfa_reset(request, pk: int):
    """Remove the person's authenticator (a lost phone): they set one up at their next
    sign-in. The form asks the admin to confirm they checked who is asking."""
    profile = access.person_for(request.user, pk)
    if request.POST.get("confirm") != "yes":
        messages.error(
            request,
            "Confirm that you checked the person's identity before resetting their second step.",
        )
        return redirect("person-detail", pk=pk)
    services.mfa_reset(actor=request.user, user=profile.user)
    messages.success(
        request,
        f"{_name(profile)}'s authenticator is removed: they set up a new one at their next "
        "sign-in, and their open dashboards are closed.",
    )
    return redirect("person-detail", pk=pk)


# The link is a credential: never cached, and the page loads nothing from elsewhere that a
# Referer could carry it to (Referrer-Policy: same-origin).
@never_cache
def invitation_accept(request, uidb64: str, token: str):
    """An invited person sets their first password; the link then stops working."""
    user = invited_user(uidb64, token)
    if user is None:
        return render(request, "frontend/invitation_invalid.html", status=404)
    form = InvitationPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.invitation_accept(
                uidb64=uidb64, token=token, password=form.cleaned_data["new_password1"]
            )
        except ValidationError as error:
            apply_service_errors(form, _as_password_error(error))
        else:
            messages.success(request, f"Your password is set. Sign in as {user.username}.")
            return redirect("login")
    status = 400 if form.errors else 200
    return render(
        request, "frontend/invitation_accept.html", {"form": form, "invitee": user}, status=status
    )


def _as_password_error(error: ValidationError) -> ValidationError:
    # The password rules speak of the password as a whole: show them under its field.
    if hasattr(error, "error_dict"):
        return error
    return ValidationError({"new_password1": error.messages})
