"""Tags: the vocabularies of the caller's task forces, kept by their coordinators, and the
tags of a case, set by the agencies that manage it."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from activity.idempotency import IdempotentPosts
from activity.inputs import TextField
from agencies.api import TaskForceRefSerializer
from agencies.models import TaskForce
from cases import access, services, work_access
from cases.api.common import IdsField, valid
from cases.models import TAG_MAX_LENGTH, AccessLevel, Tag


class TagSerializer(serializers.ModelSerializer):
    task_force = TaskForceRefSerializer()

    class Meta:
        model = Tag
        fields = ["id", "name", "slug", "task_force"]


class TagCreateSerializer(serializers.Serializer):
    task_force = serializers.PrimaryKeyRelatedField(queryset=TaskForce.objects.all())
    name = TextField(max_length=TAG_MAX_LENGTH)


class CaseTagsSerializer(serializers.Serializer):
    tags = IdsField(
        queryset=Tag.objects.all(), many=True, help_text="Every tag the case should have."
    )


TASK_FORCE = OpenApiParameter(
    "task_force", OpenApiTypes.INT, description="Only the vocabulary of this task force."
)


class TagViewSet(IdempotentPosts, viewsets.GenericViewSet):
    """The tags of the task forces the caller's agency belongs to (or the caller
    coordinates); coordinators add and remove words."""

    serializer_class = TagSerializer
    lookup_value_regex = r"\d+"
    queryset = Tag.objects.none()

    @extend_schema(responses=TagSerializer(many=True), parameters=[TASK_FORCE])
    def list(self, request):
        tags = work_access.visible_tags(request.user).order_by("task_force__name", "name")
        wanted = request.query_params.get("task_force")
        if wanted:
            if not wanted.isdigit():
                raise exceptions.ValidationError({"task_force": ["Give a task force's id."]})
            tags = tags.filter(task_force_id=int(wanted))
        page = self.paginate_queryset(tags)
        return self.get_paginated_response(TagSerializer(page, many=True).data)

    @extend_schema(request=TagCreateSerializer, responses={201: TagSerializer})
    def create(self, request):
        tag = services.tag_create(actor=request.user, **valid(TagCreateSerializer, request.data))
        return Response(TagSerializer(tag).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={204: None})
    def destroy(self, request, pk=None):
        tag = work_access.visible_tags(request.user).filter(pk=pk).first()
        if tag is None:
            raise access.refused(request.user, Tag, pk)
        services.tag_delete(actor=request.user, tag=tag)
        return Response(status=status.HTTP_204_NO_CONTENT)


class CaseTagsView(APIView):
    """The tags of a case (any agency that sees it); setting them (managing agencies), from
    the vocabulary of the case's task force."""

    @extend_schema(responses=TagSerializer(many=True))
    def get(self, request, pk):
        case, _ = access.case_for(request.user, pk)
        tags = case.tags.select_related("task_force").order_by("name")
        return Response(TagSerializer(tags, many=True).data)

    @extend_schema(request=CaseTagsSerializer, responses=TagSerializer(many=True))
    def put(self, request, pk):
        case, _ = access.case_for(request.user, pk, need=AccessLevel.MANAGE)
        data = valid(CaseTagsSerializer, request.data)
        tags = services.case_set_tags(actor=request.user, case=case, tags=data["tags"])
        return Response(TagSerializer(tags, many=True).data)
