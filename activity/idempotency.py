"""Safe retries of the API's POSTs: a request sent with an ``Idempotency-Key`` header is
done once. A retry with the same key and the same request gets the first answer again
(with ``Idempotent-Replayed: true``) and changes nothing; the same key with another
request is refused (422); a retry that arrives while the first still runs is asked to wait
(409 with Retry-After). Keys are kept for a day (``IDEMPOTENCY_KEY_HOURS``).

A first answer of 5xx is not kept (the retry runs again): nothing was done. Refusals before
the view runs (401, 403, 413, 415, 429) are not kept either: they depend on the moment, not
on the request, and the retry meets them anew.
"""

import datetime as dt
import hashlib
import json

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils import timezone
from rest_framework import exceptions

from activity.models import IdempotentRequest

HEADER = "Idempotency-Key"
# A first request that has not answered after this long died with its worker: a retry may
# take its key over.
ABANDONED_AFTER = dt.timedelta(minutes=2)
KEPT_HEADERS = ("ETag", "Location")


class KeyReused(exceptions.APIException):
    status_code = 422
    default_code = "idempotency_key_reused"
    default_detail = (
        "This Idempotency-Key was sent before with another request (another path or body); "
        "use a new key for a new request."
    )


class KeyInUse(exceptions.APIException):
    status_code = 409
    default_code = "idempotency_key_in_use"
    default_detail = (
        "A request with this Idempotency-Key is still running; retry in a moment to get its answer."
    )
    wait = 1


class Replayed(exceptions.APIException):
    """Not an error: the first answer to a key, given again (portal.api renders it)."""

    def __init__(self, record: IdempotentRequest):
        self.record = record
        super().__init__()


def fingerprint(request) -> str:
    body = json.dumps(request.data, sort_keys=True, cls=DjangoJSONEncoder, default=str)
    text = "\n".join([request.method, request.path, body])
    return hashlib.sha256(text.encode()).hexdigest()


def _key(request) -> str | None:
    key = request.headers.get(HEADER)
    if key is None:
        return None
    key = key.strip()
    if not 1 <= len(key) <= 255 or not key.isprintable():
        raise exceptions.ValidationError(
            {HEADER: ["Send 1 to 255 printable characters, e.g. a UUID made for this request."]}
        )
    return key


def claim(request) -> IdempotentRequest | None:
    """The record this request fills in, or ``None`` without a key; raises ``Replayed``,
    ``KeyReused`` or ``KeyInUse`` when the key was seen."""
    key = _key(request)
    user = request.user
    if key is None or not user.is_authenticated:
        # Keys are each person's own; a public form (no sign-in) is idempotent by its own
        # rule, e.g. one registration per e-mail address.
        return None
    now = timezone.now()
    # Whoever posts sweeps out every key past its day, so none outlives it for long.
    IdempotentRequest.objects.filter(
        created_at__lt=now - dt.timedelta(hours=settings.IDEMPOTENCY_KEY_HOURS)
    ).delete()
    digest = fingerprint(request)
    try:
        with transaction.atomic():
            return IdempotentRequest.objects.create(
                user=user, key=key, fingerprint=digest, created_at=now
            )
    except IntegrityError:
        pass
    seen = IdempotentRequest.objects.filter(user=user, key=key).first()
    if seen is None:  # kept no longer than a moment ago: take the key
        return claim(request)
    if seen.fingerprint != digest:
        raise KeyReused()
    if seen.status is not None:
        raise Replayed(seen)
    if seen.created_at < now - ABANDONED_AFTER:
        taken = IdempotentRequest.objects.filter(pk=seen.pk, status__isnull=True).update(
            created_at=now
        )
        if taken:
            seen.created_at = now
            return seen
    raise KeyInUse()


# What a retry is told when the first answer held a secret: it is not kept, so not repeated.
SECRET_NOT_REPEATED = {
    "code": "idempotency_key_used",
    "detail": "This request was carried out already. Its answer held a secret, which is "
    "shown only once: if it was lost, revoke or rotate it and make a new one.",
}


def settle(record: IdempotentRequest, response, *, keep_answer: bool = True) -> None:
    """Keep the answer for the retries, or free the key if the server failed. An answer
    that holds a secret (``keep_answer=False``) is not stored: a retry gets a 409."""
    if response.status_code >= 500:
        IdempotentRequest.objects.filter(pk=record.pk).delete()
        return
    if not keep_answer and response.status_code < 400:
        record.status, record.body, record.headers = 409, SECRET_NOT_REPEATED, {}
        record.save(update_fields=["status", "body", "headers"])
        return
    record.status = response.status_code
    record.body = getattr(response, "data", None)
    record.headers = {name: response[name] for name in KEPT_HEADERS if response.has_header(name)}
    record.save(update_fields=["status", "body", "headers"])


class IdempotentPosts:
    """Mixed into every API view that takes a POST (a test holds them all to it). A view
    whose answers hold a secret sets ``keeps_answers = False``."""

    keeps_answers = True

    def initial(self, request, *args, **kwargs):
        self._idempotent = None
        super().initial(request, *args, **kwargs)
        if request.method == "POST":
            self._idempotent = claim(request)

    def handle_exception(self, exc):
        try:
            return super().handle_exception(exc)
        except Exception:
            # A server error: nothing was done, the retry runs again.
            record, self._idempotent = getattr(self, "_idempotent", None), None
            if record is not None:
                IdempotentRequest.objects.filter(pk=record.pk).delete()
            raise

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        record = getattr(self, "_idempotent", None)
        if record is not None:
            self._idempotent = None
            settle(record, response, keep_answer=self.keeps_answers)
        return response
