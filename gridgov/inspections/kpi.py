"""The joint inspections' figures — by region, by department and by scenario.

- by trigger (plan, event, warning) and the share triggered by warnings (the seed's 47.05%);
- the share of joint inspections (more than one department in one visit) and the visits saved
  (each joint visit replaces one visit per department's need);
- completion (inspected or closed, of everything not cancelled) and on-time rates (completed
  without ever passing a deadline);
- the rectification rate: orders put right, of the orders issued.

Computed in the database: the inspections of the area and period are grouped by
trigger × status × late × scenario (× child region), with the sums the figures need; the few
hundred groups are added up here. Departments are counted through the assignments table.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Q, Sum

from gridgov.org.models import Department
from gridgov.regions.choices import child_level
from gridgov.regions.models import Region

from .choices import InspectionStatus, RectificationStatus, Trigger
from .models import InspectionAssignment, RectificationOrder, Scenario
from .selectors import tasks_for

S = InspectionStatus
COMPLETED = {S.INSPECTED, S.CLOSED}

GROUP_SUMS = {
    "n": Count("pk"),
    "joint": Count("pk", filter=Q(department_count__gt=1)),
    "needs": Sum("needs_merged"),
    "rated": Count("rating"),
    "rating_total": Sum("rating"),
}


@dataclass
class InspectionKpiQuery:
    region: Region | None = None
    department: Department | None = None
    scenario: Scenario | None = None
    start: datetime | None = None  # created at or after
    end: datetime | None = None  # created before


def _tasks(user, query: InspectionKpiQuery):
    tasks = tasks_for(user).exclude(status=S.CANCELLED)
    if query.region is not None:
        tasks = tasks.filter(**{query.region.level: query.region.pk})
    if query.department is not None:
        units = Department.objects.filter(path__startswith=query.department.path).values("pk")
        tasks = tasks.filter(
            pk__in=InspectionAssignment.objects.filter(department__in=units).values("task")
        )
    if query.scenario is not None:
        tasks = tasks.filter(scenario=query.scenario)
    if query.start is not None:
        tasks = tasks.filter(created_at__gte=query.start)
    if query.end is not None:
        tasks = tasks.filter(created_at__lt=query.end)
    return tasks


def _rate(part, whole):
    return round(100 * part / whole, 2) if whole else None


def _summary(groups) -> dict:
    total = sum(g["n"] for g in groups)
    by_trigger = defaultdict(int)
    for g in groups:
        by_trigger[g["trigger"]] += g["n"]
    completed = sum(g["n"] for g in groups if g["status"] in COMPLETED)
    on_time = sum(g["n"] for g in groups if g["status"] in COMPLETED and not g["late"])
    joint = sum(g["joint"] for g in groups)
    needs = sum(g["needs"] or 0 for g in groups)
    rated = sum(g["rated"] for g in groups)
    return {
        "total": total,
        "by_trigger": [
            {"trigger": t.value, "label": str(t.label), "count": by_trigger[t.value]}
            for t in Trigger
        ],
        # 预警触发检查占比
        "warning_share": _rate(by_trigger[Trigger.WARNING], total),
        "joint": joint,
        "joint_share": _rate(joint, total),
        # Every merged need would have been a visit of its own.
        "visits_saved": needs - total,
        "completed": completed,
        "completion_rate": _rate(completed, total),
        "on_time_rate": _rate(on_time, completed),
        "rating_avg": (
            round(sum(g["rating_total"] or 0 for g in groups) / rated, 2) if rated else None
        ),
    }


def inspection_kpis(user, query: InspectionKpiQuery) -> dict:
    child = child_level(query.region.level) if query.region is not None else None
    if child in ("village", "grid", "microgrid"):
        child = None  # inspections are ranked by county and town
    keys = ["trigger", "status", "late", "scenario_id", *([child] if child else [])]
    tasks = _tasks(user, query)
    groups = list(tasks.order_by().values(*keys).annotate(**GROUP_SUMS))
    result = _summary(groups)
    result["rectification"] = _rectification(tasks)
    result["by_scenario"] = _by_scenario(groups)
    result["by_department"] = _by_department(tasks)
    if child:
        result["by_region"] = _by_region(groups, child, query.region)
    return result


def _rectification(tasks) -> dict:
    counts = (
        RectificationOrder.objects.filter(task__in=tasks.values("pk"))
        .order_by()
        .aggregate(
            issued=Count("pk"),
            passed=Count("pk", filter=Q(status=RectificationStatus.PASSED)),
            escalated=Count("pk", filter=Q(status=RectificationStatus.ESCALATED)),
        )
    )
    # 整改率: put right, of every order issued (turned into a case counts as not put right).
    counts["rate"] = _rate(counts["passed"], counts["issued"])
    return counts


def _by_scenario(groups) -> list[dict]:
    by_id = defaultdict(list)
    for g in groups:
        by_id[g["scenario_id"]].append(g)
    names = dict(Scenario.objects.filter(pk__in=by_id).values_list("pk", "name"))
    rows = [{"name": names.get(pk, "?"), **_summary(gs)} for pk, gs in by_id.items()]
    return sorted(rows, key=lambda r: (-r["total"], r["name"]))


def _by_department(tasks) -> list[dict]:
    """Each department's inspections (a joint visit counts for each of its departments)."""
    rows = (
        InspectionAssignment.objects.filter(task__in=tasks.values("pk"))
        .order_by()
        .values("department_id", "department__name")
        .annotate(
            n=Count("pk"),
            warning=Count("pk", filter=Q(task__trigger=Trigger.WARNING)),
            joint=Count("pk", filter=Q(task__department_count__gt=1)),
            completed=Count("pk", filter=Q(task__status__in=COMPLETED)),
            on_time=Count("pk", filter=Q(task__status__in=COMPLETED, task__late=False)),
        )
    )
    result = [
        {
            "name": r["department__name"],
            "total": r["n"],
            "warning_share": _rate(r["warning"], r["n"]),
            "joint_share": _rate(r["joint"], r["n"]),
            "completion_rate": _rate(r["completed"], r["n"]),
            "on_time_rate": _rate(r["on_time"], r["completed"]),
        }
        for r in rows
    ]
    return sorted(result, key=lambda r: (-r["total"], r["name"]))


def _by_region(groups, level: str, region: Region) -> list[dict]:
    by_child = defaultdict(list)
    for g in groups:
        by_child[g[level]].append(g)
    children = Region.objects.filter(parent=region).values_list("pk", "code", "name")
    rows = [
        {"code": code, "name": name, **_summary(by_child[pk])}
        for pk, code, name in children
        if pk in by_child
    ]
    return sorted(rows, key=lambda r: (-(r["warning_share"] or 0), r["code"]))
