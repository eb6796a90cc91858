"""What the cockpit brings to the platform: its entry in the navigation.

Read once at start-up (`gridgov.core.apps`).
"""

from django.utils.translation import gettext_lazy as _

from gridgov.core.registry import NavEntry, register_navigation
from gridgov.org.choices import Capability

register_navigation(NavEntry(_("Cockpit"), "cockpit:home", 105, requires=Capability.VIEW_KPI))
