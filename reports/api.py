"""The reports over the API: the same figures and the same small-number rule as the pages.
A suppressed figure is ``{"value": null, "suppressed": true, "display": "fewer than 5"}``."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from reports import access, selectors
from reports.periods import MAX_DAYS, period_from, quarter_from


class ValueSerializer(serializers.Serializer):
    value = serializers.IntegerField(
        allow_null=True, help_text="The number, or null where the small-number rule hides it."
    )
    suppressed = serializers.BooleanField(help_text="True when the number is hidden.")
    display = serializers.CharField(help_text='What to show: "12", or "fewer than 5".')


class FigureSerializer(ValueSerializer):
    key = serializers.CharField()
    label = serializers.CharField()


class SectionSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    source = serializers.CharField(help_text="Where the figures come from.")
    figures = FigureSerializer(many=True)
    total = FigureSerializer(allow_null=True)


class ReportAgencySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    short_name = serializers.CharField()
    name = serializers.CharField()


class ParticipationSerializer(serializers.Serializer):
    agency = ReportAgencySerializer()
    invited = serializers.IntegerField(help_text="Meetings held that the agency was invited to.")
    attended = serializers.IntegerField(help_text="Of those, the ones it accepted.")


class MeetingsSerializer(serializers.Serializer):
    held = serializers.IntegerField(help_text="Meetings held in the period (trainings aside).")
    agencies = ParticipationSerializer(many=True)


class SeriesRowSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    values = ValueSerializer(many=True, help_text="One per quarter, oldest first.")


class QuartersSerializer(serializers.Serializer):
    labels = serializers.ListField(child=serializers.CharField())
    starts = serializers.ListField(child=serializers.DateField())
    rows = SeriesRowSerializer(many=True)


class ScopeSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["task_force", "agency"])
    id = serializers.IntegerField()
    name = serializers.CharField()


class PeriodSerializer(serializers.Serializer):
    def get_fields(self):
        return {
            "from": serializers.DateField(),
            "to": serializers.DateField(),
            "label": serializers.CharField(),
            "time_zone": serializers.CharField(),
        }


class ReportSerializer(serializers.Serializer):
    scope = ScopeSerializer()
    period = PeriodSerializer()
    exact = serializers.BooleanField(help_text="True for an agency's own report: nothing hidden.")
    min_cell = serializers.IntegerField(help_text="Figures below this are hidden unless exact.")
    suppressed_display = serializers.CharField()
    sections = SectionSerializer(many=True)
    meetings = MeetingsSerializer()
    quarters = QuartersSerializer()


QUARTER_PARAMETERS = [
    OpenApiParameter(
        "from",
        OpenApiTypes.DATE,
        description="First day of a calendar quarter (YYYY-MM-DD). Without from and to: the "
        "current quarter.",
    ),
    OpenApiParameter(
        "to",
        OpenApiTypes.DATE,
        description="Last day of the same quarter. Any other range is a 400: a task force "
        "report covers one calendar quarter.",
    ),
]

PERIOD_PARAMETERS = [
    OpenApiParameter(
        "from",
        OpenApiTypes.DATE,
        description="First day (YYYY-MM-DD). Without from and to: the current quarter.",
    ),
    OpenApiParameter(
        "to", OpenApiTypes.DATE, description=f"Last day, at most {MAX_DAYS:,} days after from."
    ),
]


class TaskForceReportView(APIView):
    """A task force's report for one calendar quarter: coordinators and agency admins of
    member agencies. A figure is hidden below the minimum, and where the part of it beyond
    the caller's own agency is below the minimum."""

    @extend_schema(parameters=QUARTER_PARAMETERS, responses=ReportSerializer)
    def get(self, request, pk):
        task_force = access.task_force_report_for(request.user, pk)
        period = quarter_from(request.query_params, task_force.time_zone)
        return Response(selectors.task_force_report(task_force, period, viewer=request.user))


class AgencyReportView(APIView):
    """An agency's own report, exact: the people of that agency only."""

    @extend_schema(parameters=PERIOD_PARAMETERS, responses=ReportSerializer)
    def get(self, request, pk):
        agency = access.agency_report_for(request.user, pk)
        period = period_from(request.query_params, selectors.agency_zone(agency))
        return Response(selectors.agency_report(agency, period))
