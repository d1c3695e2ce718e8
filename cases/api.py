"""REST API of cases, sharing and notes. Views are thin: the policy fetches, services write."""

from django.db import transaction
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from activity.pagination import IdCursorPagination
from agencies.api import AgencyRefSerializer, TaskForceRefSerializer
from agencies.models import Agency, TaskForce
from cases import access, selectors, services
from cases.filters import CaseFilter
from cases.models import (
    AccessLevel,
    Case,
    CaseKind,
    CasePriority,
    CaseStatus,
    Note,
    NoteVisibility,
)


class PersonRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.SerializerMethodField()

    def get_name(self, user) -> str:
        return user.get_full_name() or user.get_username()


# Cases


class CaseSerializer(serializers.ModelSerializer):
    task_force = TaskForceRefSerializer()
    lead_agency = AgencyRefSerializer()
    my_level = serializers.SerializerMethodField(help_text="The caller's agency's access level.")
    last_note_at = serializers.DateTimeField(read_only=True, allow_null=True, required=False)

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
            "victims_identified",
            "victims_referred",
            "arrests",
            "charges_filed",
            "created_at",
            "updated_at",
            "last_note_at",
            "my_level",
        ]

    def get_my_level(self, case) -> str | None:
        levels = self.context.get("levels", {})
        return levels.get(case.pk) or self.context.get("level")


class CaseCreateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    task_force = serializers.PrimaryKeyRelatedField(queryset=TaskForce.objects.all())
    kind = serializers.ChoiceField(choices=CaseKind.choices)
    summary = serializers.CharField(required=False, allow_blank=True, default="")
    priority = serializers.ChoiceField(choices=CasePriority.choices, default=CasePriority.NORMAL)


class CaseUpdateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200, required=False)
    kind = serializers.ChoiceField(choices=CaseKind.choices, required=False)
    summary = serializers.CharField(required=False, allow_blank=True)
    priority = serializers.ChoiceField(choices=CasePriority.choices, required=False)
    status = serializers.ChoiceField(choices=CaseStatus.choices, required=False)
    status_reason = serializers.CharField(required=False, allow_blank=True, max_length=500)
    victims_identified = serializers.IntegerField(min_value=0, required=False)
    victims_referred = serializers.IntegerField(min_value=0, required=False)
    arrests = serializers.IntegerField(min_value=0, required=False)
    charges_filed = serializers.IntegerField(min_value=0, required=False)


class CaseViewSet(viewsets.GenericViewSet):
    """Cases the caller's agency was given. Opening a case makes the agency its lead."""

    filterset_class = CaseFilter
    serializer_class = CaseSerializer
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return selectors.case_list(self.request.user).order_by(*selectors.CASE_ORDERINGS["updated"])

    @extend_schema(responses=CaseSerializer(many=True))
    def list(self, request):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        levels = access.agency_levels(request.user, [case.pk for case in page])
        return self.get_paginated_response(
            CaseSerializer(page, many=True, context={"levels": levels}).data
        )

    @extend_schema(request=CaseCreateSerializer, responses={201: CaseSerializer})
    def create(self, request):
        data = _valid(CaseCreateSerializer, request.data)
        case = services.case_open(actor=request.user, **data)
        case, level = access.case_for(request.user, case.pk)
        return Response(
            CaseSerializer(case, context={"level": level}).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(responses=CaseSerializer)
    def retrieve(self, request, pk=None):
        case, level = access.case_for(request.user, pk, queryset=self.get_queryset())
        services.case_record_read(actor=request.user, case=case)
        return Response(CaseSerializer(case, context={"level": level}).data)

    @extend_schema(request=CaseUpdateSerializer, responses=CaseSerializer)
    def partial_update(self, request, pk=None):
        case, _ = access.case_for(request.user, pk)
        data = _valid(CaseUpdateSerializer, request.data)
        new_status = data.pop("status", None)
        reason = data.pop("status_reason", "")
        with transaction.atomic():
            if data:
                case = services.case_update(actor=request.user, case=case, **data)
            if new_status:
                case = services.case_change_status(
                    actor=request.user, case=case, status=new_status, reason=reason
                )
        case, level = access.case_for(request.user, pk, queryset=self.get_queryset())
        return Response(CaseSerializer(case, context={"level": level}).data)

    @extend_schema(request=None, responses=None, exclude=True)
    def update(self, request, pk=None):
        raise exceptions.MethodNotAllowed("PUT", detail="Use PATCH to change a case.")


def _valid(serializer_class, data) -> dict:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


# Sharing


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
    purpose = serializers.CharField(max_length=500)
    expires_on = serializers.DateField(required=False, allow_null=True)


class CaseAccessView(APIView):
    """Who has access to a case (any agency that sees it); sharing (managing agencies)."""

    @extend_schema(responses=ShareSerializer(many=True))
    def get(self, request, pk):
        case, _ = access.case_for(request.user, pk)
        return Response(ShareSerializer(selectors.active_shares(case), many=True).data)

    @extend_schema(request=ShareCreateSerializer, responses={201: ShareSerializer})
    def post(self, request, pk):
        case, _ = access.case_for(request.user, pk, need=AccessLevel.MANAGE)
        share = services.case_share(
            actor=request.user, case=case, **_valid(ShareCreateSerializer, request.data)
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

    @extend_schema(responses=AccessReportSerializer(many=True))
    def get(self, request, pk):
        case, _ = access.case_for(request.user, pk, need=AccessLevel.MANAGE)
        paginator = NotesCursorPagination()
        paginator.ordering = "-id"
        page = paginator.paginate_queryset(selectors.case_access_report(case), request, self)
        readable = set(access.visible_notes(request.user, case).values_list("pk", flat=True))
        return paginator.get_paginated_response(
            AccessReportSerializer(page, many=True, context={"readable_note_ids": readable}).data
        )


# Notes


class NotesCursorPagination(IdCursorPagination):
    """Append-only lists page by cursor, newest first."""

    ordering = "-id"
    page_size = 50
    max_page_size = 200


class NoteSerializer(serializers.ModelSerializer):
    author = PersonRefSerializer()
    author_agency = AgencyRefSerializer()
    restricted_to = AgencyRefSerializer(many=True)
    redacted = serializers.BooleanField(source="is_redacted")

    class Meta:
        model = Note
        fields = [
            "id",
            "case",
            "author",
            "author_agency",
            "body",
            "visibility",
            "restricted_to",
            "version",
            "created_at",
            "updated_at",
            "redacted",
            "redacted_at",
            "redaction_reason",
        ]


class NoteCreateSerializer(serializers.Serializer):
    body = serializers.CharField(allow_blank=True, trim_whitespace=False)
    visibility = serializers.ChoiceField(choices=NoteVisibility.choices, default="case")
    restricted_to = serializers.PrimaryKeyRelatedField(
        queryset=Agency.objects.all(), many=True, required=False, default=list
    )


class NoteUpdateSerializer(serializers.Serializer):
    body = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    visibility = serializers.ChoiceField(choices=NoteVisibility.choices, required=False)
    restricted_to = serializers.PrimaryKeyRelatedField(
        queryset=Agency.objects.all(), many=True, required=False
    )


class NoteRedactSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


class RevisionSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    change = serializers.CharField()
    body = serializers.CharField()
    visibility = serializers.CharField()
    restricted_to = serializers.ListField(child=serializers.IntegerField())
    edited_by = PersonRefSerializer()
    edited_at = serializers.DateTimeField()


def _note_queryset_extras(queryset):
    return queryset.select_related("author", "author_agency").prefetch_related("restricted_to")


class CaseNotesView(APIView):
    """The notes of a case the caller's agency may read, newest first; adding a note."""

    @extend_schema(responses=NoteSerializer(many=True))
    def get(self, request, pk):
        case, _ = access.case_for(request.user, pk)
        paginator = NotesCursorPagination()
        page = paginator.paginate_queryset(
            _note_queryset_extras(access.visible_notes(request.user, case)), request, self
        )
        services.case_record_read(actor=request.user, case=case, note_ids=[n.pk for n in page])
        return paginator.get_paginated_response(NoteSerializer(page, many=True).data)

    @extend_schema(request=NoteCreateSerializer, responses={201: NoteSerializer})
    def post(self, request, pk):
        case, _ = access.case_for(request.user, pk, need=AccessLevel.CONTRIBUTE)
        note = services.note_add(
            actor=request.user, case=case, **_valid(NoteCreateSerializer, request.data)
        )
        response = Response(NoteSerializer(note).data, status=status.HTTP_201_CREATED)
        response["ETag"] = _etag(note)
        return response


def _etag(note: Note) -> str:
    return f'"{note.version}"'


def _if_match_version(request) -> int:
    header = request.headers.get("If-Match")
    if not header:
        raise PreconditionRequired()
    value = header.strip()
    value = value[2:] if value.startswith("W/") else value
    try:
        return int(value.strip('"'))
    except ValueError as exc:
        raise PreconditionRequired(
            'If-Match must carry the ETag of the version you edit, e.g. If-Match: "3".'
        ) from exc


class PreconditionRequired(exceptions.APIException):
    status_code = 428
    default_detail = 'Send If-Match with the note\'s ETag (e.g. If-Match: "3") to change it.'
    default_code = "precondition_required"


class PreconditionFailed(exceptions.APIException):
    status_code = 412
    default_detail = "The note changed since you read it; fetch it again and reapply your edit."
    default_code = "precondition_failed"


class NoteViewSet(viewsets.GenericViewSet):
    """One note: read (with its ETag), edit (If-Match), redact (DELETE), revisions."""

    serializer_class = NoteSerializer
    lookup_value_regex = r"\d+"
    # Only for the schema generator; every read goes through access.note_for.
    queryset = Note.objects.none()

    def _note(self, pk):
        return access.note_for(self.request.user, pk)

    @extend_schema(responses=NoteSerializer)
    def retrieve(self, request, pk=None):
        note, _ = self._note(pk)
        services.case_record_read(actor=request.user, case=note.case, note_ids=[note.pk])
        response = Response(NoteSerializer(note).data)
        response["ETag"] = _etag(note)
        return response

    @extend_schema(
        request=NoteUpdateSerializer,
        responses=NoteSerializer,
        parameters=[OpenApiParameter("If-Match", OpenApiTypes.STR, OpenApiParameter.HEADER)],
    )
    def partial_update(self, request, pk=None):
        note, _ = self._note(pk)
        expected = _if_match_version(request)
        data = _valid(NoteUpdateSerializer, request.data)
        try:
            note = services.note_edit(
                actor=request.user, note=note, expected_version=expected, **data
            )
        except services.VersionConflict as exc:
            raise PreconditionFailed() from exc
        response = Response(NoteSerializer(note).data)
        response["ETag"] = _etag(note)
        return response

    @extend_schema(exclude=True)
    def update(self, request, pk=None):
        raise exceptions.MethodNotAllowed("PUT", detail="Use PATCH with If-Match to edit a note.")

    @extend_schema(request=NoteRedactSerializer, responses=NoteSerializer)
    def destroy(self, request, pk=None):
        """Redact the note (it is never deleted); the reason is required."""
        note, _ = self._note(pk)
        data = _valid(NoteRedactSerializer, request.data)
        expected = _if_match_version(request) if request.headers.get("If-Match") else None
        try:
            note = services.note_redact(
                actor=request.user, note=note, reason=data["reason"], expected_version=expected
            )
        except services.VersionConflict as exc:
            raise PreconditionFailed() from exc
        return Response(NoteSerializer(note).data)

    @extend_schema(responses=RevisionSerializer(many=True))
    @action(detail=True, methods=["get"])
    def revisions(self, request, pk=None):
        note, _ = self._note(pk)
        revisions = access.visible_revisions(request.user, note)
        return Response(RevisionSerializer(revisions, many=True).data)
