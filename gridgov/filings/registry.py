"""What the night-construction filings bring to the platform: the demo's filings and
their page.

Read once at start-up (`gridgov.core.apps`).
"""

from django.utils.translation import gettext_lazy as _

from gridgov.core.registry import DemoStep, NavEntry, register_demo, register_navigation

from . import cockpit  # noqa: F401 - its cockpit tile
from .demo import load_demo_filings

# At the construction sites the inspections' demo placed.
register_demo(
    DemoStep(
        "filings",
        lambda demo: load_demo_filings(seed=demo.seed, actor=demo.actor),
        after=("inspections",),
    )
)
register_navigation(NavEntry(_("Night-construction filings"), "filings:list", 40))
