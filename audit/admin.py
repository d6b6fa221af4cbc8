from django.contrib import admin

from .models import AuditEvent


# --- Audit trail: read-only; rows are written only by audit.trail.record ---------------
@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("at", "action", "username", "object_repr", "path")
    list_filter = ("action", "at")
    search_fields = ("username", "object_repr", "path", "detail")
    date_hierarchy = "at"
    readonly_fields = ("action", "at", "user", "username", "path", "object_repr", "detail")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
