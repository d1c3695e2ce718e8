"""Notes of a case: read, added, edited with If-Match, redacted, and their revisions."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from activity.idempotency import IdempotentPosts
from activity.inputs import TextField
from agencies.api import AgencyRefSerializer
from agencies.models import Agency
from cases import access, services
from cases.api.common import NotesCursorPagination, PersonRefSerializer, valid
from cases.models import (
    REASON_MAX_LENGTH,
    AccessLevel,
    Note,
    NoteVisibility,
)


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
    body = TextField(allow_blank=True, trim_whitespace=False)
    visibility = serializers.ChoiceField(choices=NoteVisibility.choices, default="case")
    restricted_to = serializers.PrimaryKeyRelatedField(
        queryset=Agency.objects.all(), many=True, required=False, default=list
    )


class NoteUpdateSerializer(serializers.Serializer):
    body = TextField(required=False, allow_blank=True, trim_whitespace=False)
    visibility = serializers.ChoiceField(choices=NoteVisibility.choices, required=False)
    restricted_to = serializers.PrimaryKeyRelatedField(
        queryset=Agency.objects.all(), many=True, required=False
    )


class NoteRedactSerializer(serializers.Serializer):
    reason = TextField(max_length=REASON_MAX_LENGTH)


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


class CaseNotesView(IdempotentPosts, APIView):
    """The notes of a case the caller's agency may read, newest first; adding a note."""

    # Named here so that the schema documents the cursor page and its parameters.
    pagination_class = NotesCursorPagination

    @extend_schema(responses=NoteSerializer(many=True))
    def get(self, request, pk):
        case, _ = access.case_for(request.user, pk)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(
            _note_queryset_extras(access.visible_notes(request.user, case)), request, self
        )
        services.case_record_read(actor=request.user, case=case, note_ids=[n.pk for n in page])
        return paginator.get_paginated_response(NoteSerializer(page, many=True).data)

    @extend_schema(request=NoteCreateSerializer, responses={201: NoteSerializer})
    def post(self, request, pk):
        case, _ = access.case_for(request.user, pk, need=AccessLevel.CONTRIBUTE)
        note = services.note_add(
            actor=request.user, case=case, **valid(NoteCreateSerializer, request.data)
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


IF_MATCH = "The note's ETag as read (its version); 412 if the note changed since."
IF_MATCH_REQUIRED = OpenApiParameter(
    "If-Match", OpenApiTypes.STR, OpenApiParameter.HEADER, required=True, description=IF_MATCH
)
IF_MATCH_OPTIONAL = OpenApiParameter(
    "If-Match", OpenApiTypes.STR, OpenApiParameter.HEADER, description=IF_MATCH
)


class NoteViewSet(IdempotentPosts, viewsets.GenericViewSet):
    """One note: read (with its ETag), edit (If-Match), redact, revisions."""

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
        parameters=[IF_MATCH_REQUIRED],
    )
    def partial_update(self, request, pk=None):
        note, _ = self._note(pk)
        expected = _if_match_version(request)
        data = valid(NoteUpdateSerializer, request.data)
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

    # A DELETE's body cannot be described in OpenAPI, and generated clients send none:
    # POST redact/ is the documented way; DELETE stays for the clients that use it.
    @extend_schema(
        deprecated=True,
        responses={200: NoteSerializer},
        parameters=[IF_MATCH_OPTIONAL],
        description='Same as POST redact/, with the body `{"reason": "..."}`.',
    )
    def destroy(self, request, pk=None):
        return self._redact(request, pk)

    @extend_schema(
        request=NoteRedactSerializer,
        responses={200: NoteSerializer},
        parameters=[IF_MATCH_OPTIONAL],
    )
    @action(detail=True, methods=["post"])
    def redact(self, request, pk=None):
        """Redact the note (it is never deleted; the text stays in its revisions): the reason
        is required. Answers the redacted note."""
        return self._redact(request, pk)

    def _redact(self, request, pk):
        note, _ = self._note(pk)
        data = valid(NoteRedactSerializer, request.data)
        expected = _if_match_version(request) if request.headers.get("If-Match") else None
        try:
            note = services.note_redact(
                actor=request.user, note=note, reason=data["reason"], expected_version=expected
            )
        except services.VersionConflict as exc:
            raise PreconditionFailed() from exc
        return Response(NoteSerializer(note).data)

    @extend_schema(responses=RevisionSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None)  # every revision, unpaged
    def revisions(self, request, pk=None):
        note, _ = self._note(pk)
        revisions = access.visible_revisions(request.user, note)
        return Response(RevisionSerializer(revisions, many=True).data)
