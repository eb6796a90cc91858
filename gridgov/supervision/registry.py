"""What supervision brings to the platform: the demo's groups, posts, suggestions, projects and
findings; its pages; the daily run of the fund rules.

Read once at start-up (`gridgov.core.apps`).
"""

from django.utils.translation import gettext_lazy as _

from gridgov.core.registry import (
    DemoStep,
    NavEntry,
    register_demo,
    register_indicator_source,
    register_job,
    register_navigation,
)

from . import (
    cockpit,  # noqa: F401 - its cockpit tile
    jobs,  # noqa: F401 - registers the ledger import and the daily fund rules
)
from .demo import load_demo_supervision
from .evaluation import SOURCE as RECTIFIED_ON_TIME

DAY = 24 * 3600

# At the demo's inspection targets (firms, farms, checkpoints), with its discipline offices.
register_demo(
    DemoStep(
        "supervision",
        lambda demo: load_demo_supervision(seed=demo.seed, actor=demo.actor),
        after=("inspections",),
    )
)
register_navigation(
    NavEntry(_("Supervision"), "supervision:list", 45),
    NavEntry(_("Supervision statistics"), "supervision:kpi", 125, requires="view_kpi"),
)
register_job("gridgov.supervision.jobs.run_fund_rules", DAY)
# Findings rectified on time, for the monthly evaluation of towns and departments.
register_indicator_source(RECTIFIED_ON_TIME)
