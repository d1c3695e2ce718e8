"""REST API of meetings, answers, occurrences, trainings and iCalendar. Thin views: the
policy fetches, services write."""

import datetime as dt

import django_filters
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from activity.conditional import IF_MATCH, etag, if_match
from activity.idempotency import IdempotentPosts
from agencies.api import AgencyRefSerializer, TaskForceRefSerializer
from agencies.models import TaskForce
from cases import access as case_access
from cases.api.common import PersonRefSerializer
from meetings import access, exports, recurrence, selectors, services, timing
from meetings.api_inputs import (
    CancelSerializer,
    MeetingWriteSerializer,
    OccurrenceChangeSerializer,
    RsvpSerializer,
)
from meetings.models import Meeting, MeetingKind, RegistrationStatus

DEFAULT_RANGE = dt.timedelta(days=90)
MAX_RANGE = dt.timedelta(days=400)


class InvitationSerializer(serializers.Serializer):
    agency = AgencyRefSerializer()
    response = serializers.CharField()
    note = serializers.CharField()
    attendees = serializers.CharField()
    responded_at = serializers.DateTimeField(allow_null=True)
    recorded_by_coordinator = serializers.BooleanField()


class OccurrenceSerializer(serializers.Serializer):
    original_start = serializers.DateTimeField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    cancelled = serializers.BooleanField()
    moved = serializers.BooleanField()


class CaseRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()


class MeetingSerializer(serializers.ModelSerializer):
    task_force = TaskForceRefSerializer()
    organizer = PersonRefSerializer()
    invitations = InvitationSerializer(many=True)
    case = serializers.SerializerMethodField()
    occurrences = serializers.SerializerMethodField()
    confirmed_registrations = serializers.SerializerMethodField()
    can_manage = serializers.SerializerMethodField()

    class Meta:
        model = Meeting
        fields = [
            "id",
            "title",
            "kind",
            "agenda",
            "starts_at",
            "ends_at",
            "timezone",
            "location",
            "video_url",
            "task_force",
            "case",
            "confidential",
            "recurrence",
            "status",
            "sequence",
            "organizer",
            "minutes",
            "open_to_all",
            "topics",
            "capacity",
            "registration_deadline",
            "eligible_professions",
            "confirmed_registrations",
            "invitations",
            "occurrences",
            "can_manage",
        ]

    @extend_schema_field(CaseRefSerializer(allow_null=True))
    def get_case(self, meeting):
        visible = self.context.get("visible_case_ids", set())
        if meeting.case_id in visible:
            return {"id": meeting.case_id, "number": meeting.case.number}
        return None

    @extend_schema_field(OccurrenceSerializer(many=True))
    def get_occurrences(self, meeting):
        window = self.context.get("window")
        if window is None:
            return []
        found = recurrence.occurrences(
            meeting, *window, changes=list(meeting.occurrence_changes.all())
        )
        return [
            {
                "original_start": o.original_start,
                "starts_at": o.starts_at,
                "ends_at": o.ends_at,
                "cancelled": o.cancelled,
                "moved": o.moved,
            }
            for o in found
        ]

    def get_confirmed_registrations(self, meeting) -> int | None:
        if not meeting.is_training:
            return None
        return sum(
            1 for r in meeting.registrations.all() if r.status == RegistrationStatus.CONFIRMED
        )

    def get_can_manage(self, meeting) -> bool:
        return meeting.task_force_id in self.context.get("coordinated", set())


def _schedule_kwargs(data: dict, user) -> dict:
    """Map API names to the service's and resolve the case through the policy."""
    mapped = dict(data)
    if "timezone" in mapped:
        mapped["timezone_name"] = mapped.pop("timezone")
    if "recurrence" in mapped:
        mapped["recurrence_rule"] = mapped.pop("recurrence")
    if "case" in mapped:
        case_id = mapped.pop("case")
        if case_id is not None:
            case = case_access.visible_cases(user).filter(pk=case_id).first()
            if case is None:
                raise serializers.ValidationError({"case": ["Unknown case."]})
            mapped["case"] = case
    return mapped


class MeetingFilter(django_filters.FilterSet):
    task_force = django_filters.ModelChoiceFilter(queryset=TaskForce.objects.all())
    kind = django_filters.ChoiceFilter(choices=MeetingKind.choices)

    class Meta:
        model = Meeting
        fields = ["task_force", "kind"]


def _window(request):
    """The [from, to) range of a list; occurrences are expanded within it."""
    moments = {}
    for name in ("from", "to"):
        try:
            moments[name] = (
                serializers.DateTimeField().to_internal_value(request.query_params[name])
                if name in request.query_params
                else None
            )
        except serializers.ValidationError as exc:
            raise serializers.ValidationError({name: exc.detail}) from exc
    return timing.window(
        moments["from"], moments["to"], default_span=DEFAULT_RANGE, max_span=MAX_RANGE
    )


class MeetingViewSet(IdempotentPosts, viewsets.GenericViewSet):
    """Meetings and trainings the caller's agency was invited to, open trainings, and every
    meeting of the task forces the caller coordinates."""

    serializer_class = MeetingSerializer
    filterset_class = MeetingFilter
    lookup_value_regex = r"\d+"
    queryset = Meeting.objects.none()  # for the schema; reads go through the policy

    def get_queryset(self):
        return selectors.meeting_list(self.request.user)

    def _context(self, meetings, window=None):
        user = self.request.user
        return {
            "visible_case_ids": access.shown_case_ids(user, meetings),
            "coordinated": access.coordinated_task_force_ids(user),
            "window": window,
        }

    def _one(self, meeting, status_code=200, conflicts=None):
        meeting = access.meeting_for(self.request.user, meeting.pk, queryset=self.get_queryset())
        now = timezone.now()
        body = MeetingSerializer(
            meeting,
            context=self._context([meeting], (now - dt.timedelta(days=1), now + DEFAULT_RANGE)),
        ).data
        if conflicts is not None:
            body["conflicts"] = conflicts
        return Response(body, status=status_code, headers={"ETag": etag(meeting.version, body)})

    @extend_schema(
        parameters=[
            OpenApiParameter("from", OpenApiTypes.DATETIME),
            OpenApiParameter("to", OpenApiTypes.DATETIME),
        ],
        responses=MeetingSerializer(many=True),
    )
    def list(self, request):
        window = _window(request)
        meetings = selectors.meetings_in_window(self.filter_queryset(self.get_queryset()), *window)
        page = self.paginate_queryset(meetings)
        return self.get_paginated_response(
            MeetingSerializer(page, many=True, context=self._context(page, window)).data
        )

    @extend_schema(request=MeetingWriteSerializer, responses={201: MeetingSerializer})
    def create(self, request):
        serializer = MeetingWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = _schedule_kwargs(serializer.validated_data, request.user)
        data.pop("minutes", None)
        meeting, conflicts = services.meeting_schedule(actor=request.user, **data)
        return self._one(meeting, status.HTTP_201_CREATED, conflicts=conflicts)

    @extend_schema(responses=MeetingSerializer)
    def retrieve(self, request, pk=None):
        return self._one(access.meeting_for(request.user, pk))

    @extend_schema(
        request=MeetingWriteSerializer, responses=MeetingSerializer, parameters=[IF_MATCH]
    )
    def partial_update(self, request, pk=None):
        meeting = access.meeting_for(request.user, pk)
        serializer = MeetingWriteSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = _schedule_kwargs(serializer.validated_data, request.user)
        for fixed in ("task_force", "kind", "case", "invite_all"):
            if fixed in data:
                raise serializers.ValidationError(
                    {fixed: ["This cannot change; cancel and schedule a new meeting."]}
                )
        meeting, conflicts = services.meeting_update(
            actor=request.user, meeting=meeting, if_match=if_match(request), **data
        )
        return self._one(meeting, conflicts=conflicts)

    @extend_schema(exclude=True)
    def update(self, request, pk=None):
        raise exceptions.MethodNotAllowed("PUT", detail="Use PATCH to change a meeting.")

    # A DELETE's body cannot be described in OpenAPI, and generated clients send none:
    # POST cancel/ is the documented way; DELETE stays for the clients that use it.
    @extend_schema(
        deprecated=True,
        responses={200: MeetingSerializer},
        description='Same as POST cancel/, with the body `{"reason": "..."}`.',
    )
    def destroy(self, request, pk=None):
        return self._cancel(request, pk)

    @extend_schema(request=CancelSerializer, responses={200: MeetingSerializer})
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """Cancel the meeting: it stays visible, marked cancelled (the reason is required)."""
        return self._cancel(request, pk)

    def _cancel(self, request, pk):
        meeting = access.meeting_for(request.user, pk)
        serializer = CancelSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.meeting_cancel(
            actor=request.user, meeting=meeting, reason=serializer.validated_data["reason"]
        )
        return self._one(meeting)

    @extend_schema(request=RsvpSerializer, responses=InvitationSerializer)
    @action(detail=True, methods=["post"])
    def rsvp(self, request, pk=None):
        """Answer for your agency: ``{response, note?, attendees?}``; a coordinator records
        an answer given by phone with ``agency``."""
        meeting = access.meeting_for(request.user, pk)
        serializer = RsvpSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        invitation = services.meeting_rsvp(
            actor=request.user, meeting=meeting, **serializer.validated_data
        )
        return Response(InvitationSerializer(invitation).data)

    @extend_schema(request=OccurrenceChangeSerializer, responses=MeetingSerializer)
    @action(detail=True, methods=["post"])
    def occurrences(self, request, pk=None):
        """Cancel or move one occurrence of a recurring meeting (coordinators):
        ``{original_start, action: "cancel"|"move", starts_at?, ends_at?}``."""
        meeting = access.meeting_for(request.user, pk)
        serializer = OccurrenceChangeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if data["action"] == "cancel":
            services.occurrence_cancel(
                actor=request.user, meeting=meeting, original_start=data["original_start"]
            )
        else:
            if not data.get("starts_at") or not data.get("ends_at"):
                raise serializers.ValidationError(
                    {"starts_at": ["Moving an occurrence needs starts_at and ends_at."]}
                )
            services.occurrence_move(
                actor=request.user,
                meeting=meeting,
                original_start=data["original_start"],
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
            )
        return self._one(meeting)


class RegistrationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
    person = PersonRefSerializer(source="user", allow_null=True)  # null: a member of the public
    agency = AgencyRefSerializer(source="user.profile.agency", allow_null=True, default=None)
    profession = serializers.CharField(source="user.profile.profession", default=None)
    created_at = serializers.DateTimeField()


class RegistrationsView(IdempotentPosts, APIView):
    """Coordinators see every registration of a training; others see their own.
    POST registers the caller: confirmed while seats remain, waitlisted after."""

    @extend_schema(responses=RegistrationSerializer(many=True))
    def get(self, request, pk):
        meeting = access.meeting_for(request.user, pk)
        registrations = selectors.registrations_for(request.user, meeting)
        return Response(RegistrationSerializer(registrations, many=True).data)

    @extend_schema(request=None, responses={201: RegistrationSerializer})
    def post(self, request, pk):
        meeting = access.meeting_for(request.user, pk)
        registration = services.registration_register(actor=request.user, meeting=meeting)
        return Response(RegistrationSerializer(registration).data, status=status.HTTP_201_CREATED)


class RegistrationCancelView(APIView):
    @extend_schema(responses={204: None})
    def delete(self, request, pk, rid):
        meeting = access.meeting_for(request.user, pk)
        registration = selectors.registrations_for(request.user, meeting).filter(pk=rid).first()
        if registration is None:
            raise exceptions.NotFound()
        services.registration_cancel(actor=request.user, registration=registration)
        return Response(status=status.HTTP_204_NO_CONTENT)


class RosterView(APIView):
    """The training's roster as CSV (coordinators)."""

    @extend_schema(responses={(200, "text/csv"): OpenApiTypes.STR})
    def get(self, request, pk):
        meeting = access.meeting_for(request.user, pk)
        access.require_coordinator(request.user, meeting)
        return exports.roster_response(meeting)
