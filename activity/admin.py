from django.contrib import admin

from activity.models import AuditRecord, Event


@admin.register(AuditRecord)
class AuditRecordAdmin(admin.ModelAdmin):
    """Read-only: the trail is append-only, also for superusers."""

    list_display = [
        "created_at",
        "actor",
        "agency",
        "action",
        "outcome",
        "target_repr",
        "ip_address",
    ]
    list_filter = ["outcome", "action", "agency"]
    search_fields = ["action", "target_repr", "actor__username"]
    list_select_related = ["actor", "agency"]
    date_hierarchy = "created_at"
    # ``changes`` can hold case and meeting content (titles, summaries, reasons): operators
    # see who did what to which object, never the content. The hashes stay out too: a hash
    # over content lets whoever sees it test guesses of that content.
    fields = [
        "created_at",
        "actor",
        "agency",
        "action",
        "outcome",
        "target_type",
        "target_id",
        "target_repr",
        "ip_address",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    """The event log, without payloads: they carry case content for their audience only."""

    list_display = ["id", "created_at", "kind", "subject_key", "detail_key"]
    list_filter = ["kind"]
    fields = ["id", "created_at", "kind", "subject_key", "detail_key"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
