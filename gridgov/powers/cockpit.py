"""The power catalogue's part of the cockpit: the comprehensive enforcement bureau's share of
the county's penalty items (the seed's 27.88%), as of the period's last day."""

from django.utils.translation import gettext_lazy as _

from gridgov.core.registry import CockpitTile, Figure, register_cockpit_tile
from gridgov.org.choices import Capability
from gridgov.org.scoping import area_reader
from gridgov.rollups.tiles import list_url

from .kpi import power_kpis


def _jurisdiction(region):
    """The county whose catalogue a region works under (a city has several: none)."""
    return None if region.county_id is None else (
        region if region.level == "county" else region.county
    )  # fmt: skip


def read_powers(region, period) -> dict:
    county = _jurisdiction(region)
    if county is None:
        return {}
    figures = power_kpis(area_reader(county), county, period.last)
    share = figures["penalty_share"]
    return {
        "powers.penalty_share": share["share"],
        "powers.penalty_items": share["penalty_items"],
        "powers.in_force": figures["in_force"],
        "charts": {},
    }


def _rows(region, period):
    county = _jurisdiction(region)
    if county is None:
        return None
    return list_url("powers:kpi", county, None, jurisdiction=county.code,
                    as_of=period.last.isoformat())  # fmt: skip


register_cockpit_tile(
    CockpitTile(
        "powers",
        _("Power items"),
        60,
        (
            Figure("powers.penalty_share", _("Penalty items held by the bureau"), "%", rows=_rows),
            Figure("powers.penalty_items", _("Penalty items"), "项", rows=_rows),
            Figure("powers.in_force", _("Items in force"), "项", rows=_rows),
        ),
        read=read_powers,
        requires=Capability.VIEW_KPI,
    )
)
