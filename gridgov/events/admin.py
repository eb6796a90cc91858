"""Administrators configure the taxonomy and the routing rules here; events themselves are
read-only (their only write path is the workflow)."""

from django.contrib import admin

from gridgov.core.admin import ReadOnlyAdmin, ThroughActions

from .catalogue import do_delete_routing_rule, do_save_category, do_save_routing_rule
from .models import Event, EventCategory, RoutingRule


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
    # No delete_action: events point at categories; deactivate instead.


@admin.register(RoutingRule)
class RoutingRuleAdmin(ThroughActions):
    save_action = staticmethod(do_save_routing_rule)
    delete_action = staticmethod(do_delete_routing_rule)
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


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ["number", "title", "category", "status", "town", "reported_at"]
    list_filter = ["status", "source"]
    search_fields = ["number", "title"]
    list_select_related = ["category", "category__parent", "town"]
    exclude = ["reporter_phone"]
