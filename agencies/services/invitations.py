"""Invitations: an agency admin creates an account without a password, and the person sets
their own through a one-time link sent by e-mail (``agencies/invitations.py``)."""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string

from activity.services import audit_record
from agencies import access
from agencies.invitations import invitation_path, invited_user, is_invited
from agencies.models import AgencyRole, ApiToken
from agencies.services.people import person_create, require_can_manage
from agencies.services.tokens import tokens_revoke_all

logger = logging.getLogger(__name__)
User = get_user_model()


def _lifetime() -> str:
    hours = settings.INVITATION_TIMEOUT // 3600
    if hours >= 48:
        return f"{hours // 24} days"
    return f"{hours} hours" if hours != 1 else "1 hour"


def _send_invitation(*, actor, user, base_url: str) -> bool:
    """E-mail the link; ``False`` (logged and audited) if the mail server refused it."""
    context = {
        "name": user.get_full_name() or user.get_username(),
        "inviter": actor.get_full_name() or actor.get_username(),
        "agency": user.profile.agency.name,
        "username": user.get_username(),
        "lifetime": _lifetime(),
        "link": base_url.rstrip("/") + invitation_path(user),
        "hotline": settings.HOTLINE_PHONE,
    }
    try:
        send_mail(
            f"Your Crossroads account for {user.profile.agency.short_name}",
            render_to_string("agencies/invitation_email.txt", context),
            None,
            [user.email],
        )
    except OSError:
        # smtplib's errors are OSErrors too. The account stays; the admin sends again.
        logger.exception("The invitation e-mail to user %s could not be sent", user.pk)
        audit_record(actor=actor, action="person.invitation_undelivered", target=user)
        return False
    return True


def person_invite(
    *,
    actor,
    base_url: str,
    username: str,
    email: str,
    profession: str,
    first_name: str = "",
    last_name: str = "",
    title: str = "",
    role: str = AgencyRole.MEMBER,
    is_agency_admin: bool = False,
):
    """Create a person in the agency ``actor`` administers, without a usable password, and
    e-mail them a one-time link to set it (``base_url``: the portal's address as the
    person reaches it). Returns the person and whether the e-mail went out.

    The account is committed before the e-mail is sent, so a slow mail server never holds
    the database; a refused e-mail leaves the account, to be sent again from its page.
    Usernames are unique whatever their case: ``j.doe`` and ``J.Doe`` would be two people
    nobody can tell apart.
    """
    agency = access.require_people_manager(actor)
    errors = {}
    if not (email or "").strip():
        errors["email"] = ["An invitation needs an e-mail address to go to."]
    if username and User._default_manager.filter(username__iexact=username).exists():
        errors["username"] = ["This username is taken."]
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            user = person_create(
                actor=actor,
                username=username,
                agency=agency,
                profession=profession,
                email=email,
                first_name=first_name,
                last_name=last_name,
                title=title,
                role=role,
                is_agency_admin=is_agency_admin,
            )
            audit_record(
                actor=actor, action="person.invited", target=user, changes={"email": email}
            )
    except IntegrityError as exc:
        # Another invitation took the username between the check and the insert.
        raise ValidationError({"username": ["This username is taken."]}) from exc
    return user, _send_invitation(actor=actor, user=user, base_url=base_url)


def invitation_resend(*, actor, user, base_url: str) -> bool:
    """Send a person who has not yet set a password a new link; the links sent before stop
    working (their unusable password is replaced, and the tokens sign it). Returns whether
    the e-mail went out."""
    require_can_manage(actor, user)
    if not user.is_active or not is_invited(user):
        raise ValidationError(
            "Only an active account that has never been used gets a new invitation."
        )
    if not user.email:
        raise ValidationError("This person has no e-mail address to send the invitation to.")
    with transaction.atomic():
        user.set_unusable_password()
        user.save(update_fields=["password"])
        audit_record(actor=actor, action="person.invitation_resent", target=user)
    return _send_invitation(actor=actor, user=user, base_url=base_url)


@transaction.atomic
def invitation_accept(*, uidb64: str, token: str, password: str):
    """Set an invited person's first password from their link, which then stops working.
    The password meets the portal's password rules (``AUTH_PASSWORD_VALIDATORS``)."""
    user = invited_user(uidb64, token, for_update=True)
    if user is None:
        raise ValidationError("This invitation link is not valid any more.")
    validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    # A person who signs in is no service account: tokens issued for them end.
    tokens_revoke_all(actor=user, tokens=ApiToken.objects.filter(user=user))
    audit_record(actor=user, action="person.invitation_accepted", target=user)
    return user
