"""The filters of the audit trail's search, shared by the API, the page and the CSV export.

They narrow what the caller may read (``agencies.access.visible_audit_records``); they
never widen it. Dates are UTC days, as the trail's times are.
"""

import datetime as dt

import django_filters
from django import forms
from django.core.validators import RegexValidator
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from activity.live import LARGEST_ID
from activity.models import AuditOutcome, AuditRecord


def _start_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=dt.UTC)


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(django_filters.NumberFilter):
    """A whole id within the range of the column (no decimals, no overflow)."""

    field_class = forms.IntegerField


class AuditRecordFilter(django_filters.FilterSet):
    since = django_filters.DateFilter(
        method="filter_since",
        label="From (UTC day, YYYY-MM-DD)",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    until = django_filters.DateFilter(
        method="filter_until",
        label="To (UTC day, YYYY-MM-DD, included)",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    action = django_filters.CharFilter(
        method="filter_action",
        max_length=64,
        label="Action (case.read; case. for every case action)",
    )
    outcome = django_filters.ChoiceFilter(choices=AuditOutcome.choices)
    person = django_filters.CharFilter(
        field_name="actor__username", max_length=150, label="Person (username)"
    )
    object_type = django_filters.CharFilter(
        method="filter_object_type",
        max_length=201,
        label="Object type (app.model: cases.case, cases.note, meetings.meeting)",
        validators=[
            RegexValidator(
                r"^[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*$", "Give app.model, e.g. cases.case."
            )
        ],
    )
    object_id = django_filters.CharFilter(field_name="target_id", max_length=64, label="Object id")
    agency = IdFilter(field_name="agency_id", min_value=1, max_value=LARGEST_ID, label="Agency id")

    class Meta:
        model = AuditRecord
        fields = []

    def filter_since(self, queryset, name, value):
        return queryset.filter(created_at__gte=_start_of(value))

    def filter_until(self, queryset, name, value):
        if value >= dt.date.max:
            return queryset
        return queryset.filter(created_at__lt=_start_of(value + dt.timedelta(days=1)))

    def filter_action(self, queryset, name, value):
        # A name ending in a dot is a family of actions: "case." finds case.read, case.denied...
        if value.endswith("."):
            return queryset.filter(action__startswith=value)
        return queryset.filter(action=value)

    def filter_object_type(self, queryset, name, value):
        app_label, model = value.split(".", 1)
        return queryset.filter(target_type__app_label=app_label, target_type__model=model)

    def applied(self) -> dict[str, str]:
        """The filters given, as the audit record of the read stores them (valid ones only)."""
        return {
            name: str(value)
            for name, value in self.form.cleaned_data.items()
            if value not in (None, "")
        }
