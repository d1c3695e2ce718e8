"""Tasks: the tasks of a case, one task (ETag / If-Match), and the caller's task list."""

from django.contrib.auth import get_user_model
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from activity.conditional import IF_MATCH, etag, if_match
from activity.idempotency import IdempotentPosts
from activity.inputs import TextField
from agencies.api import AgencyRefSerializer
from agencies.models import Agency
from cases import access, services, work_access, work_selectors
from cases.api.common import IdsField, PersonRefSerializer, valid
from cases.models import (
    TASK_DESCRIPTION_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    AccessLevel,
    NoteVisibility,
    Task,
    TaskStatus,
)


class TaskChangeSerializer(serializers.Serializer):
    change = serializers.CharField()
    changed_at = serializers.DateTimeField()
    changed_by = PersonRefSerializer()
    changed_by_agency = AgencyRefSerializer()
    fields = serializers.DictField(
        child=serializers.ListField(),
        help_text='Each changed field with its value before and after: {"status": ["open", '
        '"done"]}.',
    )


class TaskSerializer(serializers.ModelSerializer):
    assigned_agency = AgencyRefSerializer()
    assignee = PersonRefSerializer(allow_null=True)
    created_by = PersonRefSerializer()
    created_by_agency = AgencyRefSerializer()
    restricted_to = AgencyRefSerializer(many=True)
    overdue = serializers.SerializerMethodField()
    case_number = serializers.CharField(source="case.number")

    class Meta:
        model = Task
        fields = [
            "id",
            "case",
            "case_number",
            "title",
            "description",
            "assigned_agency",
            "assignee",
            "due_on",
            "status",
            "overdue",
            "visibility",
            "restricted_to",
            "created_by",
            "created_by_agency",
            "created_at",
            "updated_at",
        ]

    def get_overdue(self, task) -> bool:
        return work_selectors.is_overdue(task)


class TaskDetailSerializer(TaskSerializer):
    history = serializers.SerializerMethodField()

    class Meta(TaskSerializer.Meta):
        fields = [*TaskSerializer.Meta.fields, "history"]

    @extend_schema_field(TaskChangeSerializer(many=True))
    def get_history(self, task) -> list[dict]:
        request = self.context.get("request")
        changes = work_access.visible_task_changes(request.user, task) if request else []
        return TaskChangeSerializer(changes, many=True).data


class TaskCreateSerializer(serializers.Serializer):
    title = TextField(max_length=TITLE_MAX_LENGTH)
    description = TextField(
        required=False, allow_blank=True, default="", max_length=TASK_DESCRIPTION_MAX_LENGTH
    )
    assigned_agency = serializers.PrimaryKeyRelatedField(queryset=Agency.objects.all())
    assignee = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.all(), required=False, allow_null=True, default=None
    )
    due_on = serializers.DateField(required=False, allow_null=True, default=None)
    status = serializers.ChoiceField(choices=TaskStatus.choices, default=TaskStatus.OPEN)
    visibility = serializers.ChoiceField(choices=NoteVisibility.choices, default="case")
    restricted_to = IdsField(queryset=Agency.objects.all(), many=True, required=False, default=list)


class TaskUpdateSerializer(serializers.Serializer):
    title = TextField(max_length=TITLE_MAX_LENGTH, required=False)
    description = TextField(
        required=False, allow_blank=True, max_length=TASK_DESCRIPTION_MAX_LENGTH
    )
    assigned_agency = serializers.PrimaryKeyRelatedField(
        queryset=Agency.objects.all(), required=False
    )
    assignee = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.all(), required=False, allow_null=True
    )
    due_on = serializers.DateField(required=False, allow_null=True)
    status = serializers.ChoiceField(choices=TaskStatus.choices, required=False)
    visibility = serializers.ChoiceField(choices=NoteVisibility.choices, required=False)
    restricted_to = IdsField(queryset=Agency.objects.all(), many=True, required=False)


def _one(request, task: Task, status_code=status.HTTP_200_OK) -> Response:
    data = TaskDetailSerializer(task, context={"request": request}).data
    return Response(data, status=status_code, headers={"ETag": etag(task.version, data)})


class CaseTasksView(IdempotentPosts, APIView):
    """The tasks of a case the caller's agency may see, overdue first; creating a task
    (contributing agencies)."""

    # Named here so that the schema documents the page and its parameters.
    pagination_class = api_settings.DEFAULT_PAGINATION_CLASS

    @extend_schema(responses=TaskSerializer(many=True))
    def get(self, request, pk):
        case, _ = access.case_for(request.user, pk)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(
            work_selectors.case_tasks(request.user, case), request, self
        )
        return paginator.get_paginated_response(TaskSerializer(page, many=True).data)

    @extend_schema(request=TaskCreateSerializer, responses={201: TaskDetailSerializer})
    def post(self, request, pk):
        case, _ = access.case_for(request.user, pk, need=AccessLevel.CONTRIBUTE)
        task = services.task_create(
            actor=request.user, case=case, **valid(TaskCreateSerializer, request.data)
        )
        task, _ = work_access.task_for(request.user, task.pk)
        return _one(request, task, status.HTTP_201_CREATED)


ASSIGNED = OpenApiParameter(
    "assigned",
    OpenApiTypes.STR,
    enum=["mine"],
    description="`mine`: only the tasks assigned to your agency.",
)
STATUS = OpenApiParameter("status", OpenApiTypes.STR, enum=TaskStatus.values)


class TaskViewSet(viewsets.GenericViewSet):
    """Tasks the caller's agency may see across its cases (overdue first), one task with its
    history (and its ETag), and changes to it with If-Match."""

    serializer_class = TaskSerializer
    lookup_value_regex = r"\d+"
    # Only for the schema generator; every read goes through the policy.
    queryset = Task.objects.none()

    @extend_schema(responses=TaskSerializer(many=True), parameters=[ASSIGNED, STATUS])
    def list(self, request):
        assigned = request.query_params.get("assigned", "")
        wanted = request.query_params.get("status", "")
        if assigned not in ("", "mine"):
            raise exceptions.ValidationError({"assigned": ["Use 'mine' or leave it out."]})
        if wanted and wanted not in TaskStatus.values:
            raise exceptions.ValidationError(
                {"status": [f"Choose one of: {', '.join(TaskStatus.values)}."]}
            )
        tasks = work_selectors.task_list(request.user, assigned=assigned, status=wanted)
        page = self.paginate_queryset(tasks)
        return self.get_paginated_response(TaskSerializer(page, many=True).data)

    @extend_schema(responses=TaskDetailSerializer)
    def retrieve(self, request, pk=None):
        task, _ = work_access.task_for(request.user, pk)
        return _one(request, task)

    @extend_schema(
        request=TaskUpdateSerializer, responses=TaskDetailSerializer, parameters=[IF_MATCH]
    )
    def partial_update(self, request, pk=None):
        task, level = work_access.task_for(request.user, pk)
        if not work_access.can_edit_task(level):
            raise exceptions.PermissionDenied("Your agency may read this task but not change it.")
        expected = if_match(request)
        data = valid(TaskUpdateSerializer, request.data)
        task = services.task_update(actor=request.user, task=task, if_match=expected, **data)
        task, _ = work_access.task_for(request.user, task.pk)
        return _one(request, task)

    @extend_schema(request=None, responses=None, exclude=True)
    def update(self, request, pk=None):
        raise exceptions.MethodNotAllowed("PUT", detail="Use PATCH to change a task.")
