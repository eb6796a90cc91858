"""Reading the rollups: sums of a source's cells over a region and a period, split by its
dimensions, by day or by the region's children. Each is one query over the
(source, region, day) index."""

from collections import defaultdict

from django.db.models import Max, Sum

from gridgov.core.dates import Period

from .models import RollupCell, RollupSource
from .sources import source


def _cells(name: str, period: Period, where: dict | None):
    spec = source(name)
    cells = RollupCell.objects.filter(source=name, day__gte=period.first, day__lte=period.last)
    for dimension, value in (where or {}).items():
        column = spec.column(dimension)
        if isinstance(value, list | tuple | set | frozenset):
            cells = cells.filter(**{f"{column}__in": [str(v) for v in value]})
        else:
            cells = cells.filter(**{column: str(value)})
    return spec, cells


def _sums(spec) -> dict:
    names = ["n", *spec.sums]
    return {name: Sum(spec.column(name)) for name in names}


def _row(spec, values: dict) -> dict:
    return {name: values.get(name) or 0 for name in ["n", *spec.sums]}


def totals(name: str, region, period: Period, *, by=(), where=None) -> dict:
    """{dimension values (a tuple, () for the total): {"n": …, sum: …}} in the region."""
    spec, cells = _cells(name, period, where)
    columns = [spec.column(d) for d in by]
    groups = cells.filter(region=region).order_by().values(*columns).annotate(**_sums(spec))
    return {tuple(g[c] for c in columns): _row(spec, g) for g in groups}


def total(name: str, region, period: Period, *, where=None) -> dict:
    spec = source(name)
    return totals(name, region, period, where=where).get((), _row(spec, {}))


def by_child(name: str, region, period: Period, *, by=(), where=None) -> dict:
    """{child region id: {"n": …, sum: …}} for the region's children; with `by`,
    {(child region id, dimension values…): …}."""
    spec, cells = _cells(name, period, where)
    columns = [spec.column(d) for d in by]
    groups = (
        cells.filter(region__parent=region)
        .order_by()
        .values("region", *columns)
        .annotate(**_sums(spec))
    )
    if not by:
        return {g["region"]: _row(spec, g) for g in groups}
    return {(g["region"], *(g[c] for c in columns)): _row(spec, g) for g in groups}


def daily(name: str, region, period: Period, *, where=None) -> dict:
    """{day: {"n": …, sum: …}} with a row for each day that has any."""
    spec, cells = _cells(name, period, where)
    groups = cells.filter(region=region).order_by().values("day").annotate(**_sums(spec))
    return {g["day"]: _row(spec, g) for g in groups}


def trend(name: str, region, period: Period, *, where=None, value="n") -> dict:
    """The figure per day for a period up to two months, per month for a longer one:
    {"step": "day"|"month", "labels": [...], "values": [...]}."""
    days = daily(name, region, period, where=where)
    monthly = period.days > 62
    series = defaultdict(int)
    for day, row in days.items():
        series[day.strftime("%Y-%m") if monthly else day.isoformat()] += row[value]
    labels = _labels(period, monthly)
    return {
        "step": "month" if monthly else "day",
        "labels": labels,
        "values": [series.get(label, 0) for label in labels],
    }


def _labels(period: Period, monthly: bool) -> list[str]:
    from datetime import timedelta

    labels, day = [], period.first
    while day <= period.last:
        label = day.strftime("%Y-%m") if monthly else day.isoformat()
        if not labels or labels[-1] != label:
            labels.append(label)
        day += timedelta(days=1)
    return labels


def revision() -> int:
    """A number that changes whenever any source's cells change (for caches)."""
    return RollupSource.objects.aggregate(r=Sum("revision"))["r"] or 0


def last_refreshed():
    return RollupSource.objects.aggregate(at=Max("refreshed_at"))["at"]
