"""Member agencies, the task forces they form, and the people who work in them."""

import ipaddress
import zoneinfo

from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import formats, timezone

from activity.clock import policy_today
from activity.models import AuditRecord
from agencies.jurisdictions import Jurisdiction

short_name_validator = RegexValidator(
    r"^[A-Z][A-Z0-9]{1,15}$",
    "A short name is 2 to 16 capital letters or digits, starting with a letter (e.g. KCPD).",
)


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"{value!r} is not a known IANA time zone (e.g. America/Chicago).")


class AgencyKind(models.TextChoices):
    FEDERAL = "federal", "Federal"
    STATE = "state", "State"
    COUNTY = "county", "County"
    MUNICIPAL = "municipal", "Municipal"
    TRIBAL = "tribal", "Tribal"
    PROSECUTOR = "prosecutor", "Prosecutor"
    NONPROFIT = "nonprofit", "Nonprofit"
    MEDICAL = "medical", "Medical"
    OTHER = "other", "Other"


class Agency(models.Model):
    """An organisation that takes part in task forces: a department, an office, a nonprofit.

    Each agency owns exactly one auth ``Group``, created with it; object permissions (a
    case shared with the agency, for example) are granted to that group. Deactivating an
    agency stops its people from logging in or using their tokens.
    """

    name = models.CharField(max_length=200, unique=True)
    short_name = models.CharField(max_length=16, unique=True, validators=[short_name_validator])
    kind = models.CharField(max_length=16, choices=AgencyKind.choices)
    jurisdiction = models.CharField(max_length=2, choices=Jurisdiction.choices, blank=True)
    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(max_length=40, blank=True)
    # Text fields get their limit as a validator too: a TextField's max_length alone is
    # only a form hint, and services validate with full_clean.
    address = models.TextField(blank=True, max_length=500, validators=[MaxLengthValidator(500)])
    website = models.URLField(blank=True)
    active = models.BooleanField(default=True)
    group = models.OneToOneField(Group, on_delete=models.PROTECT, related_name="agency")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"

    def __str__(self) -> str:
        return f"{self.name} ({self.short_name})"

    def get_absolute_url(self) -> str:
        return reverse("agency-detail", args=[self.pk])


case_prefix_validator = RegexValidator(
    r"^[A-Z][A-Z0-9]{1,11}$",
    "A case prefix is 2 to 12 capital letters or digits, starting with a letter (e.g. FBIKC).",
)


class TaskForce(models.Model):
    """A standing partnership of agencies, led by one of them and run by coordinators.

    ``case_prefix`` starts the readable numbers of the task force's cases (FBIKC-2026-0042).
    """

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=64, unique=True)
    case_prefix = models.CharField(max_length=12, unique=True, validators=[case_prefix_validator])
    description = models.TextField(
        blank=True, max_length=2000, validators=[MaxLengthValidator(2000)]
    )
    lead_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="led_task_forces"
    )
    time_zone = models.CharField(
        max_length=64, default="America/Chicago", validators=[validate_time_zone]
    )
    coordinators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="coordinated_task_forces"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("task-force-detail", args=[self.slug])


class MembershipRole(models.TextChoices):
    LEAD = "lead", "Lead"
    MEMBER = "member", "Member"
    AFFILIATE = "affiliate", "Affiliate"


class MembershipQuerySet(models.QuerySet):
    def current(self, on=None):
        """Memberships in force on a date (today by default)."""
        on = on or policy_today()
        return self.filter(joined_on__lte=on).filter(Q(left_on__isnull=True) | Q(left_on__gt=on))


class TaskForceMembership(models.Model):
    """An agency's membership in a task force, from ``joined_on`` until ``left_on``.

    Ending a membership sets ``left_on`` and keeps the row, so the history of who was in
    the task force when stays. An agency has at most one open membership per task force.
    """

    task_force = models.ForeignKey(TaskForce, on_delete=models.CASCADE, related_name="memberships")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(max_length=16, choices=MembershipRole.choices)
    joined_on = models.DateField()
    left_on = models.DateField(null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["task_force", "agency__name", "-joined_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["task_force", "agency"],
                condition=Q(left_on__isnull=True),
                name="one_open_membership_per_agency",
                violation_error_message="This agency is already a member of the task force.",
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=models.F("joined_on")),
                name="membership_ends_after_it_starts",
                violation_error_message="A membership cannot end before it starts.",
            ),
        ]
        indexes = [models.Index(fields=["agency", "task_force"], name="membership_by_agency")]

    def __str__(self) -> str:
        return f"{self.agency.short_name} in {self.task_force} ({self.get_role_display()})"

    @property
    def is_current(self) -> bool:
        today = policy_today()
        return self.joined_on <= today and (self.left_on is None or self.left_on > today)


class Profession(models.TextChoices):
    LAW_ENFORCEMENT = "law_enforcement_officer", "Law enforcement officer"
    PROSECUTOR = "prosecutor", "Prosecutor"
    PROBATION_PAROLE = "probation_parole_officer", "Probation and parole officer"
    ANALYST = "analyst", "Analyst"
    ADVOCATE = "advocate", "Advocate"
    FIRST_RESPONDER = "first_responder", "First responder"
    MEDICAL = "medical_professional", "Medical professional"
    OTHER = "other", "Other"


class AgencyRole(models.TextChoices):
    LIAISON = "liaison", "Liaison"
    MEMBER = "member", "Member"
    OBSERVER = "observer", "Observer"


class Profile(models.Model):
    """A person's place in the portal: exactly one agency, and their role in it.

    The profession decides eligibility for trainings; the role in the agency decides what
    the person may do for it (liaisons answer for their agency); agency admins manage
    their agency's people and read its audit trail.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="people")
    title = models.CharField(max_length=120, blank=True)
    profession = models.CharField(max_length=32, choices=Profession.choices)
    phone = models.CharField(max_length=40, blank=True)
    role = models.CharField(max_length=16, choices=AgencyRole.choices, default=AgencyRole.MEMBER)
    is_agency_admin = models.BooleanField(default=False)
    time_zone = models.CharField(
        max_length=64,
        blank=True,
        validators=[validate_time_zone],
        help_text="Blank: the times of your task force's zone.",
    )

    class Meta:
        ordering = ["agency__name", "user__last_name", "user__first_name"]
        indexes = [models.Index(fields=["agency", "role"], name="profile_agency_role")]

    def __str__(self) -> str:
        return f"{self.user.get_full_name() or self.user.get_username()} ({self.agency.short_name})"


class TokenScope(models.TextChoices):
    READ = "read", "Read only"
    WRITE = "write", "Read and write"


class ApiTokenQuerySet(models.QuerySet):
    def usable(self):
        now = timezone.now()
        return self.filter(revoked_at__isnull=True).filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=now)
        )


class ApiToken(models.Model):
    """A bearer token an integration uses on behalf of a person.

    Only the SHA-256 digest of the secret is stored: the secret is shown once, when the
    token is issued. The secret has 256 bits of entropy, so a fast digest is enough;
    a slow password hash would only slow every API call.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100, help_text="What the token is for, e.g. 'RMS sync'.")
    prefix = models.CharField(
        max_length=12, help_text="The first characters, to tell tokens apart."
    )
    digest = models.CharField(max_length=64, unique=True)
    scope = models.CharField(max_length=8, choices=TokenScope.choices, default=TokenScope.READ)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    # Networks (CIDR) the token may be used from; empty: any address.
    allowed_networks = models.JSONField(default=list, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def last_use(self) -> AuditRecord | None:
        """The latest recorded use (when, from which address): uses are audited, at most
        one record every few minutes, so reads stay free of other writes."""
        return (
            AuditRecord.objects.filter(
                action="token.used",
                target_type=ContentType.objects.get_for_model(self),
                target_id=str(self.pk),
            )
            .order_by("-id")
            .first()
        )

    @property
    def last_used_at(self):
        record = self.last_use()
        return record.created_at if record is not None else None

    @property
    def state(self) -> str:
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at is not None and self.expires_at <= timezone.now():
            return "expired"
        return "active"

    def allows_address(self, address: str | None) -> bool:
        """Whether the token may be used from ``address``: any address when it names no
        networks; otherwise only from inside one of them (an unknown address never)."""
        if not self.allowed_networks:
            return True
        try:
            ip = ipaddress.ip_address(address or "")
        except ValueError:
            return False
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped  # a dual-stack listener's view of an IPv4 client
        return any(ip in ipaddress.ip_network(net) for net in self.allowed_networks)


class AccountLock(models.Model):
    """An account locked after repeated failed sign-ins (CJIS 5.5.3).

    Keyed by the username that was tried, whether or not such an account exists, so that a
    lock tells nothing about existence. It holds until the person's agency admin or a
    superuser lifts it (``account_unlock``); the failures themselves are django-axes' records.
    """

    username = models.CharField(max_length=255, unique=True)
    locked_at = models.DateTimeField(default=timezone.now)
    ip_address = models.GenericIPAddressField(
        null=True, blank=True, help_text="The address of the failure that locked the account."
    )

    class Meta:
        ordering = ["-locked_at"]

    def __str__(self) -> str:
        locked = formats.date_format(timezone.localtime(self.locked_at), "SHORT_DATETIME_FORMAT")
        return f"{self.username} (locked {locked})"


# Webhook endpoints, their queue and their delivery log live in their own module.
from agencies.webhook_models import (  # noqa: E402, F401
    DeliveryState,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
)
