"""Webhook secrets and signatures.

A delivery is signed with HMAC-SHA256 over ``"<timestamp>.<body>"`` using the endpoint's
secret, and says so in ``X-Crossroads-Signature: t=<timestamp>,v1=<hex digest>``.

The portal must read the secret back to sign, so it cannot keep a digest as it does for API
tokens: it keeps the secret encrypted (Fernet, from ``cryptography``) with a key derived
from ``SECRET_KEY``. A stolen database alone does not give the secrets; a database with the
settings does. ``SECRET_KEY_FALLBACKS`` still decrypt, so rotating ``SECRET_KEY`` keeps the
endpoints working (rotate each endpoint's secret to re-encrypt it under the new key).
"""

import hashlib
import hmac
import secrets

from cryptography.fernet import InvalidToken

from activity import sealed

SECRET_PREFIX = "whsec_"  # noqa: S105 (a prefix, not a secret)
KEY_SALT = "crossroads.webhooks.secret-encryption"


class UnreadableSecret(Exception):
    """The stored secret was encrypted under a key this deployment no longer has."""


def new_secret() -> str:
    """256 random bits, with a prefix that tells what the string is."""
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def encrypt(secret: str) -> str:
    return sealed.fernet(KEY_SALT).encrypt(secret.encode()).decode()


def decrypt(stored: str) -> str:
    try:
        return sealed.fernet(KEY_SALT).decrypt(stored.encode()).decode()
    except InvalidToken as error:
        raise UnreadableSecret("Rotate the endpoint's secret: it cannot be read.") from error


def signature(secret: str, timestamp: int, body: bytes) -> str:
    message = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signature_header(secret: str, timestamp: int, body: bytes) -> str:
    return f"t={timestamp},v1={signature(secret, timestamp, body)}"
