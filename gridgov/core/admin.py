from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _

from .errors import GridGovError
from .models import AuditEntry

admin.site.site_header = _("GridGov administration")
admin.site.site_title = _("GridGov administration")
admin.site.index_title = _("Data administration")


class ReadOnlyAdmin(admin.ModelAdmin):
    """Browse and search in the admin; every change goes through the product's actions, so that
    it is checked and audited the same way whichever screen it comes from."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ThroughActions(admin.ModelAdmin):
    """An editable admin whose saves and deletes go through the product's action functions
    (checked and audited): save_action(obj, actor=…), delete_action(obj, actor=…)."""

    save_action = None
    delete_action = None
    # check_action(obj) raises the GridGovError save_action would raise, so that the form
    # shows it beside the fields instead of after a failed save.
    check_action = None

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        return checked_form(form, self.check_action) if self.check_action else form

    def save_model(self, request, obj, form, change):
        try:
            self.save_action(obj, actor=request.user)
        except GridGovError as error:
            messages.error(request, error.message)

    def delete_model(self, request, obj):
        if self.delete_action is None:
            raise PermissionDenied
        self.delete_action(obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self.delete_action is not None and super().has_delete_permission(request, obj)


def checked_form(form, check):
    """`form` with `check(instance)` run as part of its validation."""

    class Checked(form):
        def _post_clean(self):
            super()._post_clean()
            if self.errors:
                return
            try:
                check(self.instance)
            except GridGovError as error:
                self.add_error(None, ValidationError(str(error.message)))

    Checked.__name__ = form.__name__
    return Checked


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor_label", "action", "target_type", "target_id", "summary"]
    list_filter = ["action"]
    search_fields = ["actor_label", "target_id", "summary"]
    date_hierarchy = "at"
