"""The public API of trainings open to public registration: no sign-in, its own abuse
limits (``meetings.throttles``). Registrants' data never leaves through it: a training
shows its seats left, not who took them."""

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.generics import ListAPIView
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from activity.idempotency import IdempotentPosts
from agencies.models import Profession
from meetings import access, public, selectors, services, throttles
from meetings.models import PHONE_MAX_LENGTH, REGISTRANT_TEXT_MAX_LENGTH, Meeting


class ProfessionSerializer(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField()


class HotlineSerializer(serializers.Serializer):
    name = serializers.CharField()
    phone = serializers.CharField()


class PublicTrainingSerializer(serializers.Serializer):
    slug = serializers.CharField(source="public_slug")
    title = serializers.CharField()
    status = serializers.CharField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    timezone = serializers.CharField()
    days = serializers.SerializerMethodField()
    daily_start = serializers.SerializerMethodField()
    daily_end = serializers.SerializerMethodField()
    location = serializers.CharField()
    agenda = serializers.CharField()
    topics = serializers.SerializerMethodField()
    organisers = serializers.SerializerMethodField()
    eligible_professions = serializers.SerializerMethodField()
    registration_deadline = serializers.DateTimeField(allow_null=True)
    registration_open = serializers.SerializerMethodField()
    closed_reason = serializers.SerializerMethodField()
    capacity = serializers.IntegerField(allow_null=True)
    seats_left = serializers.SerializerMethodField()
    waiting_list = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()
    hotline = serializers.SerializerMethodField()

    def get_days(self, meeting) -> list[str]:
        return [day.isoformat() for day in public.training_days(meeting)]

    def get_daily_start(self, meeting) -> str:
        return public.daily_hours(meeting)[0].strftime("%H:%M")

    def get_daily_end(self, meeting) -> str:
        return public.daily_hours(meeting)[1].strftime("%H:%M")

    def get_topics(self, meeting) -> list[str]:
        return [line.strip() for line in meeting.topics.splitlines() if line.strip()]

    def get_organisers(self, meeting) -> str:
        return meeting.organisers or meeting.task_force.name

    @extend_schema(responses=ProfessionSerializer(many=True))
    def get_eligible_professions(self, meeting) -> list[dict]:
        values = meeting.eligible_professions or Profession.values
        return [
            {"value": v, "label": Profession(v).label} for v in values if v in Profession.values
        ]

    def get_registration_open(self, meeting) -> bool:
        return access.can_register_publicly(meeting).allowed

    def get_closed_reason(self, meeting) -> str:
        """Why registration is closed, or an empty string while it is open."""
        check = access.can_register_publicly(meeting)
        return "" if check else check.reason

    def get_seats_left(self, meeting) -> int | None:
        return selectors.seats_left(meeting)

    def get_waiting_list(self, meeting) -> bool:
        return selectors.seats_left(meeting) == 0

    def get_url(self, meeting) -> str:
        return self.context["request"].build_absolute_uri(
            reverse("public-training", args=[meeting.public_slug])
        )

    @extend_schema(responses=HotlineSerializer)
    def get_hotline(self, meeting) -> dict:
        return {"name": settings.HOTLINE_NAME, "phone": settings.HOTLINE_PHONE}


class PublicRegistrationSerializer(serializers.Serializer):
    """What a person registering types. ``website`` is a trap for programs filling every
    field: people leave it empty (the page hides it)."""

    name = serializers.CharField(max_length=REGISTRANT_TEXT_MAX_LENGTH)
    email = serializers.CharField(max_length=254)
    phone = serializers.CharField(max_length=PHONE_MAX_LENGTH, required=False, allow_blank=True)
    organisation = serializers.CharField(max_length=REGISTRANT_TEXT_MAX_LENGTH)
    profession = serializers.ChoiceField(choices=Profession.choices)
    job_title = serializers.CharField(max_length=REGISTRANT_TEXT_MAX_LENGTH)
    website = serializers.CharField(required=False, allow_blank=True, max_length=200)

    def validate_website(self, value):
        if value:
            raise serializers.ValidationError(
                "Leave this field empty: it is there to stop automated sign-ups."
            )
        return value


class RegistrationRequestedSerializer(serializers.Serializer):
    detail = serializers.CharField()
    email = serializers.CharField()
    confirm_within_hours = serializers.IntegerField()


class PublicEndpoint:
    """No sign-in, no session (so no CSRF), and the public limits instead of the API's."""

    authentication_classes = []
    permission_classes = [AllowAny]

    def get_throttles(self):
        if self.request.method == "POST":
            return [throttles.PublicAddressThrottle(), throttles.PublicEmailThrottle()]
        return [throttles.PublicReadThrottle()]


class PublicTrainingList(PublicEndpoint, ListAPIView):
    """Trainings open to public registration that are still to begin."""

    serializer_class = PublicTrainingSerializer
    queryset = Meeting.objects.none()  # for the schema; reads go through the policy

    def get_queryset(self):
        return selectors.public_training_list(now=timezone.now())


class PublicTrainingDetail(PublicEndpoint, APIView):
    @extend_schema(responses=PublicTrainingSerializer)
    def get(self, request, slug):
        meeting = access.public_training_for(slug)
        return Response(PublicTrainingSerializer(meeting, context={"request": request}).data)


class PublicRegistrationView(IdempotentPosts, PublicEndpoint, APIView):
    """Ask to register: a confirmation link is sent to the e-mail address; the seat (or a
    place on the waiting list) is taken when the link is followed. Registering the same
    address twice is one registration."""

    @extend_schema(
        request=PublicRegistrationSerializer, responses={202: RegistrationRequestedSerializer}
    )
    def post(self, request, slug):
        meeting = access.public_training_for(slug)
        serializer = PublicRegistrationSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("website", None)
        services.public_registration_request(meeting=meeting, registrant=data)
        body = {
            "detail": "Check your e-mail: follow the link in it to confirm your registration.",
            "email": data["email"].strip().lower(),
            "confirm_within_hours": settings.PUBLIC_CONFIRM_HOURS,
        }
        return Response(body, status=status.HTTP_202_ACCEPTED)
