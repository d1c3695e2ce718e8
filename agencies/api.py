"""REST API of the agencies app: me, agencies, task forces. Read-only for now."""

import django_filters
from django.db.models import Q
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, viewsets
from rest_framework.decorators import api_view
from rest_framework.response import Response

from activity.inputs import StrictBooleanFilter
from agencies import access, selectors
from agencies.models import Agency, AgencyKind, Profile, TaskForce, TaskForceMembership


class AgencyRefSerializer(serializers.ModelSerializer):
    """How an agency appears inside other objects."""

    class Meta:
        model = Agency
        fields = ["id", "name", "short_name"]


class ContactSerializer(serializers.ModelSerializer):
    email = serializers.EmailField(source="contact_email")
    phone = serializers.CharField(source="contact_phone")

    class Meta:
        model = Agency
        fields = ["email", "phone", "address", "website"]


class LiaisonSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="user.get_full_name")
    email = serializers.EmailField(source="user.email")

    class Meta:
        model = Profile
        fields = ["name", "title", "email", "phone"]


class TaskForceRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = TaskForce
        fields = ["id", "name", "slug"]


class AgencyMembershipSerializer(serializers.ModelSerializer):
    task_force = TaskForceRefSerializer()

    class Meta:
        model = TaskForceMembership
        fields = ["task_force", "role", "joined_on", "left_on"]


class AgencySerializer(serializers.ModelSerializer):
    """An agency; ``contact`` is null unless the caller's agency shares a task force with it."""

    contact = serializers.SerializerMethodField()

    class Meta:
        model = Agency
        fields = ["id", "name", "short_name", "kind", "jurisdiction", "active", "contact"]

    def _visible(self, agency: Agency) -> bool:
        return access.contacts_visible(self.context["contact_visible_ids"], agency)

    @extend_schema_field(ContactSerializer(allow_null=True))
    def get_contact(self, agency: Agency):
        return ContactSerializer(agency).data if self._visible(agency) else None


class AgencyDetailSerializer(AgencySerializer):
    """An agency with its task force memberships and, if visible, its liaisons."""

    memberships = serializers.SerializerMethodField()
    liaisons = serializers.SerializerMethodField()

    class Meta(AgencySerializer.Meta):
        fields = [*AgencySerializer.Meta.fields, "memberships", "liaisons"]

    @extend_schema_field(AgencyMembershipSerializer(many=True))
    def get_memberships(self, agency: Agency):
        return AgencyMembershipSerializer(selectors.agency_memberships(agency), many=True).data

    @extend_schema_field(LiaisonSerializer(many=True, allow_null=True))
    def get_liaisons(self, agency: Agency):
        if not self._visible(agency):
            return None
        return LiaisonSerializer(selectors.agency_liaisons(agency), many=True).data


class AgencyFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=AgencyKind.choices)
    task_force = django_filters.ModelChoiceFilter(
        queryset=TaskForce.objects.all(),
        method="filter_task_force",
        label="Current members of this task force (id)",
    )
    search = django_filters.CharFilter(method="filter_search", label="Name or short name")
    active = StrictBooleanFilter()

    class Meta:
        model = Agency
        fields = ["kind", "jurisdiction", "active"]

    @extend_schema_field(OpenApiTypes.INT)
    def filter_task_force(self, queryset, name, task_force):
        members = TaskForceMembership.objects.current().filter(task_force=task_force)
        return queryset.filter(pk__in=members.values("agency"))

    def filter_search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(short_name__icontains=value))


class AgencyViewSet(viewsets.ReadOnlyModelViewSet):
    """Every agency in the portal. Contacts and liaisons follow the directory rule."""

    filterset_class = AgencyFilter

    def get_queryset(self):
        return selectors.agency_list()

    def get_serializer_class(self):
        return AgencyDetailSerializer if self.action == "retrieve" else AgencySerializer

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if self.request is not None and self.request.user.is_authenticated:
            context["contact_visible_ids"] = access.contact_visible_agency_ids(self.request.user)
        return context


class MemberSerializer(serializers.ModelSerializer):
    agency = AgencyRefSerializer()

    class Meta:
        model = TaskForceMembership
        fields = ["agency", "role", "joined_on"]


class CoordinatorSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="get_full_name")
    agency = AgencyRefSerializer(source="profile.agency", allow_null=True)


class TaskForceSerializer(serializers.ModelSerializer):
    lead_agency = AgencyRefSerializer()
    member_count = serializers.SerializerMethodField()

    class Meta:
        model = TaskForce
        fields = ["id", "name", "slug", "description", "lead_agency", "time_zone", "member_count"]

    def get_member_count(self, task_force: TaskForce) -> int:
        return len(task_force.current_members)


class TaskForceDetailSerializer(TaskForceSerializer):
    """A task force with its current members and coordinators."""

    members = MemberSerializer(many=True, source="current_members")
    coordinators = CoordinatorSerializer(many=True)

    class Meta(TaskForceSerializer.Meta):
        fields = [*TaskForceSerializer.Meta.fields, "members", "coordinators"]


class TaskForceViewSet(viewsets.ReadOnlyModelViewSet):
    """Task forces and who is in them."""

    def get_queryset(self):
        return selectors.task_force_list()

    def get_serializer_class(self):
        return TaskForceDetailSerializer if self.action == "retrieve" else TaskForceSerializer


class MyTaskForceSerializer(TaskForceRefSerializer):
    role = serializers.CharField(help_text="The role of my agency in this task force.")
    is_coordinator = serializers.BooleanField()

    class Meta(TaskForceRefSerializer.Meta):
        fields = [*TaskForceRefSerializer.Meta.fields, "role", "is_coordinator"]


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    full_name = serializers.CharField(source="get_full_name")
    email = serializers.EmailField()
    is_superuser = serializers.BooleanField()
    agency = AgencyRefSerializer(source="profile.agency", allow_null=True, default=None)
    title = serializers.CharField(source="profile.title", default="")
    profession = serializers.CharField(source="profile.profession", default=None)
    role = serializers.CharField(source="profile.role", default=None)
    is_agency_admin = serializers.BooleanField(source="profile.is_agency_admin", default=False)
    task_forces = serializers.SerializerMethodField()
    calendar_feed_url = serializers.SerializerMethodField(
        help_text="Private iCalendar subscription URL; null until the person creates one on "
        "the calendar page, where it can also be replaced."
    )

    def get_calendar_feed_url(self, user) -> str | None:
        # The feed is the meetings app's; its reverse accessor reads it without importing
        # that app. A person has none until they create one on the calendar page.
        feed = getattr(user, "calendar_feed", None)
        if access.acting_agency(user) is None or feed is None:
            return None
        url = feed.get_absolute_url()
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url

    @extend_schema_field(MyTaskForceSerializer(many=True))
    def get_task_forces(self, user):
        agency = access.acting_agency(user)
        if agency is None:
            return []
        coordinated = set(user.coordinated_task_forces.values_list("pk", flat=True))
        memberships = (
            TaskForceMembership.objects.current()
            .filter(agency=agency)
            .select_related("task_force")
            .order_by("task_force__name")
        )
        return [
            {
                "id": m.task_force.pk,
                "name": m.task_force.name,
                "slug": m.task_force.slug,
                "role": m.role,
                "is_coordinator": m.task_force.pk in coordinated,
            }
            for m in memberships
        ]


@extend_schema(responses=MeSerializer)
@api_view(["GET", "HEAD"])
def me(request):
    """The caller: their account, agency, role in it and task forces."""
    return Response(MeSerializer(request.user, context={"request": request}).data)
