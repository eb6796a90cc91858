from django.contrib import admin

from gridgov.core.admin import ReadOnlyAdmin

from .models import Region


@admin.register(Region)
class RegionAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "level", "parent", "leader"]
    list_filter = ["level"]
    search_fields = ["code", "name"]
    list_select_related = ["parent", "leader"]
    exclude = ["boundary"]
