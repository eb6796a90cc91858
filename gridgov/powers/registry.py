"""What the power items bring to the platform: the demo's catalogue, its page in the
navigation and the catalogue import handler.

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

from . import (
    cockpit,  # noqa: F401 - its cockpit tile
    jobs,  # noqa: F401 - registers the catalogue import handler
)
from .demo import load_demo_powers

# 南湖区's power items, held by its units.
register_demo(DemoStep("powers", lambda demo: load_demo_powers(actor=demo.actor), ("org",)))
register_navigation(NavEntry(_("Power items"), "powers:list", 90, requires=ANY_CAPABILITY))
