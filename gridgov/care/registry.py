"""What frontline care brings to the platform: the demo's duty posts, shifts, visits and rest
orders, its pages in the navigation, and the periodic look for overwork.

Read once at start-up (`gridgov.core.apps`).
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

from . import cockpit  # noqa: F401 - its cockpit tile
from .demo import load_demo_care

register_demo(
    DemoStep("care", lambda demo: load_demo_care(seed=demo.seed, actor=demo.actor), after=("org",))
)
register_navigation(NavEntry(_("Frontline care"), "care:home", 45, requires=Capability.VIEW_STAFF))
# Overwork found within the hour; rests that are over end on the same run.
register_job("gridgov.care.jobs.detect_overwork", 3600)
