"""What the households area brings to the platform: its pages in the navigation, its counters on
the workbench, the ledger import job, the canvasses' table, its part of the demo, the retention
job.

Read once at start-up (`gridgov.core.apps`).
"""

from django.utils.translation import gettext_lazy as _

from gridgov.core.registry import (
    ANY_CAPABILITY,
    DemoStep,
    NavEntry,
    Tiles,
    register_demo,
    register_job,
    register_navigation,
    register_tiles,
)
from gridgov.org.choices import Capability
from gridgov.workflow.attachments import register_photo_holder

# The canvasses' table and the functions of its steps (the engine looks for `actions`), and
# the ledger import job.
from . import (  # noqa: F401
    canvass_actions,
    cockpit,
    ledger_import,
    workflow,
)
from .demo_canvasses import load_demo_canvasses
from .demo_ledgers import load_demo_ledgers
from .models import Resident, Visit
from .selectors import ledger_figures

register_demo(
    DemoStep(
        "households",
        lambda demo: load_demo_ledgers(seed=demo.seed, actor=demo.actor),
        after=("regions", "org"),
        summary=lambda demo: f"{Resident.objects.count()} residents",
        loaded=Resident.objects.exists,
    )
)

# Door-knocking canvasses over the demo town's households: after the step that fills the
# ledgers ("households").
register_demo(DemoStep("canvasses", load_demo_canvasses, after=("households",)))
register_navigation(
    NavEntry(_("Residents"), "households:list", 50, requires=ANY_CAPABILITY),
    NavEntry(_("My grid's buildings"), "households:mine", 51, requires=ANY_CAPABILITY),
    NavEntry(_("Door-knocking canvasses"), "canvasses:list", 60, ANY_CAPABILITY),
    NavEntry(_("Reveals log"), "households:reveals", 120, requires=Capability.REVIEW_REVEALS),
)
register_tiles(Tiles("households/ledger_workbench.html", ledger_figures, order=50))
register_job("gridgov.households.retention.apply_retention_task", 24 * 3600)
# A visit's photos are seen by whoever may see the visit (its household's area).
register_photo_holder(Visit)
