"""The inspections' part of the cockpit: their rollup (by trigger and status) and the tile —
by trigger, the warning-triggered share (the seed's 47.05%), the joint share, visits saved."""

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext_lazy as _

from gridgov.core.registry import CockpitTile, Figure, register_cockpit_tile
from gridgov.org.choices import Capability
from gridgov.rollups import read
from gridgov.rollups.sources import RollupSpec, register_rollup_source
from gridgov.rollups.tiles import chart, list_url, rate

from .choices import InspectionStatus, Trigger
from .models import InspectionTask

S = InspectionStatus
COUNTED = [s.value for s in S if s != S.CANCELLED]
COMPLETED = {S.INSPECTED, S.CLOSED}

register_rollup_source(
    RollupSpec(
        "inspections",
        model=InspectionTask,
        day="created_at",
        dimensions=("trigger", "status"),
        sums={
            "joint": Count("pk", filter=Q(department_count__gt=1)),
            "needs": Sum("needs_merged"),
            "on_time": Count("pk", filter=Q(late=False)),
        },
    )
)


def _kpi_rows(region, period):
    first, last = period.first.isoformat(), period.last.isoformat()
    return list_url("inspections:kpi", region, None, **{"from": first, "to": last})


def _figures(cells: dict) -> dict:
    """From {(trigger, status): sums} what inspections.kpi computes from the tasks."""
    counted = {key: row for key, row in cells.items() if key[1] in COUNTED}
    total = sum(row["n"] for row in counted.values())
    warning = sum(row["n"] for (trigger, _s), row in counted.items() if trigger == Trigger.WARNING)
    joint = sum(row["joint"] for row in counted.values())
    completed = sum(row["n"] for (_t, s), row in counted.items() if s in COMPLETED)
    on_time = sum(row["on_time"] for (_t, s), row in counted.items() if s in COMPLETED)
    return {
        "inspections.total": total,
        "inspections.warning_share": rate(warning, total),
        "inspections.joint_share": rate(joint, total),
        "inspections.visits_saved": sum(row["needs"] for row in counted.values()) - total,
        "inspections.completion_rate": rate(completed, total),
        "inspections.on_time_rate": rate(on_time, completed),
    }


def read_inspections(region, period) -> dict:
    cells = read.totals("inspections", region, period, by=("trigger", "status"))
    figures = _figures(cells)
    by_trigger = {
        t: sum(row["n"] for (trigger, s), row in cells.items() if trigger == t and s in COUNTED)
        for t in Trigger.values
    }
    trend = read.trend("inspections", region, period, where={"status": COUNTED})
    figures["charts"] = {
        "trigger": chart(
            "pie", _("By trigger"), [Trigger(t).label for t in by_trigger], by_trigger.values()
        ),
        "trend": chart("line", _("Inspections"), trend["labels"], trend["values"]),
    }
    return figures


def inspections_by_child(region, period, key) -> dict | None:
    if key not in {f.key for f in FIGURES}:
        return None
    cells = read.by_child("inspections", region, period, by=("trigger", "status"))
    children: dict[int, dict] = {}
    for (child, trigger, status), row in cells.items():
        children.setdefault(child, {})[(trigger, status)] = row
    return {child: _figures(rows)[key] for child, rows in children.items()}


FIGURES = (
    Figure("inspections.total", _("Inspections"), "次", rows=_kpi_rows),
    Figure("inspections.warning_share", _("Triggered by warnings"), "%", rows=_kpi_rows),
    Figure("inspections.joint_share", _("Joint inspections"), "%", rows=_kpi_rows),
    Figure("inspections.visits_saved", _("Visits saved"), "次", rows=_kpi_rows),
    Figure("inspections.completion_rate", _("Completion rate"), "%"),
    Figure("inspections.on_time_rate", _("On-time rate"), "%"),
)

register_cockpit_tile(
    CockpitTile(
        "inspections",
        _("Joint inspections"),
        20,
        FIGURES,
        read=read_inspections,
        by_child=inspections_by_child,
        requires=Capability.VIEW_KPI,
    )
)
