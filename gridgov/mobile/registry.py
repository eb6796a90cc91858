"""What the phone app brings to the platform: a link to it in the navigation."""

from django.utils.translation import gettext_lazy as _

from gridgov.core.registry import ANY_CAPABILITY, NavEntry, register_navigation

register_navigation(NavEntry(_("Phone app"), "mobile:app", 5, requires=ANY_CAPABILITY))
