"""What the households area brings to the platform. Read once at start-up (`gridgov.core.apps`)."""

from django.utils.translation import gettext_lazy as _

from gridgov.core.registry import (
    ANY_CAPABILITY,
    DemoStep,
    NavEntry,
    register_demo,
    register_job,
    register_navigation,
)

# The canvasses' table and the functions of its steps (the engine looks for `actions`).
from . import canvass_actions, workflow  # noqa: F401
from .demo_canvasses import load_demo_canvasses

# Door-knocking canvasses over the demo town's households, when the demo has them: after the
# step that fills the ledgers ("households") wherever that step is registered.
register_demo(DemoStep("canvasses", load_demo_canvasses, after=("org",)))
register_navigation(NavEntry(_("Door-knocking canvasses"), "canvasses:list", 60, ANY_CAPABILITY))
register_job("gridgov.households.retention.apply_retention_task", 24 * 3600)
