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
from gridgov.workflow.attachments import register_photo_holder

# The canvasses' table and the functions of its steps (the engine looks for `actions`).
from . import canvass_actions, workflow  # noqa: F401
from .demo_canvasses import load_demo_canvasses
from .models import Visit

# Door-knocking canvasses over the demo town's households: after the step that fills the
# ledgers ("households").
register_demo(DemoStep("canvasses", load_demo_canvasses, after=("households",)))
register_navigation(NavEntry(_("Door-knocking canvasses"), "canvasses:list", 60, ANY_CAPABILITY))
register_job("gridgov.households.retention.apply_retention_task", 24 * 3600)
# A visit's photos are seen by whoever may see the visit (its household's area).
register_photo_holder(Visit)
