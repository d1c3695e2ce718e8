"""Invitation links: a one-time link that lets an invited person set their first password.

The link carries a token from Django's password-reset machinery, under a salt of its own
so that an invitation link never works as a password-reset link or the other way round. The
token is a signature over the account's password hash and last sign-in: it stops working
once the password is set (or the invitation is sent again, which replaces the unusable
password), and after ``INVITATION_TIMEOUT`` seconds.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from django.utils.encoding import force_bytes
from django.utils.http import base36_to_int, urlsafe_base64_decode, urlsafe_base64_encode

from agencies.access import acting_agency


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    """Django's reset tokens under their own salt and their own lifetime: an invitation is
    answered within days (``INVITATION_TIMEOUT``), a reset link within the hour."""

    key_salt = "crossroads.agencies.invitation"

    def check_token(self, user, token):
        if not (user and token):
            return False
        try:
            ts_b36, _ = token.split("-")
            ts = base36_to_int(ts_b36)
        except ValueError:
            return False
        signed = any(
            constant_time_compare(self._make_token_with_timestamp(user, ts, secret), token)
            for secret in [self.secret, *self.secret_fallbacks]
        )
        return signed and self._num_seconds(self._now()) - ts <= settings.INVITATION_TIMEOUT


invitation_tokens = InvitationTokenGenerator()


def is_invited(user) -> bool:
    """An account that was created without a password and has never been used."""
    return not user.has_usable_password() and user.last_login is None


def invitation_path(user) -> str:
    """The path of a fresh invitation link for ``user``."""
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    return reverse("invitation-accept", args=[uidb64, invitation_tokens.make_token(user)])


def invited_user(uidb64: str, token: str, *, for_update: bool = False):
    """The person an invitation link is for, while the link is valid; ``None`` for a link
    that is forged, used, replaced or expired, or whose account may not sign in.
    ``for_update`` locks the account (in a transaction), so a link used twice at once sets
    one password."""
    User = get_user_model()
    people = User._default_manager.select_related("profile__agency")
    if for_update:
        people = people.select_for_update(of=("self",))
    try:
        user = people.get(pk=urlsafe_base64_decode(uidb64).decode())
    except (TypeError, ValueError, OverflowError, ValidationError, User.DoesNotExist):
        return None
    if not is_invited(user) or not user.is_active or acting_agency(user) is None:
        return None
    return user if invitation_tokens.check_token(user, token) else None
