"""The webhook worker's work: claim due deliveries, send each as its agency may see it
now, record what happened (``manage.py deliver_webhooks`` runs it in a loop).

Claims are short transactions: a worker marks a batch of deliveries as its own until a
lease ends, commits, and only then sends. On PostgreSQL concurrent workers skip each other's
locked rows (``SKIP LOCKED``); on SQLite every write transaction takes the database's write
lock at BEGIN (``transaction_mode`` IMMEDIATE), so claims run one after another. Either way
two workers never hold the same delivery at once. A worker that dies leaves its claims to
expire with the lease; the delivery is then sent again (at least once: receivers
deduplicate by event id).
"""

import datetime as dt
import json
import threading
import uuid

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from activity import live
from agencies import services
from agencies.models import DeliveryState, WebhookDelivery
from agencies.webhooks import network, signing

USER_AGENT = "Crossroads-Webhooks/1"


def lease() -> dt.timedelta:
    """Long enough for a whole batch to time out, one delivery after another."""
    per_delivery = 2 * settings.WEBHOOK_TIMEOUT_SECONDS + 2
    return dt.timedelta(seconds=settings.WEBHOOK_BATCH_SIZE * per_delivery + 30)


def _due(now):
    return WebhookDelivery.objects.filter(
        Q(endpoint__retry_at__isnull=True) | Q(endpoint__retry_at__lte=now),
        Q(claimed_until__isnull=True) | Q(claimed_until__lte=now),
        state=DeliveryState.PENDING,
        endpoint__enabled=True,
        endpoint__agency__active=True,
    ).order_by("id")


def claim(*, limit: int) -> tuple[list[int], str]:
    """Take up to ``limit`` due deliveries (oldest first) for this worker."""
    token = uuid.uuid4().hex
    with transaction.atomic():
        now = timezone.now()
        due = _due(now)
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True, of=("self",))
        ids = list(due.values_list("pk", flat=True)[:limit])
        if ids:
            WebhookDelivery.objects.filter(pk__in=ids).update(
                claimed_until=now + lease(), claim=token
            )
    return ids, token


def release(ids: list[int], token: str) -> None:
    """Give claimed deliveries back (a worker told to stop)."""
    WebhookDelivery.objects.filter(pk__in=ids, claim=token).update(claimed_until=None, claim="")


def headers_for(*, secret: str, event_id: int, kind: str, body: bytes, timestamp: int) -> dict:
    return {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-Crossroads-Event-Id": str(event_id),
        "X-Crossroads-Event-Kind": kind,
        "X-Crossroads-Timestamp": str(timestamp),
        "X-Crossroads-Signature": signing.signature_header(secret, timestamp, body),
    }


def send(delivery_id: int, token: str) -> str:
    """Send one claimed delivery; returns what became of it (``sent``, ``failed``,
    ``withheld`` or ``skipped``)."""
    delivery = (
        WebhookDelivery.objects.select_related("endpoint__agency", "event")
        .filter(pk=delivery_id, claim=token, state=DeliveryState.PENDING)
        .first()
    )
    if delivery is None:
        return "skipped"
    endpoint, now = delivery.endpoint, timezone.now()
    if (
        not endpoint.enabled
        or not endpoint.agency.active
        or (endpoint.retry_at is not None and endpoint.retry_at > now)
    ):
        # Disabled, or failing since the batch was claimed: wait for the next turn.
        release([delivery_id], token)
        return "skipped"
    # The access policy as it stands now: an agency retracted from the event's audience
    # (a case unshared, a share ended) since it was queued gets nothing.
    if not live.agency_sees(event_id=delivery.event_id, agency_id=endpoint.agency_id):
        services.webhook_withhold(delivery=delivery)
        return "withheld"
    body = json.dumps(live.frame(delivery.event), separators=(",", ":")).encode()
    timestamp = int(now.timestamp())
    try:
        secret = signing.decrypt(endpoint.secret_encrypted)
    except signing.UnreadableSecret as error:
        answer = network.Answer(None, "", str(error), 0)
    else:
        headers = headers_for(
            secret=secret,
            event_id=delivery.event_id,
            kind=delivery.event.kind,
            body=body,
            timestamp=timestamp,
        )
        answer = network.post(endpoint.url, body, headers)
    attempt = services.webhook_attempt_record(
        delivery=delivery, claim=token, answer=answer, attempted_at=now
    )
    return "sent" if attempt.succeeded else "failed"


def deliver_due(*, limit: int | None = None, stop: threading.Event | None = None) -> int:
    """Claim one batch and send it; returns how many deliveries were claimed."""
    ids, token = claim(limit=limit or settings.WEBHOOK_BATCH_SIZE)
    for index, delivery_id in enumerate(ids):
        if stop is not None and stop.is_set():
            release(ids[index:], token)
            break
        send(delivery_id, token)
    return len(ids)
