"""Frontline care's part of the cockpit: care visits, problems solved, rest orders issued in the
period (small tables: the care figures' own aggregates)."""

from django.utils.translation import gettext_lazy as _

from gridgov.core.registry import CockpitTile, Figure, register_cockpit_tile
from gridgov.org.choices import Capability
from gridgov.org.scoping import area_reader
from gridgov.rollups.tiles import list_url

from .kpi import KpiQuery, care_kpis


def read_care(region, period) -> dict:
    start, end = period.bounds()
    totals = care_kpis(area_reader(region), KpiQuery(region=region, start=start, end=end))
    totals = totals["totals"]
    return {
        "care.visits": totals["visits"],
        "care.problems_solved": totals["problems_solved"],
        "care.rest_orders": totals["rest_orders_issued"],
        "charts": {},
    }


def _rows(region, period):
    first, last = period.first.isoformat(), period.last.isoformat()
    return list_url("care:kpi", region, None, **{"from": first, "to": last})


register_cockpit_tile(
    CockpitTile(
        "care",
        _("Frontline care"),
        90,
        (
            Figure("care.visits", _("Care visits"), "次", rows=_rows),
            Figure("care.problems_solved", _("Problems solved"), "个", rows=_rows),
            Figure("care.rest_orders", _("Rest orders issued"), "份", rows=_rows),
        ),
        read=read_care,
        requires=Capability.VIEW_KPI,
    )
)
