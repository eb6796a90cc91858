from django.contrib import admin

from gridgov.core.admin import ReadOnlyAdmin

from .models import Department, Staff


@admin.register(Department)
class DepartmentAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "kind", "region", "parent", "is_enforcement"]
    list_filter = ["kind", "is_enforcement"]
    search_fields = ["code", "name"]
    list_select_related = ["region", "parent"]


@admin.register(Staff)
class StaffAdmin(ReadOnlyAdmin):
    list_display = ["name", "role", "region", "department", "masked_phone", "is_active"]
    list_filter = ["role", "is_active"]
    search_fields = ["name"]
    list_select_related = ["region", "department"]
    # Personal fields stay masked here too; revealing them is an audited action.
    exclude = ["phone", "phone_digest", "id_number", "id_number_digest"]
