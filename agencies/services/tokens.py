"""API tokens: issued with their secret shown once, stored as a digest, revoked at once."""

import datetime as dt
import hashlib
import ipaddress
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

# A token lives at most a year: an integration's owner renews it, and a forgotten one ends.
MAX_TOKEN_DAYS = 366
MAX_NETWORKS = 20


def token_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def clean_networks(values) -> list[str]:
    """The allowed networks as canonical CIDR strings (``10.1.2.3/24`` -> ``10.1.2.0/24``, a
    bare address -> a /32 or /128); a ``ValidationError`` naming the first bad entry."""
    networks = []
    for raw in values or ():
        text = str(raw).strip()
        if not text:
            continue
        try:
            network = ipaddress.ip_network(text, strict=False)
        except ValueError as exc:
            message = f"{text[:60]!r} is not an address or a network like 203.0.113.0/24."
            raise ValidationError({"allowed_networks": message}) from exc
        if str(network) not in networks:
            networks.append(str(network))
    if len(networks) > MAX_NETWORKS:
        raise ValidationError(
            {"allowed_networks": f"Name at most {MAX_NETWORKS} networks; use wider ones."}
        )
    return networks


@transaction.atomic
def token_issue(
    *,
    actor,
    user,
    name: str,
    scope: str = TokenScope.READ,
    expires_in_days: int | None = None,
    allowed_networks=(),
) -> tuple[ApiToken, str]:
    """Issue a bearer token for ``user``. Returns the token and its secret, which is not
    stored and cannot be shown again."""
    if scope not in TokenScope.values:
        raise ValidationError({"scope": f"Scope must be one of {', '.join(TokenScope.values)}."})
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "Give the token a name that says what it is for."})
    if not user.is_active:
        raise ValidationError({"user": "The account is deactivated; it cannot have tokens."})
    days = settings.API_TOKEN_DEFAULT_DAYS if expires_in_days is None else expires_in_days
    if not 1 <= days <= MAX_TOKEN_DAYS:
        raise ValidationError(
            {"expires_in_days": f"A token lives from 1 to {MAX_TOKEN_DAYS} days."}
        )
    networks = clean_networks(allowed_networks)
    secret = "crx_" + secrets.token_urlsafe(32)
    token = ApiToken(
        user=user,
        name=name,
        prefix=secret[:12],
        digest=token_digest(secret),
        scope=scope,
        expires_at=timezone.now() + dt.timedelta(days=days),
        allowed_networks=networks,
    )
    token.full_clean()
    token.save()
    audit_record(
        actor=actor,
        action="token.issued",
        target=token,
        changes={
            "user": user.get_username(),
            "scope": scope,
            "expires_at": token.expires_at,
            "allowed_networks": networks,
        },
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


def tokens_revoke_all(*, actor, tokens) -> int:
    """Revoke every usable token of ``tokens`` (a queryset): a person or an agency that is
    deactivated keeps no way in; reactivating them does not bring the tokens back."""
    usable = list(tokens.usable())
    for token in usable:
        token_revoke(actor=actor, token=token)
    return len(usable)
