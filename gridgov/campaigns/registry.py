"""What the campaign boards bring to the platform: the demo's urban renewal campaign and the
boards' page in the navigation.

Read once at start-up (`gridgov.core.apps`).
"""

from django.utils.translation import gettext_lazy as _

from gridgov.core.registry import DemoStep, NavEntry, register_demo, register_navigation

from . import (
    cockpit,  # noqa: F401 - its cockpit tile
    jobs,  # noqa: F401  (registers the item import's job handler)
)
from .demo import load_demo_campaigns

# The task force's staff are the org demo's.
register_demo(
    DemoStep(
        "campaigns",
        lambda demo: load_demo_campaigns(seed=demo.seed, actor=demo.actor),
        after=("org",),
    )
)
register_navigation(NavEntry(_("Campaign boards"), "campaigns:list", 110, "view_campaigns"))
