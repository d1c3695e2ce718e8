"""API tokens: issued with their secret shown once, stored as a digest, revoked at once."""

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from activity import live
from activity.services import audit_record
from agencies.models import (
    ApiToken,
    TokenScope,
)


def token_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def token_issue(
    *,
    actor,
    user,
    name: str,
    scope: str = TokenScope.READ,
    expires_in_days: int | None = None,
) -> tuple[ApiToken, str]:
    """Issue a bearer token for ``user``. Returns the token and its secret, which is not
    stored and cannot be shown again."""
    if scope not in TokenScope.values:
        raise ValidationError({"scope": f"Scope must be one of {', '.join(TokenScope.values)}."})
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "Give the token a name that says what it is for."})
    days = settings.API_TOKEN_DEFAULT_DAYS if expires_in_days is None else expires_in_days
    if days < 1:
        raise ValidationError({"expires_in_days": "A token lives at least one day."})
    secret = "crx_" + secrets.token_urlsafe(32)
    token = ApiToken(
        user=user,
        name=name,
        prefix=secret[:12],
        digest=token_digest(secret),
        scope=scope,
        expires_at=timezone.now() + dt.timedelta(days=days),
    )
    token.full_clean()
    token.save()
    audit_record(
        actor=actor,
        action="token.issued",
        target=token,
        changes={"user": user.get_username(), "scope": scope, "expires_at": token.expires_at},
    )
    return token, secret


@transaction.atomic
def token_revoke(*, actor, token: ApiToken) -> ApiToken:
    """Revoke a token at once; it never authenticates again."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(actor=actor, action="token.revoked", target=token)
        # A socket opened with the token is closed with it (the person reconnects).
        live.close_sockets(user_ids=[token.user_id])
    return token
