"""The filters of case lists, shared by the API and the pages. Only whitelisted fields
filter or order."""

import django_filters

from agencies.models import Agency, TaskForce
from cases import selectors
from cases.models import Case, CaseKind, CasePriority, CaseStatus


class CaseFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=CaseStatus.choices)
    kind = django_filters.ChoiceFilter(choices=CaseKind.choices)
    priority = django_filters.ChoiceFilter(choices=CasePriority.choices)
    task_force = django_filters.ModelChoiceFilter(queryset=TaskForce.objects.all())
    lead_agency = django_filters.ModelChoiceFilter(queryset=Agency.objects.all())
    q = django_filters.CharFilter(method="search", label="Text in number, title or summary")
    ordering = django_filters.ChoiceFilter(
        choices=[(key, key) for key in selectors.CASE_ORDERINGS],
        method="order",
        label="Order by: " + ", ".join(selectors.CASE_ORDERINGS),
    )

    class Meta:
        model = Case
        fields = ["status", "kind", "priority", "task_force", "lead_agency"]

    def search(self, queryset, name, value):
        return selectors.case_search(queryset, value)

    def order(self, queryset, name, value):
        return queryset.order_by(*selectors.CASE_ORDERINGS[value])
