"""Cases, who has access to them, and who read them."""

from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from activity.conditional import IF_MATCH, etag, if_match
from activity.idempotency import IdempotentPosts
from activity.inputs import TextField
from agencies.api import AgencyRefSerializer, TaskForceRefSerializer
from agencies.models import Agency, TaskForce
from cases import access, selectors, services
from cases.api.common import NotesCursorPagination, PersonRefSerializer, valid
from cases.filters import CaseFilter, for_paging
from cases.models import (
    PURPOSE_MAX_LENGTH,
    REASON_MAX_LENGTH,
    SUMMARY_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    AccessLevel,
    Case,
    CaseKind,
    CasePriority,
    CaseStatus,
    OutcomeKind,
    TraffickingType,
)


class OutcomeTotalField(serializers.IntegerField):
    """A total of the case's outcome records that stand, of the kind the field is named
    after, from the ``totals`` the view read for the page in one query."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, **kwargs)

    def get_attribute(self, case):
        return self.parent.context.get("totals", {}).get(case.pk, {}).get(self.field_name, 0)


class CaseSerializer(serializers.ModelSerializer):
    task_force = TaskForceRefSerializer()
    lead_agency = AgencyRefSerializer()
    my_level = serializers.SerializerMethodField(help_text="The caller's agency's access level.")
    last_note_at = serializers.DateTimeField(read_only=True, allow_null=True, required=False)
    # Totals of the case's dated outcome records that stand (``/cases/{id}/outcomes/``).
    victims_identified = OutcomeTotalField()
    victims_referred = OutcomeTotalField()
    arrests = OutcomeTotalField()
    charges_filed = OutcomeTotalField()
    prosecutions = OutcomeTotalField()
    convictions = OutcomeTotalField()

    class Meta:
        model = Case
        fields = [
            "id",
            "number",
            "title",
            "kind",
            "summary",
            "priority",
            "status",
            "status_changed_at",
            "task_force",
            "lead_agency",
            "trafficking_type",
            "victims_identified",
            "victims_referred",
            "arrests",
            "charges_filed",
            "prosecutions",
            "convictions",
            "created_at",
            "updated_at",
            "last_note_at",
            "my_level",
        ]

    def get_my_level(self, case) -> str | None:
        levels = self.context.get("levels", {})
        return levels.get(case.pk) or self.context.get("level")

    def to_representation(self, case) -> dict:
        """The fields above, written out: DRF's walk over declared fields took 10 ms for a
        page of 50 cases, a third of the list's time (benchmark). The declared fields still
        describe it in the schema; a test holds both to the same output."""
        moment = _DATETIME.to_representation
        totals = self.context.get("totals", {}).get(case.pk, {})
        return {
            "id": case.pk,
            "number": case.number,
            "title": case.title,
            "kind": case.kind,
            "summary": case.summary,
            "priority": case.priority,
            "status": case.status,
            "status_changed_at": moment(case.status_changed_at),
            "task_force": _ref(case.task_force, "id", "name", "slug"),
            "lead_agency": _ref(case.lead_agency, "id", "name", "short_name"),
            "trafficking_type": case.trafficking_type,
            **{kind: totals.get(kind, 0) for kind in OutcomeKind.values},
            "created_at": moment(case.created_at),
            "updated_at": moment(case.updated_at),
            "last_note_at": moment(getattr(case, "last_note_at", None)),
            "my_level": self.get_my_level(case),
        }


# Formats every time of a case as a declared DateTimeField does.
_DATETIME = serializers.DateTimeField()


def _ref(obj, *names) -> dict:
    return {name: getattr(obj, name) for name in names}


class CaseCreateSerializer(serializers.Serializer):
    title = TextField(max_length=TITLE_MAX_LENGTH)
    task_force = serializers.PrimaryKeyRelatedField(queryset=TaskForce.objects.all())
    kind = serializers.ChoiceField(choices=CaseKind.choices)
    summary = TextField(required=False, allow_blank=True, default="", max_length=SUMMARY_MAX_LENGTH)
    priority = serializers.ChoiceField(choices=CasePriority.choices, default=CasePriority.NORMAL)


class CaseUpdateSerializer(serializers.Serializer):
    title = TextField(max_length=TITLE_MAX_LENGTH, required=False)
    kind = serializers.ChoiceField(choices=CaseKind.choices, required=False)
    summary = TextField(required=False, allow_blank=True, max_length=SUMMARY_MAX_LENGTH)
    priority = serializers.ChoiceField(choices=CasePriority.choices, required=False)
    status = serializers.ChoiceField(choices=CaseStatus.choices, required=False)
    status_reason = TextField(required=False, allow_blank=True, max_length=REASON_MAX_LENGTH)
    trafficking_type = serializers.ChoiceField(choices=TraffickingType.choices, required=False)


class CaseViewSet(IdempotentPosts, viewsets.GenericViewSet):
    """Cases the caller's agency was given. Opening a case makes the agency its lead."""

    filterset_class = CaseFilter
    serializer_class = CaseSerializer
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return selectors.case_list(self.request.user).order_by(*selectors.CASE_ORDERINGS["updated"])

    @extend_schema(responses=CaseSerializer(many=True))
    def list(self, request):
        cases = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(for_paging(request.user, cases, request.query_params))
        levels = {case.pk: case.access_level for case in page}
        totals = selectors.outcome_totals([case.pk for case in page])
        return self.get_paginated_response(
            CaseSerializer(page, many=True, context={"levels": levels, "totals": totals}).data
        )

    @extend_schema(request=CaseCreateSerializer, responses={201: CaseSerializer})
    def create(self, request):
        data = valid(CaseCreateSerializer, request.data)
        case = services.case_open(actor=request.user, **data)
        case, level = access.case_for(request.user, case.pk)
        return self._one(case, level, status.HTTP_201_CREATED)

    def _one(self, case, level, status_code=status.HTTP_200_OK) -> Response:
        totals = selectors.outcome_totals([case.pk])
        data = CaseSerializer(case, context={"level": level, "totals": totals}).data
        return Response(data, status=status_code, headers={"ETag": etag(case.version, data)})

    @extend_schema(responses=CaseSerializer)
    def retrieve(self, request, pk=None):
        case, level = access.case_for(request.user, pk, queryset=self.get_queryset())
        services.case_record_read(actor=request.user, case=case)
        return self._one(case, level)

    @extend_schema(request=CaseUpdateSerializer, responses=CaseSerializer, parameters=[IF_MATCH])
    def partial_update(self, request, pk=None):
        case, _ = access.case_for(request.user, pk)
        data = valid(CaseUpdateSerializer, request.data)
        new_status = data.pop("status", None)
        reason = data.pop("status_reason", "")
        # The version is checked once, by the first change: the second sees the first's.
        expected = if_match(request)
        with transaction.atomic():
            if data:
                case = services.case_update(
                    actor=request.user, case=case, if_match=expected, **data
                )
                expected = None
            if new_status:
                case = services.case_change_status(
                    actor=request.user,
                    case=case,
                    status=new_status,
                    reason=reason,
                    if_match=expected,
                )
        case, level = access.case_for(request.user, pk, queryset=self.get_queryset())
        return self._one(case, level)

    @extend_schema(request=None, responses=None, exclude=True)
    def update(self, request, pk=None):
        raise exceptions.MethodNotAllowed("PUT", detail="Use PATCH to change a case.")


class ShareSerializer(serializers.Serializer):
    agency = AgencyRefSerializer()
    level = serializers.ChoiceField(choices=AccessLevel.choices)
    purpose = serializers.CharField()
    expires_on = serializers.DateField(allow_null=True)
    granted_by = PersonRefSerializer(allow_null=True)
    granted_at = serializers.DateTimeField()


class ShareCreateSerializer(serializers.Serializer):
    agency = serializers.PrimaryKeyRelatedField(queryset=Agency.objects.all())
    level = serializers.ChoiceField(choices=AccessLevel.choices)
    purpose = TextField(max_length=PURPOSE_MAX_LENGTH)
    expires_on = serializers.DateField(required=False, allow_null=True)


class CaseAccessView(IdempotentPosts, APIView):
    """Who has access to a case (any agency that sees it); sharing (managing agencies)."""

    @extend_schema(responses=ShareSerializer(many=True))
    def get(self, request, pk):
        case, _ = access.case_for(request.user, pk)
        return Response(ShareSerializer(selectors.active_shares(case), many=True).data)

    @extend_schema(request=ShareCreateSerializer, responses={201: ShareSerializer})
    def post(self, request, pk):
        case, _ = access.case_for(request.user, pk, need=AccessLevel.MANAGE)
        share = services.case_share(
            actor=request.user, case=case, **valid(ShareCreateSerializer, request.data)
        )
        return Response(ShareSerializer(share).data, status=status.HTTP_201_CREATED)


class CaseAccessRevokeView(APIView):
    @extend_schema(responses={204: None})
    def delete(self, request, pk, agency_id):
        case, _ = access.case_for(request.user, pk, need=AccessLevel.MANAGE)
        agency = Agency.objects.filter(pk=agency_id).first()
        if agency is None:
            raise exceptions.NotFound()
        services.case_unshare(actor=request.user, case=case, agency=agency)
        return Response(status=status.HTTP_204_NO_CONTENT)


class AccessReportSerializer(serializers.Serializer):
    at = serializers.DateTimeField(source="created_at")
    person = PersonRefSerializer(source="actor", allow_null=True)
    agency = AgencyRefSerializer(allow_null=True)
    notes = serializers.SerializerMethodField()
    ip_address = serializers.IPAddressField(allow_null=True)

    def get_notes(self, record) -> list[int]:
        readable = self.context["readable_note_ids"]
        return [n for n in record.changes.get("notes", []) if n in readable]


class CaseAccessReportView(APIView):
    """Who read the case and which notes, when (managing agencies only)."""

    # Newest first, by cursor; named here so that the schema documents the page.
    pagination_class = NotesCursorPagination

    @extend_schema(responses=AccessReportSerializer(many=True))
    def get(self, request, pk):
        case, _ = access.case_for(request.user, pk, need=AccessLevel.MANAGE)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(selectors.case_access_report(case), request, self)
        readable = set(access.visible_notes(request.user, case).values_list("pk", flat=True))
        return paginator.get_paginated_response(
            AccessReportSerializer(page, many=True, context={"readable_note_ids": readable}).data
        )
