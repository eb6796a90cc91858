"""The closed loop's figures: counts, completion, on-time, rework, time per step, satisfaction.

Computed in the database in one scan: the events of the region (or unit) and date range are
grouped by status × category (× child region, for the ranking) with every sum the figures need,
and the few hundred groups are added up here. Never by loading events into Python; the
(region level, reported_at) indexes find the rows. A report merged as a duplicate counts once,
through the event it was merged into.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, Sum

from gridgov.org.models import Department
from gridgov.regions.choices import child_level
from gridgov.regions.models import Region

from .choices import EventStatus
from .models import EventCategory
from .selectors import events_for

S = EventStatus
STEPS = {  # figure name: (end, start) of the step it times
    "accept": ("accepted_at", "reported_at"),
    "dispatch": ("dispatched_at", "accepted_at"),
    "handle": ("handled_at", "dispatched_at"),
    "close": ("closed_at", "handled_at"),
}


def _step_sums() -> dict:
    sums = {}
    for step, (end, start) in STEPS.items():
        sums[f"{step}_total"] = Sum(
            ExpressionWrapper(F(end) - F(start), output_field=DurationField())
        )
        sums[f"{step}_n"] = Count(end, filter=Q(**{f"{start}__isnull": False}))
    return sums


# Per group. A group has one status, so "closed" and "rejected" are the group's count.
GROUP_SUMS = {
    "n": Count("pk"),
    "on_time": Count("pk", filter=Q(late=False)),
    "late": Count("pk", filter=Q(late=True)),
    "reworked": Count("pk", filter=Q(rework_count__gt=0)),
    "escalated": Count("pk", filter=Q(escalation_count__gt=0)),
    "rated": Count("satisfaction"),
    "satisfied": Count("pk", filter=Q(satisfaction__gte=4)),
    "satisfaction_total": Sum("satisfaction"),
    **_step_sums(),
}
REACHED_CHECK = {S.HANDLED, S.VERIFIED, S.CLOSED}


@dataclass
class KpiQuery:
    region: Region | None = None
    unit: Department | None = None
    start: datetime | None = None  # reported at or after
    end: datetime | None = None  # reported before


def _events(user, query: KpiQuery):
    events = events_for(user).exclude(status=S.MERGED)
    if query.region is not None:
        events = events.filter(**{query.region.level: query.region.pk})
    if query.unit is not None:
        units = Department.objects.filter(path__startswith=query.unit.path).values("pk")
        events = events.filter(lead_unit__in=units)
    if query.start is not None:
        events = events.filter(reported_at__gte=query.start)
    if query.end is not None:
        events = events.filter(reported_at__lt=query.end)
    return events


def _rate(part, whole):
    return round(100 * part / whole, 2) if whole else None


def _hours(total, n):
    if not n or total is None:
        return None
    if not isinstance(total, timedelta):  # a backend that sums durations as microseconds
        total = timedelta(microseconds=total)
    return round(total.total_seconds() / 3600 / n, 1)


def _ranking_level(query: KpiQuery) -> str | None:
    if query.region is None or query.unit is not None:
        return None
    return child_level(query.region.level)


def event_kpis(user, query: KpiQuery) -> dict:
    child = _ranking_level(query)
    keys = ["status", "category_id", *([child] if child else [])]
    groups = list(_events(user, query).order_by().values(*keys).annotate(**GROUP_SUMS))
    totals = defaultdict(int)
    by_status, by_category = defaultdict(int), defaultdict(int)
    for g in groups:
        by_status[g["status"]] += g["n"]
        by_category[g["category_id"]] += g["n"]
        for name, value in g.items():
            if name in GROUP_SUMS and value is not None:
                totals[name] = totals[name] + value if name in totals else value
        if g["status"] in REACHED_CHECK:
            totals["reached_check"] += g["n"]
        elif g["reworked"]:
            totals["reached_check"] += g["reworked"]  # sent back, now being handled again
    total = totals["n"]
    closed, rejected = by_status[S.CLOSED], by_status[S.REJECTED]
    closed_on_time = sum(g["on_time"] for g in groups if g["status"] == S.CLOSED)
    result = {
        "total": total,
        "open": total - closed - rejected,
        "closed": closed,
        "rejected": rejected,
        "escalated": totals["escalated"],
        "by_status": [
            {"status": s.value, "label": str(s.label), "count": by_status[s.value]}
            for s in S
            if s != S.MERGED
        ],
        "by_category": _by_top_category(by_category),
        # 结案率: closed of everything accepted into the loop (rejected reports are not work).
        "completion_rate": _rate(closed, total - rejected),
        # 按期处置率: closed with every step inside its limit, of all closed.
        "on_time_rate": _rate(closed_on_time, closed),
        # 返工率: sent back by the checker at least once, of all that reached the check.
        "rework_rate": _rate(totals["reworked"], totals["reached_check"]),
        "satisfaction_rate": _rate(totals["satisfied"], totals["rated"]),
        "satisfaction_avg": (
            round(totals["satisfaction_total"] / totals["rated"], 2) if totals["rated"] else None
        ),
        "rated": totals["rated"],
        "hours_per_step": {
            step: _hours(totals.get(f"{step}_total"), totals[f"{step}_n"]) for step in STEPS
        },
    }
    if child:
        result["by_region"] = _ranking(groups, child, query.region)
    return result


def _by_top_category(counts: dict) -> list[dict]:
    tops: dict[int, dict] = {}
    for category in EventCategory.objects.select_related("parent"):
        top = category.parent or category
        row = tops.setdefault(top.pk, {"code": top.code, "name": top.name, "count": 0})
        row["count"] += counts.get(category.pk, 0)
    return sorted((r for r in tops.values() if r["count"]), key=lambda r: -r["count"])


def _ranking(groups, level: str, region: Region) -> list[dict]:
    """The region's children side by side (towns of a county…): a ranking for leaders."""
    rows = defaultdict(lambda: {"total": 0, "closed": 0, "on_time": 0, "rejected": 0})
    for g in groups:
        row = rows[g[level]]
        row["total"] += g["n"]
        if g["status"] == S.CLOSED:
            row["closed"] += g["n"]
            row["on_time"] += g["on_time"]
        elif g["status"] == S.REJECTED:
            row["rejected"] += g["n"]
    children = Region.objects.filter(parent=region).values_list("pk", "code", "name")
    ranking = [
        {
            "code": code,
            "name": name,
            "total": rows[pk]["total"],
            "completion_rate": _rate(rows[pk]["closed"], rows[pk]["total"] - rows[pk]["rejected"]),
            "on_time_rate": _rate(rows[pk]["on_time"], rows[pk]["closed"]),
        }
        for pk, code, name in children
        if pk in rows
    ]
    return sorted(ranking, key=lambda r: (-(r["completion_rate"] or 0), r["code"]))
