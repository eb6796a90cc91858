"""The resident services in the admin: the catalogue is edited through its action (checked and
audited); everything else is browse and search only."""

from django.contrib import admin, messages

from gridgov.core.admin import ReadOnlyAdmin
from gridgov.core.errors import GridGovError

from . import actions, models

PLACES = ["city", "county", "town", "village", "grid", "microgrid"]


@admin.register(models.ProxyService)
class ProxyServiceAdmin(admin.ModelAdmin):
    list_display = ["name", "county", "mode", "usual_days", "office", "is_active"]
    list_filter = ["mode", "is_active"]
    search_fields = ["name", "office"]
    raw_id_fields = ["county"]

    def has_delete_permission(self, request, obj=None):
        return False  # requests refer to it: take it out of the catalogue instead

    def save_model(self, request, obj, form, change):
        data = actions.ServiceData(
            **{name: form.cleaned_data[name] for name in
               ("name", "documents", "office", "usual_days", "mode", "is_active")}
        )  # fmt: skip
        existing = models.ProxyService.objects.get(pk=obj.pk) if change else None
        try:
            saved = actions.do_save_service(
                data, actor=request.user, county=form.cleaned_data["county"], service=existing
            )
        except GridGovError as error:
            messages.error(request, error.message)
            return
        obj.pk = saved.pk


@admin.register(models.Agent)
class AgentAdmin(ReadOnlyAdmin):
    list_display = ["staff", "region", "is_active"]
    list_select_related = ["staff", "region"]
    raw_id_fields = ["staff", "region"]


@admin.register(models.ProxyRequest)
class ProxyRequestAdmin(ReadOnlyAdmin):
    list_display = ["number", "service", "status", "agent", "due_on", "late"]
    list_filter = ["status", "late"]
    search_fields = ["number"]
    list_select_related = ["service", "agent"]
    raw_id_fields = ["service", "resident", "agent", *PLACES]


@admin.register(models.VolunteerTeam)
class VolunteerTeamAdmin(ReadOnlyAdmin):
    list_display = ["name", "kind", "region", "organiser"]
    list_select_related = ["region", "organiser"]


@admin.register(models.Activity)
class ActivityAdmin(ReadOnlyAdmin):
    list_display = ["title", "team", "place", "starts_at", "capacity"]
    list_select_related = ["team"]


@admin.register(models.HomeTask)
class HomeTaskAdmin(ReadOnlyAdmin):
    list_display = ["number", "summary", "group", "status", "due_day"]
    list_filter = ["status", "group"]
    list_select_related = ["group"]
    raw_id_fields = ["resident", "team", "volunteer", *PLACES]
