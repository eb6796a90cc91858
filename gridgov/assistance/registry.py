"""What the resident services bring to the platform: their part of the demo (after the demo
town's ledgers), their pages in the navigation.

Read once at start-up (`gridgov.core.apps`).
"""

from django.utils.translation import gettext_lazy as _

from gridgov.core.registry import (
    ANY_CAPABILITY,
    DemoStep,
    NavEntry,
    register_demo,
    register_navigation,
)

from . import cockpit  # noqa: F401 - its cockpit tile
from .demo import load_demo_assistance
from .models import ProxyService

# The requests and home services are for the ledgers' residents: after the demo town's ledgers.

register_demo(
    DemoStep(
        "assistance",
        lambda demo: load_demo_assistance(actor=demo.actor),
        after=("regions", "org", "holidays", "households"),
        loaded=ProxyService.objects.exists,
    )
)
register_navigation(
    NavEntry(_("Proxy requests"), "assistance:requests", 55, requires=ANY_CAPABILITY),
    NavEntry(_("Volunteers"), "assistance:activities", 56, requires=ANY_CAPABILITY),
    NavEntry(_("Home services"), "assistance:tasks", 57, requires=ANY_CAPABILITY),
    NavEntry(_("Resident services statistics"), "assistance:kpi", 126, requires="view_kpi"),
)
