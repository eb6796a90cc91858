"""Administrators decide which categories the public may report (Open311 services and the
public pages) and what each asks, and manage client applications' keys. Every save goes
through the actions in .actions, checked and audited."""

from django.contrib import admin, messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gridgov.core.admin import ThroughActions, checked_form
from gridgov.core.errors import GridGovError

from . import actions
from .models import ClientApplication, PublicService, ServiceAttribute


class ServiceAttributeInline(admin.TabularInline):
    model = ServiceAttribute
    extra = 0
    fields = ["order", "code", "description", "datatype", "required", "variable", "values",
              "datatype_description"]  # fmt: skip

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form = checked_form(formset.form, actions.check_service_attribute)
        return formset


@admin.register(PublicService)
class PublicServiceAdmin(ThroughActions):
    save_action = staticmethod(actions.do_save_public_service)
    check_action = staticmethod(actions.check_public_service)
    list_display = ["category", "is_public", "keywords"]
    list_filter = ["is_public"]
    list_select_related = ["category", "category__parent"]
    raw_id_fields = ["category"]
    inlines = [ServiceAttributeInline]

    def save_formset(self, request, form, formset, change):
        """The questions go through their own audited actions, one by one."""
        attributes = formset.save(commit=False)
        for attribute in formset.deleted_objects:
            actions.do_delete_service_attribute(attribute, actor=request.user)
        for attribute in attributes:
            actions.do_save_service_attribute(attribute, actor=request.user)


@admin.register(ClientApplication)
class ClientApplicationAdmin(admin.ModelAdmin):
    """Adding a client issues its api_key, shown once; keys are revoked, never edited."""

    list_display = ["name", "prefix", "contact", "created_at", "revoked_at"]
    fields = ["name", "contact"]
    actions = ["revoke"]

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False  # revoke instead: the audit trail keeps the client

    def save_model(self, request, obj, form, change):
        client, key = actions.do_issue_client_key(obj.name, contact=obj.contact, actor=request.user)
        obj.pk = client.pk
        messages.warning(
            request,
            _("The api_key of %(name)s is %(key)s — copy it now: it is not shown again.")
            % {"name": client.name, "key": key},
        )

    @admin.action(description=gettext_lazy("Revoke the selected api_keys"))
    def revoke(self, request, queryset):
        for client in queryset:
            try:
                actions.do_revoke_client_key(client, actor=request.user)
            except GridGovError as error:
                messages.error(request, f"{client}: {error.message}")
