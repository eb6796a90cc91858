from django.contrib import admin

from gridgov.core.admin import ReadOnlyAdmin

from .models import CalendarDay


@admin.register(CalendarDay)
class CalendarDayAdmin(ReadOnlyAdmin):
    list_display = ["date", "name", "is_working_day", "source", "updated_at"]
    list_filter = ["is_working_day"]
    search_fields = ["name", "source"]
    date_hierarchy = "date"
