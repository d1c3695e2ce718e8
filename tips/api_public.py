"""The public tip API: no sign-in, its own abuse limit (``tips.throttles``). It answers that
the tip was received and nothing about it afterwards."""

from django.conf import settings
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from activity.idempotency import IdempotentPosts
from activity.inputs import TextField
from agencies.models import TaskForce
from cases.api.common import valid
from tips import services, throttles
from tips.models import CONTACT_MAX_LENGTH, TIP_FIELD_MAX_LENGTH, TIP_TEXT_MAX_LENGTH


class PublicTipSerializer(serializers.Serializer):
    """What a member of the public tells. ``website`` is a trap for programs filling every
    field: people leave it empty (the page hides it)."""

    task_force = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=TaskForce.objects.all(),
        required=False,
        help_text="The task force's slug; the default one when left out.",
    )
    what = TextField(max_length=TIP_TEXT_MAX_LENGTH)
    where = TextField(required=False, allow_blank=True, max_length=TIP_FIELD_MAX_LENGTH)
    when = TextField(required=False, allow_blank=True, max_length=TIP_FIELD_MAX_LENGTH)
    contact_name = TextField(required=False, allow_blank=True, max_length=CONTACT_MAX_LENGTH)
    contact_phone = TextField(required=False, allow_blank=True, max_length=40)
    contact_email = TextField(required=False, allow_blank=True, max_length=254)
    website = TextField(required=False, allow_blank=True, max_length=200)

    def validate_website(self, value):
        if value:
            raise serializers.ValidationError(
                "Leave this field empty: it is there to stop automated messages."
            )
        return value


class TipReceivedSerializer(serializers.Serializer):
    detail = serializers.CharField()
    emergency = serializers.CharField()
    hotline = serializers.CharField()


def default_task_force() -> TaskForce | None:
    return (
        TaskForce.objects.filter(slug=settings.TIPS_DEFAULT_TASK_FORCE).first()
        or TaskForce.objects.order_by("pk").first()
    )


def received_answer() -> dict:
    return {
        "detail": "Thank you: your tip was received by the task force.",
        "emergency": "If someone is in immediate danger, call 911.",
        "hotline": f"{settings.HOTLINE_NAME}: {settings.HOTLINE_PHONE}",
    }


class PublicTipView(IdempotentPosts, APIView):
    """Send a tip without signing in. Emergencies go to 911."""

    authentication_classes = []
    permission_classes = [AllowAny]

    def get_throttles(self):
        return [throttles.PublicTipThrottle()]

    @extend_schema(request=PublicTipSerializer, responses={202: TipReceivedSerializer})
    def post(self, request):
        data = valid(PublicTipSerializer, request.data)
        data.pop("website", None)
        task_force = data.pop("task_force", None) or default_task_force()
        if task_force is None:
            raise serializers.ValidationError({"task_force": "No task force takes tips yet."})
        services.tip_submit_public(task_force=task_force, **data)
        return Response(received_answer(), status=status.HTTP_202_ACCEPTED)
