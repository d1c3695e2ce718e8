"""The filters of case lists, shared by the API and the pages. Only whitelisted fields
filter or order."""

import django_filters

from agencies.models import Agency, TaskForce
from cases import selectors, work_access
from cases.models import (
    TITLE_MAX_LENGTH,
    Case,
    CaseKind,
    CasePriority,
    CaseStatus,
    Tag,
    TraffickingType,
)

# What the page's ordering select says for each key the API accepts.
ORDERING_LABELS = {
    "updated": "Most recently updated",
    "-updated": "Least recently updated",
    "created": "Newest first",
    "-created": "Oldest first",
    "number": "Case number",
    "-number": "Case number, last first",
    "title": "Title",
    "priority": "Priority, most urgent first",
}


class CaseFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Search", max_length=TITLE_MAX_LENGTH)
    status = django_filters.ChoiceFilter(choices=CaseStatus.choices, empty_label="Any status")
    kind = django_filters.ChoiceFilter(choices=CaseKind.choices, empty_label="Any kind")
    priority = django_filters.ChoiceFilter(choices=CasePriority.choices, empty_label="Any priority")
    trafficking_type = django_filters.ChoiceFilter(
        choices=TraffickingType.choices, empty_label="Any trafficking type"
    )
    task_force = django_filters.ModelChoiceFilter(
        queryset=TaskForce.objects.all(), empty_label="Any task force"
    )
    lead_agency = django_filters.ModelChoiceFilter(
        queryset=Agency.objects.all(), empty_label="Any lead agency", label="Lead agency"
    )
    tag = django_filters.ModelChoiceFilter(
        queryset=lambda request: (
            work_access.visible_tags(request.user).order_by("name")
            if request is not None
            else Tag.objects.none()
        ),
        field_name="tags",
        empty_label="Any tag",
        label="Tag",
    )
    # No blank choice: the list is always in some order, most recently updated by default.
    ordering = django_filters.ChoiceFilter(
        choices=[(key, ORDERING_LABELS[key]) for key in selectors.CASE_ORDERINGS],
        method="order",
        label="Order by",
        empty_label=None,
    )

    class Meta:
        model = Case
        fields = ["status", "kind", "priority", "trafficking_type", "task_force", "lead_agency"]

    def search(self, queryset, name, value):
        return selectors.case_search(queryset, value)

    def order(self, queryset, name, value):
        return queryset.order_by(*selectors.CASE_ORDERINGS[value])


def for_paging(user, filtered, params):
    """What a paginator cuts for the case list: the filtered queryset, or, when the
    parameters neither narrow nor reorder the list, the whole list read on the caller's
    access rows (``selectors.WholeCaseList``), which is the same list, faster."""
    ordering = params.get("ordering") or "updated"
    narrowed = any(params.get(name) for name in CaseFilter.base_filters if name != "ordering")
    if narrowed or ordering not in ("updated", "-updated"):
        return filtered
    return selectors.WholeCaseList(user, oldest_first=ordering == "-updated", cases=filtered)
