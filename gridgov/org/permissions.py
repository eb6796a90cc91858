from django.utils.translation import gettext as _
from rest_framework.permissions import BasePermission

from .roles import has_capability


def requires(capability: str) -> type[BasePermission]:
    """A DRF permission class for one capability of the role table."""

    class HasCapability(BasePermission):
        message = _("Your role does not allow this.")

        def has_permission(self, request, view):
            return has_capability(request.user, capability)

    HasCapability.__name__ = f"Has_{capability}"
    return HasCapability
