"""Reads of the agencies app; who may see what of them is decided in ``agencies/access.py``."""

from django.conf import settings
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.contrib.contenttypes.models import ContentType
from django.db.models import (
    Case,
    CharField,
    Count,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    TextChoices,
    Value,
    When,
)
from django.db.models.functions import Cast
from django.http import Http404
from django.utils import timezone

from activity.models import AuditRecord
from agencies import access
from agencies.models import (
    Agency,
    AgencyRole,
    ApiToken,
    MembershipRole,
    Profile,
    TaskForce,
    TaskForceMembership,
)
from agencies.webhook_models import DeliveryState, WebhookAttempt, WebhookEndpoint


def agency_list() -> QuerySet[Agency]:
    return Agency.objects.order_by("name")


# Lead first, then members, then affiliates.
ROLE_ORDER = Case(
    When(role=MembershipRole.LEAD, then=Value(0)),
    When(role=MembershipRole.MEMBER, then=Value(1)),
    default=Value(2),
)


def current_memberships() -> QuerySet[TaskForceMembership]:
    return (
        TaskForceMembership.objects.current()
        .select_related("agency")
        .order_by(ROLE_ORDER, "agency__name")
    )


def task_force_list() -> QuerySet[TaskForce]:
    """Task forces with their current members and coordinators, in a fixed number of queries."""
    return (
        TaskForce.objects.select_related("lead_agency")
        .prefetch_related(
            Prefetch("memberships", queryset=current_memberships(), to_attr="current_members"),
            Prefetch("coordinators__profile", queryset=Profile.objects.select_related("agency")),
        )
        .order_by("name")
    )


def task_force_history(task_force: TaskForce) -> QuerySet[TaskForceMembership]:
    """Every membership the task force has had, current and ended, newest first."""
    return task_force.memberships.select_related("agency").order_by("-joined_on", "agency__name")


def agency_memberships(agency: Agency) -> QuerySet[TaskForceMembership]:
    return agency.memberships.select_related("task_force").order_by("-joined_on")


def agency_liaisons(agency: Agency) -> QuerySet[Profile]:
    """The agency's active liaisons: the people other agencies contact."""
    return (
        Profile.objects.filter(agency=agency, role=AgencyRole.LIAISON, user__is_active=True)
        .select_related("user")
        .order_by("user__last_name", "user__first_name")
    )


def user_coordinated_task_forces(user) -> QuerySet[TaskForce]:
    return user.coordinated_task_forces.order_by("name")


def user_task_forces(user) -> QuerySet[TaskForce]:
    """Task forces the user's agency currently belongs to."""
    agency = access.acting_agency(user)
    if agency is None:
        return TaskForce.objects.none()
    member_of = TaskForceMembership.objects.current().filter(agency=agency)
    return TaskForce.objects.filter(pk__in=member_of.values("task_force")).order_by("name")


class PersonStatus(TextChoices):
    """How the people list filters accounts."""

    ACTIVE = "active", "Active"
    INVITED = "invited", "Invited, not yet signed in"
    INACTIVE = "inactive", "Deactivated"


def people_list(user, *, status: str = "", query: str = "") -> QuerySet[Profile]:
    """The people ``user`` manages (none unless an agency admin), by name, with their
    accounts in the same query; ``status`` and ``query`` (name, username, title or e-mail)
    narrow the list."""
    people = access.manageable_people(user).select_related("user")
    invited = Q(user__last_login__isnull=True, user__password__startswith=UNUSABLE_PASSWORD_PREFIX)
    if status == PersonStatus.ACTIVE:
        people = people.filter(user__is_active=True).exclude(invited)
    elif status == PersonStatus.INVITED:
        people = people.filter(invited, user__is_active=True)
    elif status == PersonStatus.INACTIVE:
        people = people.filter(user__is_active=False)
    if query:
        people = people.filter(
            Q(user__first_name__icontains=query)
            | Q(user__last_name__icontains=query)
            | Q(user__username__icontains=query)
            | Q(user__email__icontains=query)
            | Q(title__icontains=query)
        )
    return people.order_by("user__last_name", "user__first_name", "user__username")


class TokenState(TextChoices):
    ACTIVE = "active", "Active"
    EXPIRED = "expired", "Expired"
    REVOKED = "revoked", "Revoked"


def token_list(user, *, state: str = "") -> QuerySet[ApiToken]:
    """The tokens ``user`` manages, newest first, with their last recorded use (when and
    from which address, from the audit trail) in one query."""
    uses = AuditRecord.objects.filter(
        action="token.used",
        target_type=ContentType.objects.get_for_model(ApiToken),
        target_id=Cast(OuterRef("pk"), CharField()),
    ).order_by("-id")
    tokens = (
        access.manageable_tokens(user)
        .select_related("user")
        .annotate(
            used_at=Subquery(uses.values("created_at")[:1]),
            used_from=Subquery(uses.values("ip_address")[:1]),
        )
    )
    now = timezone.now()
    if state == TokenState.REVOKED:
        tokens = tokens.filter(revoked_at__isnull=False)
    elif state == TokenState.EXPIRED:
        tokens = tokens.filter(revoked_at__isnull=True, expires_at__lte=now)
    elif state == TokenState.ACTIVE:
        tokens = tokens.usable()
    return tokens.order_by("-created_at", "-id")


def audit_record_list(user) -> QuerySet[AuditRecord]:
    """The audit records ``user`` may read, newest first, with what a list shows in the same
    query."""
    return (
        access.visible_audit_records(user)
        .select_related("actor", "agency", "target_type")
        .order_by("-id")
    )


def agency_time_zone(agency_id: int) -> str:
    """The zone of the task force ``agency_id`` joined first among its open memberships;
    the portal's default (settings.TIME_ZONE) for an agency in no task force."""
    membership = (
        TaskForceMembership.objects.current()
        .filter(agency_id=agency_id)
        .select_related("task_force")
        .order_by("joined_on", "pk")
        .first()
    )
    return membership.task_force.time_zone if membership is not None else settings.TIME_ZONE


def viewer_time_zone(user) -> str:
    """The zone a person's pages show times in: their own (profile), else their agency's
    (``agency_time_zone``), else the portal's default, which anonymous visitors see too."""
    profile = getattr(user, "profile", None) if user is not None and user.is_authenticated else None
    if profile is None:
        return settings.TIME_ZONE
    return profile.time_zone or agency_time_zone(profile.agency_id)


def webhook_list(user):
    """The endpoints ``user`` manages, each with its latest attempt, in one query."""
    latest = WebhookAttempt.objects.filter(endpoint=OuterRef("pk")).order_by("-id")
    return (
        access.visible_webhooks(user)
        .annotate(
            last_attempt_at=Subquery(latest.values("attempted_at")[:1]),
            last_status_code=Subquery(latest.values("status_code")[:1]),
            last_succeeded=Subquery(latest.values("succeeded")[:1]),
            pending=Count("queue", filter=Q(queue__state=DeliveryState.PENDING)),
        )
        .order_by("id")
    )


def webhook_one(user, pk):
    """One endpoint ``user`` manages, with what ``webhook_list`` adds; 404 otherwise."""
    try:
        return webhook_list(user).get(pk=pk)
    except (WebhookEndpoint.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc


def webhook_attempts(endpoint):
    """The endpoint's delivery log, newest first."""
    return WebhookAttempt.objects.filter(endpoint=endpoint).order_by("-id")
