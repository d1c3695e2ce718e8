"""Admin views of meetings for operators: read-only, and a confidential meeting's title is
not shown. Changes go through the pages and the API, where the policy and audit apply."""

from django.contrib import admin

from cases.admin import ReadOnlyAdmin
from meetings import access
from meetings.models import Meeting, Registration


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyAdmin):
    list_display = ["id", "shown_title", "task_force", "kind", "starts_at", "status", "sequence"]
    list_filter = ["task_force", "kind", "status", "confidential"]
    list_select_related = ["task_force"]
    fields = [
        "shown_title",
        "task_force",
        "kind",
        "starts_at",
        "ends_at",
        "timezone",
        "recurrence",
        "status",
        "sequence",
        "confidential",
        "open_to_all",
        "capacity",
    ]

    @admin.display(description="title")
    def shown_title(self, meeting):
        return meeting.title if access.shows_details(meeting) else "(confidential)"


@admin.register(Registration)
class RegistrationAdmin(ReadOnlyAdmin):
    list_display = ["meeting_id", "user", "status", "created_at", "cancelled_at"]
    list_filter = ["status"]
    list_select_related = ["user"]
    fields = ["meeting_id", "user", "status", "created_at", "cancelled_at"]
