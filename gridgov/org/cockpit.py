"""The organisation's part of the cockpit: enforcement staff sunk to the grassroots (the
seed's 65.3% for 南湖区), counted over the staff table (a few thousand rows, one aggregate)."""

from django.utils.translation import gettext_lazy as _

from gridgov.core.registry import CockpitTile, Figure, register_cockpit_tile
from gridgov.rollups.tiles import list_url

from .choices import Capability
from .kpi import enforcement_sinking
from .scoping import area_reader


def read_org(region, period) -> dict:
    figures = enforcement_sinking(area_reader(region), region)
    return {
        "org.sunk_share": figures["share_percent"],
        "org.enforcement_staff": figures["enforcement_staff"],
        "org.sunk": figures["sunk"],
        "charts": {},
    }


def _rows(region, period):
    return list_url("org:kpi-sinking", region)


register_cockpit_tile(
    CockpitTile(
        "org",
        _("Enforcement staff"),
        70,
        (
            Figure("org.sunk_share", _("Sunk to the grassroots"), "%", rows=_rows),
            Figure("org.enforcement_staff", _("Enforcement staff"), "人", rows=_rows),
            Figure("org.sunk", _("Working at town level or below"), "人", rows=_rows),
        ),
        read=read_org,
        requires=Capability.VIEW_KPI,
    )
)
