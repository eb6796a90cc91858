from django.contrib import admin

from gridgov.core.admin import ReadOnlyAdmin

from .models import DailySummary, Report, ReportSubscription


@admin.register(ReportSubscription)
class ReportSubscriptionAdmin(ReadOnlyAdmin):
    list_display = ["region", "frequency", "is_active", "created_at"]
    list_filter = ["frequency", "is_active"]
    search_fields = ["region__code", "region__name"]


@admin.register(Report)
class ReportAdmin(ReadOnlyAdmin):
    list_display = ["region", "frequency", "period", "status", "made_at"]
    list_filter = ["frequency", "status"]
    search_fields = ["region__code", "region__name", "period"]


@admin.register(DailySummary)
class DailySummaryAdmin(ReadOnlyAdmin):
    list_display = ["region", "day", "made_at"]
    search_fields = ["region__code", "region__name"]
