"""Coordinator endpoints of a training's registrants: the roster with attendance, check-in
per day, completion, certificates, a registrant's export and erasure, and opening the
training to public registration. Registrants' data is for the task force's coordinators: a
person who sees the training but does not coordinate it is refused (403); one who does not
see it gets 404."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from activity.idempotency import IdempotentPosts
from meetings import access, certificates, selectors, services


class RosterEntrySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
    public = serializers.BooleanField(source="is_public")
    name = serializers.CharField(source="display_name")
    email = serializers.CharField(source="contact_email")
    phone = serializers.CharField()
    organisation = serializers.CharField(source="organisation_name")
    profession = serializers.CharField(source="profession_value")
    job_title = serializers.CharField()
    created_at = serializers.DateTimeField()
    days_attended = serializers.SerializerMethodField()
    completed_at = serializers.DateTimeField(allow_null=True)
    erased = serializers.SerializerMethodField()

    def get_days_attended(self, registration) -> list[str]:
        return [a.day.isoformat() for a in registration.attendances.all()]

    def get_erased(self, registration) -> bool:
        return registration.erased_at is not None


class AttendanceInputSerializer(serializers.Serializer):
    day = serializers.DateField()
    present = serializers.BooleanField(required=False, default=True)


class CompletionInputSerializer(serializers.Serializer):
    completed = serializers.BooleanField(required=False, default=True)


class RegistrantDataSerializer(serializers.Serializer):
    training = serializers.CharField()
    registration = serializers.IntegerField()
    name = serializers.CharField()
    email = serializers.CharField()
    phone = serializers.CharField()
    organisation = serializers.CharField()
    profession = serializers.CharField()
    job_title = serializers.CharField()
    status = serializers.CharField()
    registered_at = serializers.CharField()
    cancelled_at = serializers.CharField(allow_null=True)
    days_attended = serializers.ListField(child=serializers.CharField())
    completed_at = serializers.CharField(allow_null=True)


class PublicSettingsSerializer(serializers.Serializer):
    public_registration = serializers.BooleanField()
    slug = serializers.CharField(required=False, allow_blank=True, max_length=80)
    organisers = serializers.CharField(required=False, allow_blank=True, max_length=300)


class PublicSettingsOutSerializer(serializers.Serializer):
    public_registration = serializers.BooleanField()
    slug = serializers.CharField(source="public_slug", allow_null=True)
    organisers = serializers.CharField()


def _training(request, pk):
    meeting = access.meeting_for(request.user, pk)
    access.require_registrants(request.user, meeting)
    return meeting


def _registrant(request, pk, rid):
    meeting = _training(request, pk)
    registration = (
        meeting.registrations.select_related("user__profile__agency", "meeting")
        .prefetch_related("attendances")
        .filter(pk=rid)
        .first()
    )
    if registration is None:
        raise exceptions.NotFound()
    return registration


def _entry(registration):
    registration = (
        type(registration)
        .objects.select_related("user__profile__agency")
        .prefetch_related("attendances")
        .get(pk=registration.pk)
    )
    return Response(RosterEntrySerializer(registration).data)


class TrainingRosterView(APIView):
    """Who holds a seat or waits for one, with the days they were checked in (coordinators).
    ``?q=`` searches names and organisations."""

    @extend_schema(
        parameters=[OpenApiParameter("q", OpenApiTypes.STR, description="Name or organisation.")],
        responses=RosterEntrySerializer(many=True),
    )
    def get(self, request, pk):
        meeting = _training(request, pk)
        search = request.query_params.get("q", "")[:200]
        return Response(
            RosterEntrySerializer(selectors.roster(meeting, search=search), many=True).data
        )


class AttendanceView(IdempotentPosts, APIView):
    @extend_schema(request=AttendanceInputSerializer, responses=RosterEntrySerializer)
    def post(self, request, pk, rid):
        """Check the registrant in on ``day`` (or out, with ``present: false``)."""
        registration = _registrant(request, pk, rid)
        serializer = AttendanceInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.attendance_record(
            actor=request.user, registration=registration, **serializer.validated_data
        )
        return _entry(registration)


class CompletionView(IdempotentPosts, APIView):
    @extend_schema(request=CompletionInputSerializer, responses=RosterEntrySerializer)
    def post(self, request, pk, rid):
        """Mark that the registrant completed the training (they are sent a certificate)."""
        registration = _registrant(request, pk, rid)
        serializer = CompletionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.registration_complete(
            actor=request.user, registration=registration, **serializer.validated_data
        )
        return _entry(registration)


class NotCompleted(exceptions.APIException):
    status_code = 409
    default_code = "not_completed"
    default_detail = "No certificate: this registrant has not completed the training."


class CertificateView(APIView):
    @extend_schema(
        responses={
            (200, "application/pdf"): OpenApiTypes.BINARY,
            409: OpenApiResponse(description="The registrant has not completed the training."),
        }
    )
    def get(self, request, pk, rid):
        """The registrant's certificate of completion (PDF)."""
        registration = _registrant(request, pk, rid)
        if registration.completed_at is None:
            raise NotCompleted()
        services.certificate_record_download(actor=request.user, registration=registration)
        return certificates.certificate_response(registration)


class RegistrantExportView(APIView):
    @extend_schema(responses=RegistrantDataSerializer)
    def get(self, request, pk, rid):
        """Everything held about a registrant, for them (their request to see their data)."""
        registration = _registrant(request, pk, rid)
        data = services.registrant_export(actor=request.user, registration=registration)
        return Response(RegistrantDataSerializer(data).data)


class RegistrantEraseView(IdempotentPosts, APIView):
    @extend_schema(request=None, responses=RosterEntrySerializer)
    def post(self, request, pk, rid):
        """Erase a member of the public's personal data (their request); counts stay."""
        registration = _registrant(request, pk, rid)
        services.registrant_erase(actor=request.user, registration=registration)
        return _entry(registration)


class PublicSettingsView(IdempotentPosts, APIView):
    @extend_schema(request=PublicSettingsSerializer, responses=PublicSettingsOutSerializer)
    def post(self, request, pk):
        """Open the training to public registration at ``/trainings/<slug>/``, or close it."""
        meeting = access.meeting_for(request.user, pk)
        access.require_coordinator(request.user, meeting)
        serializer = PublicSettingsSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        meeting = services.training_set_public(
            actor=request.user, meeting=meeting, **serializer.validated_data
        )
        return Response(PublicSettingsOutSerializer(meeting).data)
