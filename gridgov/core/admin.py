from django.contrib import admin

from .models import AuditEntry


class ReadOnlyAdmin(admin.ModelAdmin):
    """Browse and search in the admin; every change goes through the product's actions, so that
    it is checked and audited the same way whichever screen it comes from."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor_label", "action", "target_type", "target_id", "summary"]
    list_filter = ["action"]
    search_fields = ["actor_label", "target_id", "summary"]
    date_hierarchy = "at"
