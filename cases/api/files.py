"""Evidence files: the files of a case (multipart upload), one file's metadata, its
download through the policy, and its redaction."""

from django.conf import settings
from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, parsers, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from activity.idempotency import IdempotentPosts
from activity.inputs import TextField
from agencies.api import AgencyRefSerializer
from agencies.models import Agency
from cases import access, services, work_access, work_selectors
from cases.api.common import IdsField, PersonRefSerializer, valid
from cases.models import REASON_MAX_LENGTH, AccessLevel, EvidenceFile, NoteVisibility
from cases.services.files import SAFE_TYPES


class FileSerializer(serializers.ModelSerializer):
    uploaded_by = PersonRefSerializer()
    uploaded_by_agency = AgencyRefSerializer()
    restricted_to = AgencyRefSerializer(many=True)
    redacted = serializers.BooleanField(source="is_redacted")
    redacted_by = PersonRefSerializer(allow_null=True)
    sha256 = serializers.CharField(help_text="SHA-256 of the bytes as uploaded (hex).")
    content_type = serializers.CharField(help_text="The type told from the content.")
    download = serializers.SerializerMethodField(
        help_text="Where to download it; null once redacted."
    )

    class Meta:
        model = EvidenceFile
        fields = [
            "id",
            "case",
            "note",
            "name",
            "size",
            "sha256",
            "content_type",
            "visibility",
            "restricted_to",
            "uploaded_by",
            "uploaded_by_agency",
            "uploaded_at",
            "redacted",
            "redacted_at",
            "redacted_by",
            "redaction_reason",
            "download",
        ]

    def get_download(self, evidence) -> str | None:
        return None if evidence.is_redacted else f"/api/v1/files/{evidence.pk}/download"


class FileUploadSerializer(serializers.Serializer):
    file = serializers.FileField(allow_empty_file=False, use_url=False)
    note = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1)
    visibility = serializers.ChoiceField(choices=NoteVisibility.choices, default="case")
    restricted_to = IdsField(queryset=Agency.objects.all(), many=True, required=False, default=list)


class FileRedactSerializer(serializers.Serializer):
    reason = TextField(max_length=REASON_MAX_LENGTH)


class FileTooLargeError(exceptions.APIException):
    status_code = 413
    default_code = "too_large"


class FileGoneError(exceptions.APIException):
    status_code = 410
    default_code = "gone"
    default_detail = "This file was redacted: its content no longer exists."


def too_large() -> FileTooLargeError:
    limit = settings.EVIDENCE_MAX_BYTES
    return FileTooLargeError(f"Evidence files are limited to {limit:,} bytes; send a smaller file.")


# Room for the form fields and boundaries of a multipart body around the file itself.
MULTIPART_OVERHEAD = 64 * 1024


def body_too_large(request) -> bool:
    """Whether the declared length of an upload's body is past the evidence limit."""
    length = request.META.get("CONTENT_LENGTH") or "0"
    limit = settings.EVIDENCE_MAX_BYTES + MULTIPART_OVERHEAD
    return length.isdigit() and int(length) > limit


class CaseFilesView(IdempotentPosts, APIView):
    """The evidence files of a case the caller's agency may see, newest first; uploading one
    (contributing agencies, multipart/form-data)."""

    parser_classes = [parsers.MultiPartParser]
    # For the schema generator (its fallback for a view without one warns).
    serializer_class = FileSerializer
    # Named here so that the schema documents the page and its parameters.
    pagination_class = api_settings.DEFAULT_PAGINATION_CLASS

    @extend_schema(responses=FileSerializer(many=True))
    def get(self, request, pk):
        case, _ = access.case_for(request.user, pk)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(
            work_selectors.case_files(request.user, case), request, self
        )
        return paginator.get_paginated_response(FileSerializer(page, many=True).data)

    @extend_schema(
        request={"multipart/form-data": FileUploadSerializer},
        responses={201: FileSerializer, 413: OpenApiResponse(description="The file is too large.")},
    )
    def initial(self, request, *args, **kwargs):
        # A body past the limit is refused before a byte of it is read (an Idempotency-Key
        # would have the body parsed to compare it).
        if request.method == "POST" and body_too_large(request):
            raise too_large()
        super().initial(request, *args, **kwargs)

    def post(self, request, pk):
        case, _ = access.case_for(request.user, pk, need=AccessLevel.CONTRIBUTE)
        data = valid(FileUploadSerializer, request.data)
        note = None
        if data["note"] is not None:
            note = access.visible_notes(request.user, case).filter(pk=data["note"]).first()
            if note is None:
                raise exceptions.ValidationError({"note": ["No such note on this case."]})
        try:
            evidence = services.file_upload(
                actor=request.user,
                case=case,
                upload=data["file"],
                note=note,
                visibility=data["visibility"],
                restricted_to=data["restricted_to"],
            )
        except services.FileTooLarge as exc:
            raise too_large() from exc
        evidence, _ = work_access.file_for(request.user, evidence.pk)
        return Response(FileSerializer(evidence).data, status=status.HTTP_201_CREATED)


DOWNLOAD_TYPES = sorted(SAFE_TYPES | {"application/octet-stream"})


class FileViewSet(IdempotentPosts, viewsets.GenericViewSet):
    """One evidence file: its metadata (name, size, SHA-256, who uploaded it), its download
    and its redaction."""

    serializer_class = FileSerializer
    lookup_value_regex = r"\d+"
    # Only for the schema generator; every read goes through the policy.
    queryset = EvidenceFile.objects.none()

    @extend_schema(responses=FileSerializer)
    def retrieve(self, request, pk=None):
        evidence, _ = work_access.file_for(request.user, pk)
        return Response(FileSerializer(evidence).data)

    @extend_schema(
        responses={
            **{(200, media): OpenApiTypes.BINARY for media in DOWNLOAD_TYPES},
            410: OpenApiResponse(description="The file was redacted."),
        },
        description="The file's bytes, always as an attachment with nosniff; HTML, SVG, XML, "
        "executables, scripts and unknown types as application/octet-stream. Audited.",
    )
    def download(self, request, pk=None):
        evidence, _ = work_access.file_for(request.user, pk)
        try:
            handle = services.file_open(actor=request.user, evidence=evidence)
        except services.FileGone as exc:
            raise FileGoneError() from exc
        return attachment(handle, evidence)

    @extend_schema(request=FileRedactSerializer, responses={200: FileSerializer})
    @action(detail=True, methods=["post"])
    def redact(self, request, pk=None):
        """Redact the file: its bytes are deleted; its name, size and digest stay, with who
        redacted it, when and why."""
        evidence, _ = work_access.file_for(request.user, pk)
        data = valid(FileRedactSerializer, request.data)
        evidence = services.file_redact(
            actor=request.user, evidence=evidence, reason=data["reason"]
        )
        evidence, _ = work_access.file_for(request.user, evidence.pk)
        return Response(FileSerializer(evidence).data)


def attachment(handle, evidence: EvidenceFile) -> FileResponse:
    """The bytes of a file as a download that no browser renders or sniffs."""
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=evidence.name,
        content_type=services.served_type(evidence),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["X-Evidence-SHA256"] = evidence.sha256
    return response
