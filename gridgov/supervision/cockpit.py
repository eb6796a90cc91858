"""Supervision's part of the cockpit: findings in the period, still open, rectified on time
(the supervision figures' own counts)."""

from django.utils.translation import gettext_lazy as _

from gridgov.core.registry import CockpitTile, Figure, register_cockpit_tile
from gridgov.org.choices import Capability
from gridgov.org.scoping import area_reader
from gridgov.rollups.tiles import list_url

from .kpi import KpiQuery, _rows, _tally


def read_supervision(region, period) -> dict:
    totals = _tally(_rows(area_reader(region), KpiQuery(region, period.first, period.last)))
    return {
        "supervision.found": totals["found"],
        "supervision.open": totals["open"],
        "supervision.on_time_rate": totals["on_time_rate"],
        "charts": {},
    }


def _kpi(region, period):
    first, last = period.first.isoformat(), period.last.isoformat()
    return list_url("supervision:kpi", region, None, **{"from": first, "to": last})


register_cockpit_tile(
    CockpitTile(
        "supervision",
        _("Supervision findings"),
        55,
        (
            Figure("supervision.found", _("Findings"), "条", rows=_kpi),
            Figure("supervision.open", _("Still open"), "条", higher_is_better=False, rows=_kpi),
            Figure("supervision.on_time_rate", _("Rectified on time"), "%", rows=_kpi),
        ),
        read=read_supervision,
        requires=Capability.VIEW_KPI,
    )
)
