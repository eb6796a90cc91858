"""What the inspections bring to the platform: the demo's scenarios and tasks, their
workbench counters and pages.

Read once at start-up (`gridgov.core.apps`).
"""

from django.utils.translation import gettext_lazy as _

from gridgov.core.registry import (
    DemoStep,
    NavEntry,
    Tiles,
    register_demo,
    register_navigation,
    register_tiles,
)

from . import cockpit  # noqa: F401 - its cockpit tile and rollups
from .demo import load_demo_inspections
from .selectors import inspection_workload

# Their checks trace to the power items; some follow the demo's events.
register_demo(
    DemoStep(
        "inspections",
        lambda demo: load_demo_inspections(seed=demo.seed, actor=demo.actor),
        after=("powers", "events"),
    )
)
register_tiles(
    Tiles(
        "inspections/workbench.html",
        lambda user: {"inspections": inspection_workload(user)},
        order=20,
    )
)
register_navigation(
    NavEntry(_("Inspection tasks"), "inspections:list", 30),
    NavEntry(_("Joint inspection planning"), "inspections:plans", 100, "plan_inspections"),
    NavEntry(_("Inspection statistics"), "inspections:kpi", 120, requires="view_kpi"),
)
