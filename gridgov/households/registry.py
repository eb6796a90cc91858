"""What the households area brings to the platform: its pages in the navigation and its
counters on the workbench.

Read once at start-up (`gridgov.core.apps`).
"""

from django.utils.translation import gettext_lazy as _

from gridgov.core.registry import (
    ANY_CAPABILITY,
    NavEntry,
    Tiles,
    register_navigation,
    register_tiles,
)
from gridgov.org.choices import Capability

from .selectors import ledger_figures

register_navigation(
    NavEntry(_("Residents"), "households:list", 50, requires=ANY_CAPABILITY),
    NavEntry(_("My grid's buildings"), "households:mine", 51, requires=ANY_CAPABILITY),
    NavEntry(_("Reveals log"), "households:reveals", 120, requires=Capability.REVIEW_REVEALS),
)
register_tiles(Tiles("households/ledger_workbench.html", ledger_figures, order=50))
