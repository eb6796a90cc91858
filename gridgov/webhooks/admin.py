from django.contrib import admin

from gridgov.core.admin import ReadOnlyAdmin

from .models import Attempt, Message, Subscription


@admin.register(Subscription)
class SubscriptionAdmin(ReadOnlyAdmin):
    list_display = ["name", "format", "url", "region", "is_active", "consecutive_failures"]
    list_filter = ["format", "is_active"]
    search_fields = ["name", "url"]
    exclude = ["secret"]  # shown once, when created; never again


class AttemptInline(admin.TabularInline):
    model = Attempt
    extra = 0
    can_delete = False
    readonly_fields = ["number", "at", "status_code", "latency_ms", "error", "response_body"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Message)
class MessageAdmin(ReadOnlyAdmin):
    list_display = ["msg_id", "subscription", "topic", "status", "attempts", "created_at"]
    list_filter = ["status", "topic"]
    search_fields = ["msg_id"]
    inlines = [AttemptInline]
