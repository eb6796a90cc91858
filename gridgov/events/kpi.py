"""The closed loop's figures: counts, completion, on-time, rework, time per step, satisfaction.

Computed in the database from the event rows (one aggregate, two GROUP BYs), never by loading
events into Python; the (region level, reported_at) indexes narrow the rows. A report merged as
a duplicate counts once, through the event it was merged into.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q

from gridgov.org.models import Department
from gridgov.regions.choices import child_level
from gridgov.regions.models import Region

from .choices import EventStatus
from .models import EventCategory
from .selectors import events_for

S = EventStatus
REACHED_CHECK = Q(status__in=[S.HANDLED, S.VERIFIED, S.CLOSED]) | Q(rework_count__gt=0)


def _duration(end: str, start: str):
    return Avg(ExpressionWrapper(F(end) - F(start), output_field=DurationField()))


AGGREGATES = {
    "total": Count("*"),
    "open": Count("pk", filter=~Q(status__in=[S.CLOSED, S.REJECTED])),
    "closed": Count("pk", filter=Q(status=S.CLOSED)),
    "rejected": Count("pk", filter=Q(status=S.REJECTED)),
    "closed_on_time": Count("pk", filter=Q(status=S.CLOSED, late=False)),
    "overdue_ever": Count("pk", filter=Q(late=True)),
    "reached_check": Count("pk", filter=REACHED_CHECK),
    "reworked": Count("pk", filter=Q(rework_count__gt=0)),
    "escalated": Count("pk", filter=Q(escalation_count__gt=0)),
    "rated": Count("pk", filter=Q(satisfaction__isnull=False)),
    "satisfied": Count("pk", filter=Q(satisfaction__gte=4)),
    "satisfaction_avg": Avg("satisfaction"),
    "accept_time": _duration("accepted_at", "reported_at"),
    "dispatch_time": _duration("dispatched_at", "accepted_at"),
    "handle_time": _duration("handled_at", "dispatched_at"),
    "close_time": _duration("closed_at", "handled_at"),
}


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


def _hours(duration):
    return round(duration.total_seconds() / 3600, 1) if duration is not None else None


def event_kpis(user, query: KpiQuery) -> dict:
    events = _events(user, query)
    figures = events.order_by().aggregate(**AGGREGATES)
    by_status = dict(events.order_by().values_list("status").annotate(n=Count("*")))
    by_category = _by_top_category(events)
    result = {
        "total": figures["total"],
        "open": figures["open"],
        "closed": figures["closed"],
        "rejected": figures["rejected"],
        "escalated": figures["escalated"],
        "by_status": [
            {"status": s.value, "label": str(s.label), "count": by_status.get(s.value, 0)}
            for s in S
            if s != S.MERGED
        ],
        "by_category": by_category,
        # 结案率: closed of everything accepted into the loop (rejected reports are not work).
        "completion_rate": _rate(figures["closed"], figures["total"] - figures["rejected"]),
        # 按期处置率: closed with every step inside its limit, of all closed.
        "on_time_rate": _rate(figures["closed_on_time"], figures["closed"]),
        # 返工率: sent back by the checker at least once, of all that reached the check.
        "rework_rate": _rate(figures["reworked"], figures["reached_check"]),
        "satisfaction_rate": _rate(figures["satisfied"], figures["rated"]),
        "satisfaction_avg": (
            round(figures["satisfaction_avg"], 2) if figures["satisfaction_avg"] else None
        ),
        "rated": figures["rated"],
        "hours_per_step": {
            "accept": _hours(figures["accept_time"]),
            "dispatch": _hours(figures["dispatch_time"]),
            "handle": _hours(figures["handle_time"]),
            "close": _hours(figures["close_time"]),
        },
    }
    if query.region is not None and query.unit is None:
        result["by_region"] = _by_child_region(events, query.region)
    return result


def _by_top_category(events) -> list[dict]:
    counts = dict(events.order_by().values_list("category_id").annotate(n=Count("*")))
    tops: dict[int, dict] = {}
    for category in EventCategory.objects.select_related("parent"):
        top = category.parent or category
        row = tops.setdefault(top.pk, {"code": top.code, "name": top.name, "count": 0})
        row["count"] += counts.get(category.pk, 0)
    return sorted((r for r in tops.values() if r["count"]), key=lambda r: -r["count"])


def _by_child_region(events, region: Region) -> list[dict]:
    """The region's children side by side (towns of a county…): a ranking for leaders."""
    level = child_level(region.level)
    if level is None:
        return []
    rows = (
        events.order_by()
        .values(level)
        .annotate(
            total=Count("*"),
            closed=Count("pk", filter=Q(status=S.CLOSED)),
            on_time=Count("pk", filter=Q(status=S.CLOSED, late=False)),
            rejected=Count("pk", filter=Q(status=S.REJECTED)),
        )
    )
    names = dict(Region.objects.filter(parent=region).values_list("pk", "name"))
    codes = dict(Region.objects.filter(parent=region).values_list("pk", "code"))
    ranking = [
        {
            "code": codes.get(row[level], ""),
            "name": names.get(row[level], ""),
            "total": row["total"],
            "completion_rate": _rate(row["closed"], row["total"] - row["rejected"]),
            "on_time_rate": _rate(row["on_time"], row["closed"]),
        }
        for row in rows
        if row[level] in names
    ]
    return sorted(ranking, key=lambda r: (-(r["completion_rate"] or 0), r["code"]))
