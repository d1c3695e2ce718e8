"""The audit trail over the API: agency admins read their agency's records, newest first.

Who reads which records is decided in ``agencies/access.py``; every read (and every refused
attempt) is itself recorded. Records show who did what to which object, when, from where
and with what outcome, and the names of the fields a change touched, never their values:
those can hold case and meeting content the reader's agency may not see.
"""

import datetime as dt

from django_filters.rest_framework import DjangoFilterBackend
from django_filters.utils import translate_validation
from drf_spectacular.utils import extend_schema_field
from rest_framework import exceptions, generics, serializers

from activity.filters import AuditRecordFilter
from activity.models import AuditOutcome, AuditRecord
from activity.pagination import IdCursorPagination
from activity.services import audit_trail_read
from agencies import access, selectors

NOT_AN_AUDIT_READER = "Only your agency's admins read its audit trail."


class AuditCursorPagination(IdCursorPagination):
    ordering = "-id"
    page_size = 50
    max_page_size = 200


class AuditPersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.CharField(source="get_full_name")


class AuditAgencySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    short_name = serializers.CharField()
    name = serializers.CharField()


class AuditObjectSerializer(serializers.Serializer):
    type = serializers.SerializerMethodField(help_text="app.model, e.g. cases.case")
    id = serializers.CharField(source="target_id", help_text="The id acted on or asked for.")
    repr = serializers.CharField(
        source="target_repr", help_text="Its name then (empty for a denied request)."
    )

    def get_type(self, record) -> str:
        return f"{record.target_type.app_label}.{record.target_type.model}"


class AuditRecordSerializer(serializers.ModelSerializer):
    at = serializers.DateTimeField(source="created_at", default_timezone=dt.UTC)
    person = AuditPersonSerializer(source="actor", allow_null=True)
    agency = AuditAgencySerializer(allow_null=True)
    object = serializers.SerializerMethodField()
    address = serializers.IPAddressField(source="ip_address", allow_null=True)
    changed = serializers.SerializerMethodField(
        help_text="The names of what the action changed or read (never the values)."
    )

    class Meta:
        model = AuditRecord
        fields = [
            "id",
            "at",
            "person",
            "agency",
            "action",
            "outcome",
            "object",
            "address",
            "changed",
        ]

    @extend_schema_field(AuditObjectSerializer(allow_null=True))
    def get_object(self, record):
        return AuditObjectSerializer(record).data if record.target_type_id else None

    def get_changed(self, record) -> list[str]:
        return sorted(record.changes) if isinstance(record.changes, dict) else []


class AuditRecordList(generics.ListAPIView):
    """Audit records of the caller's agency (agency admins; every agency's for superusers),
    newest first, cursor-paginated. Reading them is recorded in the trail too."""

    serializer_class = AuditRecordSerializer
    pagination_class = AuditCursorPagination
    filter_backends = [DjangoFilterBackend]
    filterset_class = AuditRecordFilter

    def get_queryset(self):
        return selectors.audit_record_list(self.request.user)

    def list(self, request, *args, **kwargs):
        user = request.user
        if not access.can_read_audit(user):
            audit_trail_read(actor=user, agency=None, filters={}, outcome=AuditOutcome.DENIED)
            raise exceptions.PermissionDenied(NOT_AN_AUDIT_READER)
        filterset = AuditRecordFilter(
            request.query_params, queryset=self.get_queryset(), request=request
        )
        if not filterset.is_valid():
            raise translate_validation(filterset.errors)
        page = self.paginate_queryset(filterset.qs)
        audit_trail_read(actor=user, agency=access.audit_agency(user), filters=filterset.applied())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)
