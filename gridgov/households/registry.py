"""What the households app brings to the platform: its import job and its part of the demo.

Read once at start-up (`gridgov.core.apps`).
"""

from gridgov.core.registry import DemoStep, register_demo

from . import ledger_import  # noqa: F401 - registers the ledger import job
from .demo_ledgers import load_demo_ledgers
from .models import Resident

register_demo(
    DemoStep(
        "households",
        lambda demo: load_demo_ledgers(seed=demo.seed, actor=demo.actor),
        after=("regions", "org"),
        summary=lambda demo: f"{Resident.objects.count()} residents",
        loaded=Resident.objects.exists,
    )
)
