from django.contrib import admin

from gridgov.core.admin import ReadOnlyAdmin

from .models import User


@admin.register(User)
class UserAdmin(ReadOnlyAdmin):
    """Accounts are created with staff posts and changed through audited actions (see
    `manage.py set_password`); lockouts are lifted under Axes › Access attempts."""

    list_display = ["username", "is_active", "is_superuser", "last_login", "date_joined"]
    list_filter = ["is_active", "is_superuser"]
    search_fields = ["username"]
    exclude = ["password"]
