"""Admin views of cases for operators: metadata only, read-only.

Case content (titles, summaries, notes) belongs to the agencies it was shared with; a
superuser operates the portal but is given no case, so the admin shows numbers, parties
and dates, and never a note. Changes go through the pages and the API, where the policy
and the audit trail apply.
"""

from django.contrib import admin

from cases.models import Case, CaseShare


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    list_display = ["number", "task_force", "lead_agency", "kind", "status", "created_at"]
    list_filter = ["task_force", "status", "kind"]
    list_select_related = ["task_force", "lead_agency"]
    search_fields = ["number"]
    fields = [
        "number",
        "task_force",
        "lead_agency",
        "kind",
        "status",
        "status_changed_at",
        "created_at",
    ]


@admin.register(CaseShare)
class CaseShareAdmin(ReadOnlyAdmin):
    list_display = ["case_number", "agency", "level", "granted_at", "expires_on", "ended_at"]
    list_filter = ["level", "agency"]
    list_select_related = ["case", "agency"]
    fields = [
        "case_number",
        "agency",
        "level",
        "purpose",
        "granted_by",
        "granted_at",
        "expires_on",
        "ended_at",
        "ended_by",
        "end_reason",
    ]

    @admin.display(description="case")
    def case_number(self, share):
        return share.case.number
