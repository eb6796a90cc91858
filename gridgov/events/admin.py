"""Administrators configure the taxonomy and the routing rules here; events themselves are
read-only (their only write path is the workflow)."""

from django.contrib import admin, messages

from gridgov.core.admin import ReadOnlyAdmin
from gridgov.core.errors import GridGovError

from .catalogue import do_delete_routing_rule, do_save_category, do_save_routing_rule
from .models import Event, EventCategory, RoutingRule


class ThroughActions(admin.ModelAdmin):
    """Saves go through the catalogue's action functions (checked and audited)."""

    save_action = None

    def save_model(self, request, obj, form, change):
        try:
            self.save_action(obj, actor=request.user)
        except GridGovError as error:
            messages.error(request, error.message)


@admin.register(EventCategory)
class EventCategoryAdmin(ThroughActions):
    save_action = staticmethod(do_save_category)
    list_display = [
        "code", "name", "parent", "accept_hours", "dispatch_hours", "handle_hours",
        "verify_hours", "handling_level", "is_active",
    ]  # fmt: skip
    list_filter = ["handling_level", "is_active"]
    search_fields = ["code", "name"]
    list_select_related = ["parent"]

    def has_delete_permission(self, request, obj=None):
        return False  # events point at categories: deactivate instead


@admin.register(RoutingRule)
class RoutingRuleAdmin(ThroughActions):
    save_action = staticmethod(do_save_routing_rule)
    list_display = [
        "id",
        "category",
        "area",
        "unit",
        "unit_kind",
        "unit_level",
        "priority",
        "is_active",
    ]
    list_filter = ["unit_kind", "unit_level", "is_active"]
    autocomplete_fields = []
    raw_id_fields = ["area", "unit"]
    list_select_related = ["category", "category__parent", "area", "unit"]

    def delete_model(self, request, obj):
        do_delete_routing_rule(obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for rule in queryset:
            do_delete_routing_rule(rule, actor=request.user)


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ["number", "title", "category", "status", "town", "reported_at"]
    list_filter = ["status", "source"]
    search_fields = ["number", "title"]
    list_select_related = ["category", "category__parent", "town"]
    exclude = ["reporter_phone"]
