"""The events API: the same stream as the dashboard socket, for integrations that poll."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.views import APIView

from activity import live
from activity.pagination import IdCursorPagination
from agencies.access import acting_agency


class EventSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    created_at = serializers.DateTimeField()
    payload = serializers.JSONField()


class EventCursorPagination(IdCursorPagination):
    """Oldest first from ``since``; follow ``next`` until it is null, then poll again with
    the last id seen."""

    ordering = "id"
    page_size = 100
    max_page_size = 500


class EventsView(APIView):
    # Named here so that the schema documents the page (next, previous, results) and its
    # cursor and page_size parameters.
    pagination_class = EventCursorPagination

    @extend_schema(
        parameters=[OpenApiParameter("since", OpenApiTypes.INT, description="Last event id seen")],
        responses=EventSerializer(many=True),
    )
    def get(self, request):
        """Events after ``since`` that the caller's agency (or the caller) may see now."""
        try:
            since = live.parse_since(request.query_params.get("since", "0"))
        except ValueError as error:
            raise serializers.ValidationError({"since": [str(error)]}) from None
        agency = acting_agency(request.user)
        events = live.events_for(
            user=request.user, agency_id=agency.pk if agency else None, since=since
        )
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(events, request, self)
        return paginator.get_paginated_response([live.frame(event) for event in page])
