"""What the organisation brings to the platform: who may read and do what (the scoping gate
and capabilities), the demo's departments, staff and sign-ins, the workbench's "who I am" and
"my area", and its pages in the navigation.

Read once at start-up (`gridgov.core.apps`).
"""

from django.utils.translation import gettext_lazy as _

from gridgov.core.registry import (
    DemoStep,
    NavEntry,
    Tiles,
    register_access,
    register_demo,
    register_navigation,
    register_tiles,
)

from . import cockpit  # noqa: F401 - its cockpit tile
from .demo import DEMO_PASSWORD, demo_logins, load_demo_org
from .models import Staff
from .roles import capabilities_of
from .scoping import scoped
from .selectors import my_area, my_post

register_access(scoped=scoped, capabilities_of=capabilities_of)
register_demo(
    DemoStep(
        "org",
        lambda demo: load_demo_org(seed=demo.seed, actor=demo.actor),
        after=("regions",),
        summary=lambda demo: f"{Staff.objects.count()} staff",
        loaded=Staff.objects.exists,
        logins=demo_logins,
        password=DEMO_PASSWORD,
    )
)
register_tiles(Tiles("org/workbench_me.html", my_post, order=0))
register_tiles(Tiles("org/workbench_area.html", my_area, order=90))
register_navigation(
    NavEntry(_("Staff"), "org:staff", 70, requires="view_staff"),
    NavEntry(_("Statistics"), "org:kpi-sinking", 130, requires="view_kpi"),
)
