from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import User

# Accounts are managed here: resetting passwords and deactivating users. Lockouts are lifted
# under "Axes" (access attempts).
admin.site.register(User, UserAdmin)
