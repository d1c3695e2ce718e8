"""The audit trail: who did what, for which agency, on which object, when, from where."""

import datetime as dt

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone

from activity.inert import inert


class AppendOnlyError(Exception):
    """Raised on any attempt to change or remove an audit record."""


class AuditOutcome(models.TextChoices):
    SUCCESS = "success", "Success"
    # Tried and did not happen: a wrong password, a bad token.
    FAILURE = "failure", "Failure"
    # Refused by the access policy: an object the caller may not see, a trail they may not read.
    DENIED = "denied", "Denied"


class AuditRecordQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Audit records are append-only.")

    def delete(self):
        raise AppendOnlyError("Audit records are append-only.")


class AuditRecord(models.Model):
    """One entry of the append-only, hash-chained audit trail.

    ``agency`` is the actor's agency at the time of the action, kept even if the person
    later moves; ``target_*`` name the object acted on, with its text at the time so the
    record stays readable after the object changes (a denied request names only the id
    asked for). Text is stored inert (``activity.inert``).

    A record is inserted unsealed and sealed once its transaction commits
    (``activity.chain``): ``seq`` is then its position in the chain, ``prev_hash`` the hash
    of the record before it and ``hash`` the SHA-256 of ``prev_hash`` and its fields.
    Changing, removing, inserting or moving a sealed record breaks the chain, which
    ``manage.py verify_audit`` reports. Sealing is the one update a record takes.
    """

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="audit_records",
        help_text="Empty for actions of the system itself (seeding, scheduled expiry).",
    )
    agency = models.ForeignKey(
        "agencies.Agency",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="audit_records",
    )
    action = models.CharField(max_length=64, db_index=True)
    outcome = models.CharField(
        max_length=8, choices=AuditOutcome.choices, default=AuditOutcome.SUCCESS
    )
    target_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    target_id = models.CharField(max_length=64, blank=True)
    target_repr = models.CharField(max_length=255, blank=True)
    changes = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    seq = models.PositiveBigIntegerField(
        null=True, blank=True, help_text="The position in the chain; empty until sealed."
    )
    # NULL, not "", until sealed: the unique prev_hash compares sealed records only.
    prev_hash = models.CharField(  # noqa: DJ001
        max_length=64, null=True, blank=True, help_text="The hash of the record before."
    )
    hash = models.CharField(  # noqa: DJ001
        max_length=64, null=True, blank=True, help_text="SHA-256 of prev_hash and this record."
    )

    objects = AuditRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["agency", "-id"], name="audit_agency_recent"),
            models.Index(fields=["target_type", "target_id"], name="audit_target"),
            # The filters of the agency admins' search, each within their agency.
            models.Index(fields=["agency", "action", "-id"], name="audit_agency_action"),
            models.Index(fields=["agency", "actor", "-id"], name="audit_agency_actor"),
            models.Index(fields=["agency", "outcome", "-id"], name="audit_agency_outcome"),
            models.Index(fields=["agency", "created_at"], name="audit_agency_time"),
            # What the next seal picks up: usually nothing, a few records at most.
            models.Index(
                fields=["id"], condition=models.Q(hash__isnull=True), name="audit_unsealed"
            ),
        ]
        constraints = [
            # Two records after the same one, or at the same position, would fork the chain:
            # seals are serialised (activity.chain), and the database refuses a fork should
            # that ever fail. Unsealed records (NULL) are not compared.
            models.UniqueConstraint(fields=["prev_hash"], name="audit_chain_no_fork"),
            models.UniqueConstraint(fields=["seq"], name="audit_chain_one_position"),
            # A record is sealed whole or not at all.
            models.CheckConstraint(
                condition=(
                    models.Q(seq__isnull=True, prev_hash__isnull=True, hash__isnull=True)
                    | models.Q(seq__isnull=False, prev_hash__isnull=False, hash__isnull=False)
                ),
                name="audit_sealed_whole",
            ),
        ]

    def __str__(self) -> str:
        # One line per record whatever the text held (older records were stored as sent).
        who = self.actor.get_username() if self.actor_id else "system"
        at = self.created_at.astimezone(dt.UTC)
        line = f"{at:%Y-%m-%d %H:%M:%S}Z {who} {self.action} {self.outcome}"
        return inert(f"{line} {self.target_repr}".rstrip())

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("Audit records are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Audit records are append-only.")


class Event(models.Model):
    """One thing that happened, for the agencies (and people) in its audience.

    The id is monotonic: clients resume with ``?since=<id>``. ``subject_key`` names what
    the event is about (``cases.case:12``) and ``detail_key`` a part of it
    (``cases.note:45``): when access to either is taken away, the agency is retracted from
    the audience of its past events, so replay needs no knowledge of the domain.
    """

    created_at = models.DateTimeField(auto_now_add=True)
    kind = models.CharField(max_length=40)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    subject_key = models.CharField(max_length=80)
    detail_key = models.CharField(max_length=80, blank=True)
    payload = models.JSONField(default=dict, encoder=DjangoJSONEncoder)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["subject_key"], name="event_subject"),
            models.Index(fields=["detail_key"], name="event_detail"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.kind} {self.subject_key}"


class EventAudience(models.Model):
    """One recipient of an event: an agency (everyone in it) or a single person.

    ``until`` bounds replay for an agency whose access is a dated share: from the day after
    it, replay skips the event without anything having to run at midnight."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="audience")
    agency = models.ForeignKey(
        "agencies.Agency", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    until = models.DateField(
        null=True,
        blank=True,
        help_text="Last day the recipient may replay the event (the end of a dated share).",
    )

    class Meta:
        indexes = [
            models.Index(fields=["agency", "event"], name="audience_agency_event"),
            models.Index(fields=["user", "event"], name="audience_user_event"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(agency__isnull=False) | models.Q(user__isnull=False),
                name="audience_names_someone",
            )
        ]

    def __str__(self) -> str:
        return f"{self.event_id} → {self.agency_id or self.user_id}"


class IdempotentRequest(models.Model):
    """A POST sent with an ``Idempotency-Key``: what it asked (a digest of its method, path
    and body) and what it answered, so that a retry gets the same answer and creates
    nothing new (activity/idempotency.py). ``status`` is empty while the first request
    runs. Keys are the sender's own: two people may use the same one."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    status = models.PositiveSmallIntegerField(null=True, blank=True)
    body = models.JSONField(null=True, blank=True, encoder=DjangoJSONEncoder)
    headers = models.JSONField(default=dict, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="one_request_per_key"),
        ]
        indexes = [
            models.Index(fields=["user", "created_at"], name="idempotency_user_time"),
            # The sweep of keys past their day.
            models.Index(fields=["created_at"], name="idempotency_time"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.key} → {self.status or 'running'}"
