"""Keeping the rollups fresh: recount exactly the days whose rows changed since the watermark.

A day's cells are recounted whole from the raw rows of that day (one grouped query over the
day's range, added up here for every level of the tree), deleted and written again in one
transaction: exact by construction and idempotent. A lease on the source's row lets one worker
refresh a source at a time; a second one skips it. The watermark is the time the refresh
started, and changes are looked for from the watermark less the source's overlap, so a row
whose transaction committed after a refresh started is counted by a later one.
"""

from collections import defaultdict
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import Count, F, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from gridgov.core.routers import primary_reads

from .models import RollupCell, RollupSource
from .sources import RollupSpec, rollup_sources

LEASE = timedelta(minutes=5)
BATCH = 2000


def refresh_rollups(names=None, *, full: bool = False) -> dict:
    """Refresh every source (or those named); {source: {"days": n, "cells": n} or "busy"}."""
    # What is kept or dropped is decided from the cells read: never from a lagging replica.
    with primary_reads():
        return {spec.name: refresh_source(spec, full=full) for spec in rollup_sources(names)}


def refresh_source(spec: RollupSpec, *, full: bool = False) -> dict | str:
    state, _created = RollupSource.objects.get_or_create(name=spec.name)
    started = timezone.now()
    if not _claim(spec.name, started):
        return "busy"
    try:
        since = None if full or state.watermark is None else state.watermark - spec.overlap
        days = touched_days(spec, since)
        cells = 0
        for day in days:
            cells += recount_day(spec, day)
            _extend(spec.name)
        if since is None:
            cells += _drop_days_without_rows(spec, days)
        RollupSource.objects.filter(name=spec.name).update(
            watermark=started,
            refreshed_at=timezone.now(),
            revision=F("revision") + (1 if days or since is None else 0),
            leased_until=None,
        )
    except BaseException:
        RollupSource.objects.filter(name=spec.name).update(leased_until=None)
        raise
    return {"days": len(days), "cells": cells}


def _claim(name: str, now: datetime) -> bool:
    free = Q(leased_until__isnull=True) | Q(leased_until__lt=now)
    return bool(RollupSource.objects.filter(free, name=name).update(leased_until=now + LEASE))


def _extend(name: str) -> None:
    RollupSource.objects.filter(name=name).update(leased_until=timezone.now() + LEASE)


def touched_days(spec: RollupSpec, since: datetime | None) -> list[date]:
    """The days that rows changed at or after `since` count on (every day when None). The
    source's row filter is not applied: a row that left it (merged, cancelled) changed its day."""
    rows = spec.model._base_manager.all()
    if since is not None:
        rows = rows.filter(**{f"{spec.changed}__gte": since})
    if spec.day_is_date():
        days = rows.order_by().values_list(spec.day, flat=True).distinct()
    else:
        tz = timezone.get_current_timezone()
        days = (
            rows.order_by()
            .annotate(_day=TruncDate(spec.day, tzinfo=tz))
            .values_list("_day", flat=True)
            .distinct()
        )
    return sorted(d for d in days if d is not None)


def _day_filter(spec: RollupSpec, day: date) -> Q:
    if spec.day_is_date():
        return Q(**{spec.day: day})
    tz = timezone.get_current_timezone()
    start = datetime.combine(day, time.min, tzinfo=tz)
    end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=tz)
    return Q(**{f"{spec.day}__gte": start, f"{spec.day}__lt": end})


def count_day(spec: RollupSpec, day: date) -> dict:
    """{(region id, dimension values): [n, sums…]} for one day, at every level."""
    groups = (
        spec.counted()
        .filter(_day_filter(spec, day))
        .order_by()
        .values(*spec.levels, *spec.dimensions)
        .annotate(_n=Count("pk"), **spec.sums)
    )
    cells = defaultdict(lambda: [0] * (1 + len(spec.sums)))
    for group in groups:
        key = tuple("" if group[d] is None else str(group[d]) for d in spec.dimensions)
        values = [group["_n"], *(int(group[s] or 0) for s in spec.sums)]
        for level in spec.levels:
            region = group[level]
            if region is None:
                continue
            cell = cells[(region, key)]
            for i, value in enumerate(values):
                cell[i] += value
    return cells


def recount_day(spec: RollupSpec, day: date) -> int:
    cells = count_day(spec, day)
    rows = []
    for (region, key), values in cells.items():
        row = RollupCell(source=spec.name, day=day, region_id=region, n=values[0])
        for i, value in enumerate(key):
            setattr(row, f"d{i + 1}", value)
        for i, value in enumerate(values[1:]):
            setattr(row, f"v{i + 1}", value)
        rows.append(row)
    with transaction.atomic():
        RollupCell.objects.filter(source=spec.name, day=day).delete()
        RollupCell.objects.bulk_create(rows, batch_size=BATCH)
    return len(rows)


def _drop_days_without_rows(spec: RollupSpec, days: list[date]) -> int:
    """A full rebuild also forgets the days that no longer hold any row."""
    cells = RollupCell.objects.filter(source=spec.name)
    kept = set(cells.order_by().values_list("day", flat=True).distinct())
    gone = sorted(kept - set(days))
    if not gone:
        return 0
    deleted, _by_model = cells.filter(day__in=gone).delete()
    return deleted
