"""Who may authenticate: people of active agencies, by session or by bearer token."""

import datetime as dt

from axes.backends import AxesStandaloneBackend
from axes.exceptions import AxesBackendPermissionDenied
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.hashers import make_password
from django.core.exceptions import PermissionDenied
from rest_framework import authentication, exceptions, permissions

from activity.models import AuditOutcome
from activity.services import audit_read
from agencies.lockout import account_locked
from agencies.models import ApiToken, TokenScope
from agencies.services.tokens import token_digest


def agency_allows_login(user) -> bool:
    """An active account of an active agency (or one without an agency: a superuser)."""
    if not user.is_active:
        return False
    profile = getattr(user, "profile", None)
    if profile is None:
        return user.is_superuser
    return profile.agency.active


class SigninLockBackend(AxesStandaloneBackend):
    """django-axes' gate, first of the backends: a locked account or a throttled address is
    refused before any password is checked (``agencies.lockout`` decides which).

    The refusal looks and takes as long as a wrong password: the sign-in form shows its one
    message, and a password is hashed all the same. Without a request (the test client's
    ``login``, a shell) there is no address to judge, but a locked account stays locked.
    Bearer tokens never come here: they are not passwords and do not lock anything.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            if account_locked(username):
                raise PermissionDenied("This account is locked.")
            return None
        try:
            return super().authenticate(request, username=username, password=password, **kwargs)
        except AxesBackendPermissionDenied:
            make_password(password)
            raise


class AgencyModelBackend(ModelBackend):
    """Django's backend, refusing people whose agency is deactivated.

    ``get_user`` asks the same question on every request, so deactivating an agency also
    ends its people's open sessions.
    """

    def user_can_authenticate(self, user) -> bool:
        return agency_allows_login(user)

    def get_user(self, user_id):
        # Runs on every request: fetch the profile and agency in the same query.
        user = (
            get_user_model()
            ._default_manager.select_related("profile__agency")
            .filter(pk=user_id)
            .first()
        )
        return user if user is not None and self.user_can_authenticate(user) else None


# A token's use is recorded in the audit trail at most this often (when and from where).
LAST_USED_RESOLUTION = dt.timedelta(minutes=5)


class BearerTokenAuthentication(authentication.BaseAuthentication):
    """``Authorization: Bearer <token>`` with a token from ``issue_token`` or the tokens page."""

    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Send exactly one token: 'Bearer <token>'.")
        try:
            secret = header[1].decode()
        except UnicodeDecodeError as exc:
            raise exceptions.AuthenticationFailed("The token contains invalid characters.") from exc
        return self.authenticate_secret(secret, address=request.META.get("REMOTE_ADDR"))

    def authenticate_secret(self, secret: str, *, address: str | None):
        """The person and token of ``secret`` used from ``address``; 401 otherwise."""
        token = (
            ApiToken.objects.usable()
            .select_related("user__profile__agency")
            .filter(digest=token_digest(secret))
            .first()
        )
        if token is None or not agency_allows_login(token.user):
            raise exceptions.AuthenticationFailed("Invalid, expired or revoked token.")
        if not token.allows_address(address):
            # A leaked token tried from elsewhere: the agency admins read it in the trail.
            audit_read(
                actor=token.user,
                action="token.refused",
                target=token,
                changes={"address": address},
                outcome=AuditOutcome.DENIED,
                # A leaked token tried over and over must not flood the trail.
                once_per=LAST_USED_RESOLUTION,
            )
            raise exceptions.AuthenticationFailed(
                "This token may not be used from this address; "
                "the agency admin can add the network to the token."
            )
        audit_read(
            actor=token.user, action="token.used", target=token, once_per=LAST_USED_RESOLUTION
        )
        return token.user, token

    def authenticate_header(self, request):
        return f'{self.keyword} realm="api"'


class TokenScopePermission(permissions.BasePermission):
    """A read-scoped token may only read."""

    message = "This token is read-only; issue a token with the write scope to make changes."

    def has_permission(self, request, view) -> bool:
        token = request.auth
        if isinstance(token, ApiToken) and token.scope == TokenScope.READ:
            return request.method in permissions.SAFE_METHODS
        return True
