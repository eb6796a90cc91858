"""The events' part of the cockpit: their rollups (by status, by category, by channel) and the
tile read from them — the trend, the loop's rates, satisfaction."""

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext_lazy as _

from gridgov.core.registry import CockpitTile, Figure, register_cockpit_tile
from gridgov.org.choices import Capability
from gridgov.rollups import read
from gridgov.rollups.sources import RollupSpec, register_rollup_source
from gridgov.rollups.tiles import chart, list_url, rate

from .choices import EventSource, EventStatus
from .models import Event, EventCategory

S = EventStatus
COUNTED = [s.value for s in S if s != S.MERGED]  # a merged duplicate counts through its event
REACHED_CHECK = {S.HANDLED, S.VERIFIED, S.CLOSED}

register_rollup_source(
    RollupSpec(
        "events",
        model=Event,
        day="reported_at",
        dimensions=("status",),
        sums={
            "on_time": Count("pk", filter=Q(late=False)),
            "reworked": Count("pk", filter=Q(rework_count__gt=0)),
            "rated": Count("satisfaction"),
            "satisfied": Count("pk", filter=Q(satisfaction__gte=4)),
            "satisfaction_total": Sum("satisfaction"),
        },
    )
)
register_rollup_source(
    RollupSpec(
        "events.category",
        model=Event,
        day="reported_at",
        dimensions=("category",),
        rows=~Q(status=S.MERGED),
    )
)
register_rollup_source(
    RollupSpec(
        "events.channel",
        model=Event,
        day="reported_at",
        dimensions=("source",),
        rows=~Q(status=S.MERGED),
    )
)


def _rows(region, period, **params):
    return list_url("events:list", region, period, queue="", **params)


def _loop(by_status: dict) -> dict:
    """The loop's figures from {status: cell sums} (what kpi.event_kpis computes from rows)."""
    cells = {status: row for status, row in by_status.items() if status in COUNTED}

    def n(status):
        return cells.get(status, {}).get("n", 0)

    total = sum(row["n"] for row in cells.values())
    closed, rejected = n(S.CLOSED), n(S.REJECTED)
    reworked = sum(row["reworked"] for row in cells.values())
    reached_check = sum(
        row["n"] if status in REACHED_CHECK else row["reworked"] for status, row in cells.items()
    )
    rated = sum(row["rated"] for row in cells.values())
    return {
        "events.total": total,
        "events.open": total - closed - rejected,
        "events.completion_rate": rate(closed, total - rejected),
        "events.on_time_rate": rate(cells.get(S.CLOSED, {}).get("on_time", 0), closed),
        "events.rework_rate": rate(reworked, reached_check),
        "events.satisfaction_rate": rate(sum(r["satisfied"] for r in cells.values()), rated),
        "events.satisfaction_avg": (
            round(sum(r["satisfaction_total"] for r in cells.values()) / rated, 2)
            if rated
            else None
        ),
    }


def read_events(region, period) -> dict:
    by_status = {
        key[0]: row for key, row in read.totals("events", region, period, by=("status",)).items()
    }
    figures = _loop(by_status)
    figures["charts"] = {
        "trend": chart(
            "line",
            _("Events reported"),
            **_series(read.trend("events", region, period, where={"status": COUNTED})),
        ),
        "status": chart(
            "pie",
            _("By status"),
            *_pairs((S(s).label, by_status.get(s, {}).get("n", 0)) for s in COUNTED),
        ),
        "category": chart("bar", _("By category"), *_pairs(_top_categories(region, period))),
        "source": chart(
            "pie",
            _("By source"),
            *_pairs(
                (EventSource(key[0]).label, row["n"])
                for key, row in read.totals(
                    "events.channel", region, period, by=("source",)
                ).items()
                if key[0] in EventSource.values
            ),
        ),
    }
    return figures


def _channels(region, period) -> dict:
    return read.totals("events.channel", region, period, by=("source",))


def _series(trend: dict) -> dict:
    return {"labels": trend["labels"], "values": trend["values"], "step": trend["step"]}


def _pairs(pairs) -> tuple[list, list]:
    pairs = [(label, value) for label, value in pairs if value]
    return [p[0] for p in pairs], [p[1] for p in pairs]


def _top_categories(region, period) -> list[tuple]:
    counts = read.totals("events.category", region, period, by=("category",))
    tops: dict[int, list] = {}
    for category in EventCategory.objects.select_related("parent").only(
        "id", "name", "parent__id", "parent__name"
    ):
        top = category.parent or category
        tops.setdefault(top.pk, [top.name, 0])[1] += counts.get((str(category.pk),), {}).get("n", 0)
    return sorted(((name, n) for name, n in tops.values()), key=lambda pair: -pair[1])


def events_by_child(region, period, key) -> dict | None:
    if key not in {f.key for f in FIGURES} or key == "events.satisfaction_avg":
        return None
    cells = read.by_child("events", region, period, by=("status",))
    children: dict[int, dict] = {}
    for (child, status), row in cells.items():
        children.setdefault(child, {})[status] = row
    return {child: _loop(by_status)[key] for child, by_status in children.items()}


FIGURES = (
    Figure("events.total", _("Events"), "件", rows=lambda r, p: _rows(r, p)),
    Figure(
        "events.open", _("Open"), "件", higher_is_better=False,
        rows=lambda r, p: _rows(r, p, status="open"),
    ),
    Figure("events.completion_rate", _("Completion rate"), "%"),
    Figure(
        "events.on_time_rate", _("On-time rate"), "%",
        rows=lambda r, p: _rows(r, p, status=S.CLOSED),
    ),
    Figure("events.rework_rate", _("Rework rate"), "%", higher_is_better=False),
    Figure("events.satisfaction_rate", _("Satisfaction"), "%"),
    Figure("events.satisfaction_avg", _("Average rating"), ""),
)  # fmt: skip

register_cockpit_tile(
    CockpitTile(
        "events",
        _("Events"),
        10,
        FIGURES,
        read=read_events,
        by_child=events_by_child,
        requires=Capability.VIEW_KPI,
    )
)
