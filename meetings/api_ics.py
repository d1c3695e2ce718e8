"""The meeting as an iCalendar file, over the API (the feeds are pages: frontend/calendars.py)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.views import APIView

from meetings import access, ics, services


class NotExportable(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "not_exportable"
    default_detail = "This meeting cannot be written as iCalendar."


class MeetingIcsView(APIView):
    """The meeting as an iCalendar file; 409 when the meeting cannot be written (a rule
    stored before rules were checked), with what to do."""

    @extend_schema(
        responses={
            (200, "text/calendar"): OpenApiTypes.STR,
            409: OpenApiResponse(description="The meeting cannot be written as iCalendar."),
        }
    )
    def get(self, request, pk):
        meeting = access.meeting_for(request.user, pk)
        try:
            body = ics.calendar(
                [meeting],
                url_for=lambda m: request.build_absolute_uri(m.get_absolute_url()),
                name=meeting.task_force.name,
            )
        except ics.RenderError as error:
            raise NotExportable(str(error)) from error
        services.meeting_record_export(actor=request.user, meeting=meeting)
        return ics.response(body, f"meeting-{meeting.pk}.ics")
