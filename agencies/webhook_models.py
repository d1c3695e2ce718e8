"""Webhooks: the HTTPS endpoints an agency's admins register, the deliveries waiting for
them and the log of every attempt (README, "Webhooks")."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class WebhookEndpoint(models.Model):
    """An HTTPS address that hears about the agency's events of the chosen kinds.

    The signing secret is stored encrypted with a key derived from ``SECRET_KEY``
    (``agencies.webhooks.signing``): it must be readable to sign each delivery, so a digest
    would not do. ``retry_at`` and ``failures`` belong to the endpoint, not to one delivery:
    an endpoint that is down is tried once per backoff step, whatever its backlog, and
    ``failing_since`` (the first failure of the current run) decides disabling.
    """

    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.CASCADE, related_name="webhook_endpoints"
    )
    url = models.URLField(max_length=500)
    description = models.CharField(max_length=200, blank=True)
    kinds = models.JSONField(default=list, help_text="The event kinds sent to the endpoint.")
    secret_encrypted = models.TextField()
    secret_prefix = models.CharField(max_length=12, help_text="To tell secrets apart.")
    enabled = models.BooleanField(default=True)
    disabled_reason = models.CharField(max_length=300, blank=True)
    failures = models.PositiveIntegerField(default=0, help_text="Consecutive failed attempts.")
    failing_since = models.DateTimeField(null=True, blank=True)
    retry_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    secret_rotated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["agency", "id"]
        indexes = [models.Index(fields=["agency", "enabled"], name="webhook_agency_enabled")]

    def __str__(self) -> str:
        return self.url


class DeliveryState(models.TextChoices):
    PENDING = "pending", "Pending"
    DELIVERED = "delivered", "Delivered"
    # The agency no longer sees the event (access taken away, a dated share ended): nothing
    # was or will be sent.
    WITHHELD = "withheld", "Withheld"


class WebhookDelivery(models.Model):
    """One event owed to one endpoint: queued in the transaction that stored the event
    (``activity.live.published``), so no committed event is missed whatever order
    concurrent transactions commit in. A worker claims it until ``claimed_until``."""

    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="queue")
    event = models.ForeignKey("activity.Event", on_delete=models.CASCADE, related_name="+")
    state = models.CharField(
        max_length=10, choices=DeliveryState.choices, default=DeliveryState.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    claimed_until = models.DateTimeField(null=True, blank=True)
    claim = models.CharField(max_length=32, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["endpoint", "event"], name="webhook_one_delivery")
        ]
        indexes = [
            models.Index(
                fields=["endpoint", "id"],
                condition=Q(state="pending"),
                name="webhook_pending",
            )
        ]

    def __str__(self) -> str:
        return f"event {self.event_id} → {self.endpoint_id} ({self.state})"


class WebhookAttempt(models.Model):
    """One POST to an endpoint, or one refused before it was sent (an address the policy
    forbids): the endpoint's delivery log. Only a short excerpt of the answer is kept."""

    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="attempts")
    delivery = models.ForeignKey(
        WebhookDelivery, null=True, on_delete=models.SET_NULL, related_name="log"
    )
    event_id = models.BigIntegerField()
    event_kind = models.CharField(max_length=40)
    attempted_at = models.DateTimeField(default=timezone.now)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)
    succeeded = models.BooleanField(default=False)
    error = models.CharField(max_length=300, blank=True)
    response_excerpt = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["endpoint", "-id"], name="webhook_attempt_log")]

    def __str__(self) -> str:
        return f"{self.attempted_at:%Y-%m-%d %H:%M:%S} event {self.event_id}: {self.status_code}"
