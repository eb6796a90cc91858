"""What the early warnings bring to the platform: the demo's rules and warnings, their page,
and the worker's evaluation and intake jobs.

Read once at start-up (`gridgov.core.apps`).
"""

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from gridgov.core.registry import (
    DemoStep,
    NavEntry,
    register_demo,
    register_job,
    register_navigation,
)

from . import (
    cockpit,  # noqa: F401 - its cockpit tile and rollups
    jobs,  # noqa: F401 - registers the evaluation and intake tasks
)
from .demo import load_demo_alerts

# The warnings behind inspections, at the filed sites, from the events' complaints.
register_demo(
    DemoStep(
        "alerts",
        lambda demo: load_demo_alerts(seed=demo.seed, actor=demo.actor),
        after=("filings", "inspections", "events"),
    )
)
register_navigation(NavEntry(_("Warnings"), "alerts:list", 20))
# The evaluator every few seconds, as a safety net: the intake queues it as it goes.
register_job("gridgov.alerts.jobs.evaluate_signals", settings.GRIDGOV_WARNING_SWEEP_SECONDS)
register_job("gridgov.alerts.jobs.ingest_complaints", 60)
register_job("gridgov.alerts.jobs.ingest_expiring_filings", 3600)
