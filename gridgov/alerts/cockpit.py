"""The warnings' part of the cockpit: their rollup (by status) and the tile."""

from django.utils.translation import gettext_lazy as _

from gridgov.core.registry import CockpitTile, Figure, register_cockpit_tile
from gridgov.org.choices import Capability
from gridgov.rollups import read
from gridgov.rollups.sources import RollupSpec, register_rollup_source
from gridgov.rollups.tiles import chart, list_url, rate

from .choices import OPEN_WARNING_STATES, WarningStatus
from .models import EarlyWarning

register_rollup_source(
    RollupSpec("warnings", model=EarlyWarning, day="fired_at", dimensions=("status",))
)
OPEN = [s.value for s in OPEN_WARNING_STATES]


def _figures(by_status: dict) -> dict:
    total = sum(by_status.values())
    dismissed = by_status.get(WarningStatus.DISMISSED, 0)
    return {
        "warnings.total": total,
        "warnings.open": sum(by_status.get(s, 0) for s in OPEN),
        "warnings.false_alarm_rate": rate(dismissed, total),
    }


def read_warnings(region, period) -> dict:
    cells = read.totals("warnings", region, period, by=("status",))
    by_status = {key[0]: row["n"] for key, row in cells.items()}
    figures = _figures(by_status)
    trend = read.trend("warnings", region, period)
    figures["charts"] = {
        "trend": chart("line", _("Warnings raised"), trend["labels"], trend["values"]),
        "status": chart(
            "pie",
            _("By status"),
            [WarningStatus(s).label for s in WarningStatus.values],
            [by_status.get(s, 0) for s in WarningStatus.values],
        ),
    }
    return figures


def warnings_by_child(region, period, key) -> dict | None:
    if key not in {f.key for f in FIGURES}:
        return None
    cells = read.by_child("warnings", region, period, by=("status",))
    children: dict[int, dict] = {}
    for (child, status), row in cells.items():
        children.setdefault(child, {})[status] = row["n"]
    return {child: _figures(by_status)[key] for child, by_status in children.items()}


FIGURES = (
    Figure("warnings.total", _("Warnings"), "条", higher_is_better=False,
           rows=lambda r, p: list_url("alerts:list", r)),
    Figure("warnings.open", _("Still open"), "条", higher_is_better=False,
           rows=lambda r, p: list_url("alerts:list", r, None, status=WarningStatus.NEW)),
    Figure("warnings.false_alarm_rate", _("False alarms"), "%", higher_is_better=False),
)  # fmt: skip

register_cockpit_tile(
    CockpitTile(
        "warnings",
        _("Early warnings"),
        30,
        FIGURES,
        read=read_warnings,
        by_child=warnings_by_child,
        requires=Capability.VIEW_KPI,
    )
)
