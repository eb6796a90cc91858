"""What the regions bring to the platform: the demo's divisions and grids, their pages in
the navigation, and the boundary import handler.

Read once at start-up (`gridgov.core.apps`).
"""

from django.utils.translation import gettext_lazy as _

from gridgov.core.registry import DemoStep, NavEntry, register_demo, register_navigation

from . import jobs  # noqa: F401 - registers the boundary import handler
from .demo import load_demo_regions
from .demo_geometry import SCALES

register_demo(
    DemoStep(
        "regions",
        lambda demo: load_demo_regions(scale=demo.scale, seed=demo.seed, actor=demo.actor),
        summary=lambda demo: (
            f"{demo.figures['regions']['divisions']} divisions, "
            f"{demo.figures['regions']['created']} grids and micro-grids"
        ),
        scales=SCALES,
    )
)
register_navigation(
    NavEntry(_("Regions and grids"), "regions:home", 60, requires="view_regions"),
    NavEntry(_("Import boundaries"), "regions:import", 80, requires="manage_regions"),
)
