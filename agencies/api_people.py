"""REST API of agency admins: their agency's people. The same rules as the pages: the
section is refused (403) to anyone who is not an agency admin, a person they do not manage
does not exist (404), and every change goes through ``agencies.services``."""

from django.contrib.auth.validators import UnicodeUsernameValidator
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.settings import api_settings

from activity.idempotency import IdempotentPosts
from activity.inputs import TextField
from agencies import access, selectors, services
from agencies.invitations import is_invited
from agencies.models import AgencyRole, Profession, Profile
from agencies.selectors import PersonStatus


class PersonSerializer(serializers.ModelSerializer):
    """A person as their agency admin sees them. ``id`` is the person's user id."""

    id = serializers.IntegerField(source="user.pk")
    username = serializers.CharField(source="user.username")
    first_name = serializers.CharField(source="user.first_name")
    last_name = serializers.CharField(source="user.last_name")
    email = serializers.EmailField(source="user.email")
    is_active = serializers.BooleanField(source="user.is_active")
    status = serializers.SerializerMethodField()
    last_login = serializers.DateTimeField(source="user.last_login", allow_null=True)
    date_joined = serializers.DateTimeField(source="user.date_joined")

    class Meta:
        model = Profile
        fields = [
            "id",
            "username",
            "first_name",
            "last_name",
            "email",
            "title",
            "profession",
            "role",
            "is_agency_admin",
            "is_active",
            "status",
            "last_login",
            "date_joined",
        ]

    @extend_schema_field(serializers.ChoiceField(choices=PersonStatus.choices))
    def get_status(self, profile: Profile) -> str:
        if not profile.user.is_active:
            return PersonStatus.INACTIVE
        return PersonStatus.INVITED if is_invited(profile.user) else PersonStatus.ACTIVE


class PersonInvitedSerializer(PersonSerializer):
    invitation_sent = serializers.BooleanField(
        help_text="False when the mail server refused the e-mail: send it again later."
    )

    class Meta(PersonSerializer.Meta):
        fields = [*PersonSerializer.Meta.fields, "invitation_sent"]


class PersonChangeSerializer(serializers.Serializer):
    """What an agency admin changes of a person of their agency."""

    title = TextField(max_length=120, required=False, allow_blank=True)
    profession = serializers.ChoiceField(choices=Profession.choices, required=False)
    role = serializers.ChoiceField(choices=AgencyRole.choices, required=False)
    is_agency_admin = serializers.BooleanField(required=False)


class PersonInviteSerializer(serializers.Serializer):
    username = TextField(max_length=150, validators=[UnicodeUsernameValidator()])
    email = serializers.EmailField(max_length=254)
    first_name = TextField(max_length=150)
    last_name = TextField(max_length=150)
    title = TextField(max_length=120, required=False, allow_blank=True, default="")
    profession = serializers.ChoiceField(choices=Profession.choices)
    role = serializers.ChoiceField(choices=AgencyRole.choices, default=AgencyRole.MEMBER)
    is_agency_admin = serializers.BooleanField(default=False)


class PeopleQuerySerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=PersonStatus.choices, required=False)
    q = serializers.CharField(
        max_length=100, required=False, help_text="Name, username, title or e-mail."
    )


class InvitationSentSerializer(serializers.Serializer):
    invitation_sent = serializers.BooleanField()


class ManagesPeople(permissions.BasePermission):
    """The collection is for agency admins; one person is found through the policy, so a
    person the caller does not manage answers 404 whoever asks."""

    message = "Only your agency's admins manage its people."

    def has_permission(self, request, view) -> bool:
        return view.detail or access.can_manage_people(request.user)


class PersonViewSet(IdempotentPosts, viewsets.GenericViewSet):
    """The people of the caller's agency, for its agency admins."""

    lookup_value_regex = r"\d+"
    permission_classes = [*api_settings.DEFAULT_PERMISSION_CLASSES, ManagesPeople]
    serializer_class = PersonSerializer
    queryset = Profile.objects.none()  # for the schema; reads go through the policy

    def _base_url(self) -> str:
        return self.request.build_absolute_uri("/")

    def _one(self, pk, status_code=status.HTTP_200_OK, **extra):
        body = PersonSerializer(access.person_for(self.request.user, pk)).data
        return Response(body | extra, status=status_code)

    @extend_schema(parameters=[PeopleQuerySerializer], responses=PersonSerializer(many=True))
    def list(self, request):
        query = PeopleQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        people = selectors.people_list(
            request.user,
            status=query.validated_data.get("status", ""),
            query=query.validated_data.get("q", ""),
        )
        page = self.paginate_queryset(people)
        return self.get_paginated_response(PersonSerializer(page, many=True).data)

    @extend_schema(responses=PersonSerializer)
    def retrieve(self, request, pk=None):
        return self._one(pk)

    @extend_schema(request=PersonInviteSerializer, responses={201: PersonInvitedSerializer})
    def create(self, request):
        """Invite a person: the account is created without a password in your agency, and
        a one-time link to set it is e-mailed to them."""
        serializer = PersonInviteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user, sent = services.person_invite(
            actor=request.user, base_url=self._base_url(), **serializer.validated_data
        )
        return self._one(user.pk, status.HTTP_201_CREATED, invitation_sent=sent)

    @extend_schema(request=PersonChangeSerializer, responses=PersonSerializer)
    def partial_update(self, request, pk=None):
        """Change role, title, profession or the agency-admin flag. The agency's last active
        admin cannot remove their own flag."""
        profile = access.person_for(request.user, pk)
        serializer = PersonChangeSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        services.person_update(actor=request.user, profile=profile, **serializer.validated_data)
        return self._one(pk)

    @extend_schema(request=None, responses=PersonSerializer)
    @action(detail=True, methods=["post"])
    def deactivate(self, request, pk=None):
        """Deactivate at once: sessions end, API tokens are revoked, live sockets close.
        You cannot deactivate yourself."""
        profile = access.person_for(request.user, pk)
        services.person_set_active(actor=request.user, user=profile.user, active=False)
        return self._one(pk)

    @extend_schema(request=None, responses=PersonSerializer)
    @action(detail=True, methods=["post"])
    def reactivate(self, request, pk=None):
        """Let a deactivated person sign in again with their password (tokens stay revoked)."""
        profile = access.person_for(request.user, pk)
        services.person_set_active(actor=request.user, user=profile.user, active=True)
        return self._one(pk)

    @extend_schema(request=None, responses=InvitationSentSerializer)
    @action(detail=True, methods=["post"])
    def invitation(self, request, pk=None):
        """Send the invitation again to a person who has not set a password yet; the link
        sent before stops working."""
        profile = access.person_for(request.user, pk)
        sent = services.invitation_resend(
            actor=request.user, user=profile.user, base_url=self._base_url()
        )
        return Response({"invitation_sent": sent})
