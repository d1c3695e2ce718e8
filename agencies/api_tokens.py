"""REST API of agency admins: the tokens of their agency's integrations. The same rules as
the tokens page: the section is refused (403) to anyone who is not an agency admin, a token
they do not manage does not exist (404), and every change goes through
``agencies.services``. A token's secret is in the answer that issues it, and nowhere else."""

from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.settings import api_settings

from activity.idempotency import IdempotentPosts
from agencies import access, selectors, services
from agencies.models import ApiToken, TokenScope
from agencies.selectors import TokenState
from agencies.services.tokens import MAX_NETWORKS, MAX_TOKEN_DAYS


class TokenSerializer(serializers.ModelSerializer):
    """A token as its agency admin sees it: never its secret."""

    user = serializers.IntegerField(source="user.pk", help_text="The person it acts as.")
    username = serializers.CharField(source="user.username")
    state = serializers.ChoiceField(choices=TokenState.choices)
    last_used_at = serializers.DateTimeField(
        source="used_at", allow_null=True, help_text="The last recorded use (every 5 minutes)."
    )
    last_used_from = serializers.IPAddressField(source="used_from", allow_null=True)
    allowed_networks = serializers.ListField(
        child=serializers.CharField(),
        help_text="Networks (CIDR) it may be used from; empty: anywhere.",
    )

    class Meta:
        model = ApiToken
        fields = [
            "id",
            "name",
            "prefix",
            "scope",
            "user",
            "username",
            "state",
            "created_at",
            "expires_at",
            "revoked_at",
            "last_used_at",
            "last_used_from",
            "allowed_networks",
        ]


class TokenIssuedSerializer(TokenSerializer):
    secret = serializers.CharField(
        help_text="The token itself: shown in this answer only. Send it as "
        "`Authorization: Bearer <secret>`."
    )

    class Meta(TokenSerializer.Meta):
        fields = [*TokenSerializer.Meta.fields, "secret"]


class TokenIssueSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100, help_text="What it is for, e.g. 'RMS sync'.")
    scope = serializers.ChoiceField(choices=TokenScope.choices, default=TokenScope.READ)
    user = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=2**63 - 1,
        help_text="The id of the person it acts as: yourself (the default) or a service "
        "account of your agency (a person who cannot sign in, no agency admin, no "
        "coordinator).",
    )
    expires_in_days = serializers.IntegerField(min_value=1, max_value=MAX_TOKEN_DAYS, default=90)
    allowed_networks = serializers.ListField(
        child=serializers.CharField(max_length=64),
        max_length=MAX_NETWORKS,
        default=list,
        help_text="Addresses or networks (CIDR) it may be used from; empty: anywhere.",
    )


class TokenQuerySerializer(serializers.Serializer):
    state = serializers.ChoiceField(choices=TokenState.choices, required=False)


class ManagesTokens(permissions.BasePermission):
    """The collection is for agency admins; one token is found through the policy. Issuing
    and revoking take a signed-in session (with its second factor): a leaked token must
    not make itself new ones."""

    message = "Only your agency's admins manage its API tokens."

    def has_permission(self, request, view) -> bool:
        if isinstance(request.auth, ApiToken) and request.method not in permissions.SAFE_METHODS:
            self.message = "Tokens are issued and revoked from a signed-in session, not a token."
            return False
        return view.detail or access.can_manage_people(request.user)


class TokenViewSet(IdempotentPosts, viewsets.GenericViewSet):
    """The API tokens of the caller's agency's people, for its agency admins."""

    keeps_answers = False  # an issued token's secret is shown once

    lookup_value_regex = r"\d+"
    permission_classes = [*api_settings.DEFAULT_PERMISSION_CLASSES, ManagesTokens]
    serializer_class = TokenSerializer
    queryset = ApiToken.objects.none()  # for the schema; reads go through the policy

    def _one(self, pk, status_code=status.HTTP_200_OK, serializer=TokenSerializer, **extra):
        token = selectors.token_list(self.request.user).get(pk=pk)
        for name, value in extra.items():
            setattr(token, name, value)
        return Response(serializer(token).data, status=status_code)

    @extend_schema(parameters=[TokenQuerySerializer], responses=TokenSerializer(many=True))
    def list(self, request):
        query = TokenQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        tokens = selectors.token_list(request.user, state=query.validated_data.get("state", ""))
        page = self.paginate_queryset(tokens)
        return self.get_paginated_response(TokenSerializer(page, many=True).data)

    @extend_schema(responses=TokenSerializer)
    def retrieve(self, request, pk=None):
        return self._one(access.token_for(request.user, pk).pk)

    @extend_schema(request=TokenIssueSerializer, responses={201: TokenIssuedSerializer})
    def create(self, request):
        """Issue a token for yourself or a person of your agency. The answer carries the
        secret once; only its digest is kept."""
        serializer = TokenIssueSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        person = access.token_holder_for(request.user, data.pop("user", request.user.pk))
        token, secret = services.token_issue(
            actor=request.user,
            user=person.user,
            name=data["name"],
            scope=data["scope"],
            expires_in_days=data["expires_in_days"],
            allowed_networks=data["allowed_networks"],
        )
        return self._one(token.pk, status.HTTP_201_CREATED, TokenIssuedSerializer, secret=secret)

    @extend_schema(request=None, responses=TokenSerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        """Revoke at once: the next request with it answers 401 and its sockets close.
        Revoking twice is harmless."""
        token = access.token_for(request.user, pk)
        services.token_revoke(actor=request.user, token=token)
        return self._one(token.pk)
