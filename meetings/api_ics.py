"""The meeting as an iCalendar file, over the API (the feeds are pages: frontend/calendars.py)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.views import APIView

from cases import access
from meetings import ics


class MeetingIcsView(APIView):
    """The meeting as an iCalendar file."""

    @extend_schema(responses={(200, "text/calendar"): OpenApiTypes.STR})
    def get(self, request, pk):
        meeting = access.meeting_for(request.user, pk)
        body = ics.calendar(
            [meeting],
            url_for=lambda m: request.build_absolute_uri(m.get_absolute_url()),
            name=meeting.task_force.name,
        )
        return ics.response(body, f"meeting-{meeting.pk}.ics")
