"""Webhook endpoints: registration, changes, secrets, and what a delivery leaves behind.

An agency admin registers, changes, rotates and deletes the endpoints of their own agency
(``agencies.access.can_manage_webhook``); the worker (``agencies.webhooks.delivery``)
records its attempts here and the endpoint is disabled, with a notice to the agency, after
repeated failures. Every change by a person is audited; the secret is never.
"""

import datetime as dt
import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from activity import live
from activity.kinds import EventKind
from activity.services import audit_record
from agencies import access
from agencies.models import (
    DeliveryState,
    Profile,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
)
from agencies.services.changes import apply_changes
from agencies.webhooks import network, signing
from agencies.webhooks.network import Answer

logger = logging.getLogger(__name__)

WEBHOOK_FIELDS = {"url", "description", "kinds", "enabled"}


def _clean_kinds(kinds) -> list[str]:
    if not isinstance(kinds, list | tuple) or not kinds:
        raise ValidationError({"kinds": "Choose at least one event kind."})
    unknown = sorted(set(map(str, kinds)) - set(EventKind.values))
    if unknown:
        raise ValidationError({"kinds": f"Unknown event kinds: {', '.join(unknown)}."})
    return sorted(set(kinds))


def _check_url(url: str) -> None:
    try:
        network.check_destination(url)
    except network.RefusedDestination as error:
        raise ValidationError({"url": str(error)}) from error


def _require(actor, endpoint: WebhookEndpoint) -> None:
    if not access.can_manage_webhook(actor, endpoint):
        raise PermissionDenied("Only your agency's admins manage its webhooks.")


def webhook_create(
    *, actor, url: str, kinds: list[str], description: str = ""
) -> tuple[WebhookEndpoint, str]:
    """Register an endpoint for the actor's agency. Returns it and its signing secret,
    which is shown this once. It hears about events from now on, not about past ones.
    The URL's host is resolved before the write begins: a slow name server must not hold
    the database's write lock."""
    access.require_webhook_manager(actor)
    _check_url(url)
    with transaction.atomic():
        return _webhook_save_new(actor=actor, url=url, kinds=kinds, description=description)


def _webhook_save_new(*, actor, url, kinds, description) -> tuple[WebhookEndpoint, str]:
    agency = access.require_webhook_manager(actor)
    kinds = _clean_kinds(kinds)
    secret = signing.new_secret()
    endpoint = WebhookEndpoint(
        agency=agency,
        url=url,
        description=description,
        kinds=kinds,
        secret_encrypted=signing.encrypt(secret),
        secret_prefix=secret[:12],
        created_by=actor,
    )
    endpoint.full_clean()
    endpoint.save()
    audit_record(
        actor=actor, action="webhook.created", target=endpoint, changes={"url": url, "kinds": kinds}
    )
    return endpoint, secret


def webhook_update(*, actor, endpoint: WebhookEndpoint, **changes) -> WebhookEndpoint:
    """Change the URL, description or kinds, or disable and enable the endpoint. Enabling
    starts afresh: the failures counted so far are forgotten. A new URL's host is
    resolved before the write begins."""
    _require(actor, endpoint)
    if changes.get("url") not in (None, endpoint.url):
        _check_url(changes["url"])
    with transaction.atomic():
        return _webhook_save_changes(actor=actor, endpoint=endpoint, changes=changes)


def _webhook_save_changes(*, actor, endpoint: WebhookEndpoint, changes) -> WebhookEndpoint:
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    if "kinds" in changes:
        changes["kinds"] = _clean_kinds(changes["kinds"])
    diff = apply_changes(endpoint, changes, WEBHOOK_FIELDS)
    if not diff:
        return endpoint
    endpoint.full_clean()
    if "enabled" in diff:
        endpoint.disabled_reason = "" if endpoint.enabled else "Disabled by an agency admin."
        endpoint.failures, endpoint.failing_since, endpoint.retry_at = 0, None, None
    endpoint.save()
    audit_record(actor=actor, action="webhook.updated", target=endpoint, changes=diff)
    return endpoint


@transaction.atomic
def webhook_rotate_secret(*, actor, endpoint: WebhookEndpoint) -> tuple[WebhookEndpoint, str]:
    """Replace the signing secret at once; the new one is returned and shown this once.
    Deliveries from now on are signed with it alone."""
    _require(actor, endpoint)
    secret = signing.new_secret()
    endpoint.secret_encrypted = signing.encrypt(secret)
    endpoint.secret_prefix = secret[:12]
    endpoint.secret_rotated_at = timezone.now()
    endpoint.save(update_fields=["secret_encrypted", "secret_prefix", "secret_rotated_at"])
    audit_record(actor=actor, action="webhook.secret_rotated", target=endpoint)
    return endpoint, secret


@transaction.atomic
def webhook_delete(*, actor, endpoint: WebhookEndpoint) -> None:
    """Delete the endpoint, its queue and its delivery log."""
    _require(actor, endpoint)
    audit_record(
        actor=actor, action="webhook.deleted", target=endpoint, changes={"url": endpoint.url}
    )
    endpoint.delete()


def webhook_queue(*, event, agency_ids) -> int:
    """Queue ``event`` for the enabled endpoints of its audience agencies that chose its
    kind (``activity.live.published``, inside the publishing transaction)."""
    if not agency_ids:
        return 0
    endpoints = WebhookEndpoint.objects.filter(
        agency_id__in=agency_ids, enabled=True, agency__active=True
    ).values_list("pk", "kinds")
    queued = [
        WebhookDelivery(endpoint_id=pk, event=event)
        for pk, kinds in endpoints
        if event.kind in kinds
    ]
    WebhookDelivery.objects.bulk_create(queued)
    return len(queued)


@transaction.atomic
def webhook_withhold(*, delivery: WebhookDelivery) -> None:
    """The agency no longer sees the event: it is never sent (nor logged: the log would
    name an event the agency may not know of)."""
    WebhookDelivery.objects.filter(pk=delivery.pk, state=DeliveryState.PENDING).update(
        state=DeliveryState.WITHHELD, finished_at=timezone.now(), claimed_until=None, claim=""
    )


def retry_delay(failures: int) -> dt.timedelta:
    """Exponential backoff: the base delay, doubled after each consecutive failure, capped."""
    seconds = settings.WEBHOOK_RETRY_BASE_SECONDS * 2 ** max(failures - 1, 0)
    return dt.timedelta(seconds=min(seconds, settings.WEBHOOK_RETRY_MAX_SECONDS))


def _failing_too_long(endpoint: WebhookEndpoint, now) -> str:
    if endpoint.failures >= settings.WEBHOOK_DISABLE_AFTER_FAILURES:
        return f"{endpoint.failures} consecutive deliveries failed."
    window = dt.timedelta(hours=settings.WEBHOOK_DISABLE_AFTER_HOURS)
    if endpoint.failures > 1 and now - endpoint.failing_since >= window:
        return f"Every delivery failed for {settings.WEBHOOK_DISABLE_AFTER_HOURS} hours."
    return ""


@transaction.atomic
def webhook_attempt_record(
    *, delivery: WebhookDelivery, claim: str, answer: Answer, attempted_at
) -> WebhookAttempt:
    """Log one attempt and move the delivery and its endpoint on: delivered, or retried
    after the backoff, or the endpoint disabled after repeated failures."""
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=delivery.endpoint_id)
    now = timezone.now()
    succeeded = answer.status_code is not None and 200 <= answer.status_code < 300
    attempt = WebhookAttempt.objects.create(
        endpoint=endpoint,
        delivery=delivery,
        event_id=delivery.event_id,
        event_kind=delivery.event.kind,
        attempted_at=attempted_at,
        status_code=answer.status_code,
        duration_ms=answer.duration_ms,
        succeeded=succeeded,
        error=answer.error[:300]
        or ("" if succeeded or answer.status_code is None else f"HTTP {answer.status_code}"),
        response_excerpt=answer.excerpt[:200],
    )
    mine = WebhookDelivery.objects.filter(pk=delivery.pk, claim=claim)
    if succeeded:
        mine.update(
            state=DeliveryState.DELIVERED,
            finished_at=now,
            claimed_until=None,
            claim="",
            attempts=delivery.attempts + 1,
        )
        endpoint.failures, endpoint.failing_since, endpoint.retry_at = 0, None, None
        endpoint.save(update_fields=["failures", "failing_since", "retry_at"])
        return attempt
    mine.update(claimed_until=None, claim="", attempts=delivery.attempts + 1)
    endpoint.failures += 1
    endpoint.failing_since = endpoint.failing_since or attempted_at
    endpoint.retry_at = now + retry_delay(endpoint.failures)
    endpoint.save(update_fields=["failures", "failing_since", "retry_at"])
    reason = _failing_too_long(endpoint, now)
    if reason and endpoint.enabled:
        webhook_disable_failing(endpoint=endpoint, reason=reason)
    return attempt


def _mail_admins_of(endpoint: WebhookEndpoint, reason: str) -> None:
    emails = list(
        Profile.objects.filter(
            agency_id=endpoint.agency_id, is_agency_admin=True, user__is_active=True
        )
        .exclude(user__email="")
        .values_list("user__email", flat=True)
    )
    if not emails:
        return
    try:
        send_mail(
            "Crossroads: a webhook endpoint was disabled",
            f"The webhook endpoint {endpoint.url} of {endpoint.agency.short_name} was disabled: "
            f"{reason}\n\nNothing is sent to it until an agency admin enables it again on the "
            "Webhooks page; the deliveries that failed wait for it.",
            None,
            emails,
        )
    except Exception:
        logger.exception("The webhook notice for endpoint %s could not be sent", endpoint.pk)


@transaction.atomic
def webhook_disable_failing(*, endpoint: WebhookEndpoint, reason: str) -> WebhookEndpoint:
    """Disable an endpoint that keeps failing, and say so: an audit record, an event to
    the agency and an e-mail to its admins once the change is committed."""
    endpoint.enabled = False
    endpoint.disabled_reason = reason[:300]
    endpoint.save(update_fields=["enabled", "disabled_reason"])
    audit_record(
        actor=None,
        action="webhook.disabled",
        target=endpoint,
        changes={"reason": reason},
        agency_id=endpoint.agency_id,
    )
    live.publish(
        EventKind.WEBHOOK_DISABLED,
        subject=endpoint,
        payload={"webhook": {"id": endpoint.pk, "url": endpoint.url}, "reason": reason},
        agency_ids=[endpoint.agency_id],
    )
    transaction.on_commit(lambda: _mail_admins_of(endpoint, reason))
    return endpoint
