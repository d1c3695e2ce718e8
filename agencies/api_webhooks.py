"""REST API of agency admins: their agency's webhook endpoints and delivery logs.

The collection is refused (403) to anyone who is not an agency admin, as the people API's
is; an endpoint of another agency does not exist for anyone but that agency's admins (404);
a read-scoped token changes nothing (403). Every change goes through ``agencies.services``.
"""

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.settings import api_settings

from activity.idempotency import IdempotentPosts
from activity.kinds import EventKind
from activity.pagination import IdCursorPagination
from agencies import access, selectors, services
from agencies.models import ApiToken, WebhookAttempt, WebhookEndpoint


class LastDeliverySerializer(serializers.Serializer):
    attempted_at = serializers.DateTimeField()
    status_code = serializers.IntegerField(allow_null=True)
    succeeded = serializers.BooleanField()


class WebhookSerializer(serializers.ModelSerializer):
    """An endpoint as its agency's admins see it; the secret is never shown again, only its
    first characters."""

    kinds = serializers.ListField(child=serializers.ChoiceField(choices=EventKind.choices))
    retry_at = serializers.DateTimeField(
        allow_null=True, help_text="After failures: when the next attempt is due."
    )
    secret_rotated_at = serializers.DateTimeField(allow_null=True)
    pending = serializers.IntegerField(help_text="Deliveries waiting to be sent.")
    last_delivery = serializers.SerializerMethodField()

    class Meta:
        model = WebhookEndpoint
        fields = [
            "id",
            "url",
            "description",
            "kinds",
            "enabled",
            "disabled_reason",
            "secret_prefix",
            "secret_rotated_at",
            "failures",
            "retry_at",
            "pending",
            "last_delivery",
            "created_at",
        ]

    @extend_schema_field(LastDeliverySerializer(allow_null=True))
    def get_last_delivery(self, endpoint) -> dict | None:
        if endpoint.last_attempt_at is None:
            return None
        return {
            "attempted_at": serializers.DateTimeField().to_representation(endpoint.last_attempt_at),
            "status_code": endpoint.last_status_code,
            "succeeded": endpoint.last_succeeded,
        }


class WebhookWithSecretSerializer(WebhookSerializer):
    secret = serializers.CharField(
        help_text="The signing secret, shown this once: keep it in the receiver's settings."
    )

    class Meta(WebhookSerializer.Meta):
        fields = [*WebhookSerializer.Meta.fields, "secret"]


class WebhookCreateSerializer(serializers.Serializer):
    url = serializers.CharField(max_length=500, help_text="An https:// URL on a public address.")
    kinds = serializers.ListField(
        child=serializers.ChoiceField(choices=EventKind.choices), min_length=1, max_length=50
    )
    description = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default=""
    )


class WebhookChangeSerializer(serializers.Serializer):
    url = serializers.CharField(max_length=500, required=False)
    kinds = serializers.ListField(
        child=serializers.ChoiceField(choices=EventKind.choices),
        min_length=1,
        max_length=50,
        required=False,
    )
    description = serializers.CharField(max_length=200, required=False, allow_blank=True)
    enabled = serializers.BooleanField(
        required=False, help_text="Enabling again forgets the failures counted so far."
    )


class WebhookAttemptSerializer(serializers.ModelSerializer):
    class Meta:
        model = WebhookAttempt
        fields = [
            "id",
            "event_id",
            "event_kind",
            "attempted_at",
            "status_code",
            "duration_ms",
            "succeeded",
            "error",
            "response_excerpt",
        ]


class AttemptCursorPagination(IdCursorPagination):
    """The delivery log, newest first."""

    ordering = "-id"
    page_size = 50
    max_page_size = 200


class ManagesWebhooks(permissions.BasePermission):
    """The collection is for agency admins; one endpoint is found through the policy, so
    an endpoint the caller does not manage answers 404 whoever asks."""

    message = "Only your agency's admins manage its webhooks."

    def has_permission(self, request, view) -> bool:
        # A leaked token must not register an endpoint that sends it the agency's events.
        if isinstance(request.auth, ApiToken) and request.method not in permissions.SAFE_METHODS:
            self.message = "Webhooks are changed from a signed-in session, not a token."
            return False
        return view.detail or access.can_manage_webhooks(request.user)


class WebhookViewSet(IdempotentPosts, viewsets.GenericViewSet):
    """The webhook endpoints of the caller's agency, for its agency admins."""

    keeps_answers = False  # a new or rotated signing secret is shown once

    lookup_value_regex = r"\d+"
    permission_classes = [*api_settings.DEFAULT_PERMISSION_CLASSES, ManagesWebhooks]
    serializer_class = WebhookSerializer
    queryset = WebhookEndpoint.objects.none()  # for the schema; reads go through the policy

    def _one(self, pk, status_code=status.HTTP_200_OK, **extra):
        body = WebhookSerializer(selectors.webhook_one(self.request.user, pk)).data
        return Response(body | extra, status=status_code)

    @extend_schema(responses=WebhookSerializer(many=True))
    def list(self, request):
        page = self.paginate_queryset(selectors.webhook_list(request.user))
        return self.get_paginated_response(WebhookSerializer(page, many=True).data)

    @extend_schema(responses=WebhookSerializer)
    def retrieve(self, request, pk=None):
        return self._one(pk)

    @extend_schema(request=WebhookCreateSerializer, responses={201: WebhookWithSecretSerializer})
    def create(self, request):
        """Register an endpoint for chosen event kinds of your agency. The answer carries
        the signing secret, shown this once."""
        serializer = WebhookCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        endpoint, secret = services.webhook_create(actor=request.user, **serializer.validated_data)
        return self._one(endpoint.pk, status.HTTP_201_CREATED, secret=secret)

    @extend_schema(request=WebhookChangeSerializer, responses=WebhookSerializer)
    def partial_update(self, request, pk=None):
        """Change the URL, description or kinds; disable or enable the endpoint."""
        endpoint = access.webhook_for(request.user, pk)
        serializer = WebhookChangeSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        services.webhook_update(actor=request.user, endpoint=endpoint, **serializer.validated_data)
        return self._one(pk)

    @extend_schema(request=None, responses={204: None})
    def destroy(self, request, pk=None):
        """Delete the endpoint with its queue and delivery log."""
        endpoint = access.webhook_for(request.user, pk)
        services.webhook_delete(actor=request.user, endpoint=endpoint)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, responses=WebhookWithSecretSerializer)
    @action(detail=True, methods=["post"], url_path="rotate-secret")
    def rotate_secret(self, request, pk=None):
        """Replace the signing secret at once; the new one is in the answer, shown this once."""
        endpoint = access.webhook_for(request.user, pk)
        _, secret = services.webhook_rotate_secret(actor=request.user, endpoint=endpoint)
        return self._one(pk, secret=secret)

    @extend_schema(responses=WebhookAttemptSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=AttemptCursorPagination)
    def deliveries(self, request, pk=None):
        """The endpoint's delivery log, newest first: each attempt's time, status code,
        duration, error and the start of the answer."""
        endpoint = access.webhook_for(request.user, pk)
        page = self.paginate_queryset(selectors.webhook_attempts(endpoint))
        return self.get_paginated_response(WebhookAttemptSerializer(page, many=True).data)
