"""What the evaluation brings to the platform: its demo months, its pages in the navigation,
and the job that evaluates each set's previous month when a month begins.

Read once at start-up (`gridgov.core.apps`). It reads the indicator sources the areas
register; it imports none of them.
"""

from django.utils.translation import gettext_lazy as _

from gridgov.core.registry import (
    DemoStep,
    NavEntry,
    register_demo,
    register_job,
    register_navigation,
)
from gridgov.org.choices import Capability

from .demo import load_demo_evaluation

register_demo(
    DemoStep(
        "evaluation",
        lambda demo: load_demo_evaluation(actor=demo.actor),
        after=("events",),
        summary=lambda demo: f"{demo.figures['evaluation']} months of town evaluation",
    )
)
register_navigation(
    NavEntry(_("Evaluation and rankings"), "evaluation:home", 115, requires=Capability.VIEW_KPI)
)
# Daily: on a month's first day, the previous month appears as a draft; later runs find it.
register_job("gridgov.evaluation.jobs.evaluate_months", 24 * 3600)
