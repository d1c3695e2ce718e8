"""Tips: recorded, read, triaged (assign, duplicate, close), turned into a case."""

from django.db.models import Q
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from activity.idempotency import IdempotentPosts
from activity.inputs import TextField
from agencies.api import AgencyRefSerializer, TaskForceRefSerializer
from agencies.models import Agency, TaskForce
from cases import access as case_access
from cases.api.cases import CaseSerializer
from cases.api.common import valid
from cases.models import TITLE_MAX_LENGTH, CaseKind
from tips import access, limits, selectors, services
from tips.api_identifiers import (
    IdentifierCreateSerializer,
    IdentifierSerializer,
    NoticeSerializer,
    throttled,
)
from tips.models import (
    CONTACT_MAX_LENGTH,
    REASON_MAX_LENGTH,
    REFERENCE_MAX_LENGTH,
    TIP_FIELD_MAX_LENGTH,
    TIP_IDENTIFIERS_MAX,
    TIP_TEXT_MAX_LENGTH,
    Tip,
    TipSource,
    TipStatus,
)
from tips.services.deconfliction import notice_payloads


class TipSerializer(serializers.ModelSerializer):
    task_force = TaskForceRefSerializer()
    recording_agency = AgencyRefSerializer(allow_null=True)
    assigned_agency = AgencyRefSerializer(allow_null=True)
    identifiers = serializers.SerializerMethodField()
    notices = serializers.SerializerMethodField()
    can_triage = serializers.SerializerMethodField()
    can_open_case = serializers.SerializerMethodField()
    case = serializers.SerializerMethodField(help_text="The case opened from it, if you see it.")

    class Meta:
        model = Tip
        fields = [
            "id",
            "task_force",
            "source",
            "reference",
            "received_at",
            "what",
            "where",
            "when",
            "contact_name",
            "contact_phone",
            "contact_email",
            "status",
            "recording_agency",
            "assigned_agency",
            "duplicate_of",
            "close_reason",
            "case",
            "identifiers",
            "notices",
            "can_triage",
            "can_open_case",
            "created_at",
            "updated_at",
        ]

    def _user(self):
        return self.context["request"].user

    @extend_schema(responses=IdentifierSerializer(many=True))
    def get_identifiers(self, tip) -> list[dict]:
        # Prefetched with their agencies by the list; read as a set either way.
        return IdentifierSerializer(tip.identifiers.all(), many=True).data

    @extend_schema(responses=NoticeSerializer(many=True))
    def get_notices(self, tip) -> list[dict]:
        notices = access.tip_notices(self._user(), tip).select_related("other_agency")
        return NoticeSerializer(notice_payloads(notices), many=True).data

    def get_can_triage(self, tip) -> bool:
        return access.can_triage(self._user(), tip)

    def get_can_open_case(self, tip) -> bool:
        return access.can_open_case(self._user(), tip)

    def get_case(self, tip) -> int | None:
        if tip.case_id and case_access.visible_cases(self._user()).filter(pk=tip.case_id).exists():
            return tip.case_id
        return None


class TipCreateSerializer(serializers.Serializer):
    task_force = serializers.PrimaryKeyRelatedField(queryset=TaskForce.objects.all())
    source = serializers.ChoiceField(choices=TipSource.choices)
    reference = TextField(required=False, allow_blank=True, max_length=REFERENCE_MAX_LENGTH)
    received_at = serializers.DateTimeField(required=False)
    what = TextField(max_length=TIP_TEXT_MAX_LENGTH)
    where = TextField(required=False, allow_blank=True, max_length=TIP_FIELD_MAX_LENGTH)
    when = TextField(required=False, allow_blank=True, max_length=TIP_FIELD_MAX_LENGTH)
    contact_name = TextField(required=False, allow_blank=True, max_length=CONTACT_MAX_LENGTH)
    contact_phone = TextField(required=False, allow_blank=True, max_length=40)
    contact_email = TextField(required=False, allow_blank=True, max_length=254)
    identifiers = IdentifierCreateSerializer(
        many=True, required=False, max_length=TIP_IDENTIFIERS_MAX
    )


class TriageAction:
    ASSIGN, DUPLICATE, CLOSE = "assign", "duplicate", "close"
    CHOICES = [(ASSIGN, "assign"), (DUPLICATE, "duplicate"), (CLOSE, "close")]


class TipTriageSerializer(serializers.Serializer):
    """One triage step: ``assign`` (with ``agency``), ``duplicate`` (with
    ``duplicate_of``) or ``close`` (with ``reason``)."""

    action = serializers.ChoiceField(choices=TriageAction.CHOICES)
    agency = serializers.PrimaryKeyRelatedField(queryset=Agency.objects.all(), required=False)
    duplicate_of = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1)
    reason = TextField(required=False, max_length=REASON_MAX_LENGTH)

    def validate(self, data):
        needed = {"assign": "agency", "duplicate": "duplicate_of", "close": "reason"}[
            data["action"]
        ]
        if needed not in data:
            raise serializers.ValidationError({needed: "This field is required for this action."})
        return data


class TipCaseSerializer(serializers.Serializer):
    title = TextField(required=False, allow_blank=True, max_length=TITLE_MAX_LENGTH)
    kind = serializers.ChoiceField(choices=CaseKind.choices, default=CaseKind.OTHER)


class TipViewSet(IdempotentPosts, viewsets.GenericViewSet):
    """Tips the caller sees: their task forces' (coordinators), recorded by or assigned to
    their agency."""

    serializer_class = TipSerializer
    lookup_value_regex = r"\d+"
    queryset = Tip.objects.none()  # for the schema; reads go through the policy

    def get_queryset(self):
        return selectors.tip_list(self.request.user)

    @extend_schema(
        parameters=[
            OpenApiParameter("status", enum=TipStatus.values, description="Only tips in it.")
        ],
        responses=TipSerializer(many=True),
    )
    def list(self, request):
        wanted = request.query_params.get("status", "")
        if wanted and wanted not in TipStatus.values:
            raise exceptions.ValidationError(
                {"status": f"Choose one of: {', '.join(TipStatus.values)}."}
            )
        tips = selectors.tip_list(request.user, status=wanted).prefetch_related(
            "identifiers__added_agency"
        )
        page = self.paginate_queryset(tips)
        return self.get_paginated_response(self._data(page, many=True))

    def _data(self, tip, **kwargs):
        return TipSerializer(tip, context={"request": self.request}, **kwargs).data

    @extend_schema(request=TipCreateSerializer, responses={201: TipSerializer, 429: None})
    def create(self, request):
        data = valid(TipCreateSerializer, request.data)
        try:
            tip = services.tip_record(actor=request.user, **data)
        except limits.RateLimited as exc:
            raise throttled(exc) from exc
        return Response(self._data(tip), status=status.HTTP_201_CREATED)

    @extend_schema(responses=TipSerializer)
    def retrieve(self, request, pk=None):
        tip = access.tip_for(request.user, pk)
        selectors.tip_record_read(actor=request.user, tip=tip)
        return Response(self._data(tip))

    @extend_schema(request=TipTriageSerializer, responses=TipSerializer)
    def partial_update(self, request, pk=None):
        tip = access.tip_for(request.user, pk)
        data = valid(TipTriageSerializer, request.data)
        if data["action"] == TriageAction.ASSIGN:
            tip = services.tip_assign(actor=request.user, tip=tip, agency=data["agency"])
        elif data["action"] == TriageAction.DUPLICATE:
            other = access.visible_tips(request.user).filter(Q(pk=data["duplicate_of"])).first()
            if other is None:
                raise exceptions.ValidationError({"duplicate_of": "No such tip of yours."})
            tip = services.tip_mark_duplicate(actor=request.user, tip=tip, duplicate_of=other)
        else:
            tip = services.tip_close(actor=request.user, tip=tip, reason=data["reason"])
        return Response(self._data(access.tip_for(request.user, tip.pk)))

    @extend_schema(exclude=True)
    def update(self, request, pk=None):
        raise exceptions.MethodNotAllowed("PUT", detail="Use PATCH to triage a tip.")

    @extend_schema(request=TipCaseSerializer, responses={201: CaseSerializer})
    @action(detail=True, methods=["post"], url_path="case")
    def open_case(self, request, pk=None):
        """Turn the tip into a case of the assigned agency: its text becomes the first note,
        its identifiers the case's."""
        tip = access.tip_for(request.user, pk)
        data = valid(TipCaseSerializer, request.data)
        case = services.tip_open_case(actor=request.user, tip=tip, **data)
        case, level = case_access.case_for(request.user, case.pk)
        return Response(
            CaseSerializer(case, context={"level": level}).data, status=status.HTTP_201_CREATED
        )
