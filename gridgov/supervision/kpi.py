"""Supervision figures: findings by kind, unit, group and area; rectified on time; recurrence
(a unit found again for the same kind); and the monthly list of units by open findings.

Read through `scoped`, over the findings found in a period inside one region."""

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.utils import timezone

from gridgov.org.scoping import scoped
from gridgov.regions.models import Region

from .choices import FindingKind, FindingStatus
from .models import Finding
from .workflow import FINDING_WORKFLOW

CHILD_LEVEL = {"city": "county", "county": "town", "town": "village", "village": "grid"}


@dataclass(frozen=True)
class KpiQuery:
    region: Region
    start: dt.date
    end: dt.date  # inclusive


def _rows(user, query: KpiQuery) -> list[dict]:
    level = CHILD_LEVEL.get(query.region.level, query.region.level)
    start = timezone.make_aware(dt.datetime.combine(query.start, dt.time.min))
    end = timezone.make_aware(dt.datetime.combine(query.end + dt.timedelta(days=1), dt.time.min))
    findings = scoped(Finding.objects.all(), user).filter(
        **{query.region.level: query.region}, found_at__gte=start, found_at__lt=end
    )
    return list(
        findings.exclude(status=FindingStatus.DISMISSED).values(
            "kind",
            "status",
            "deadline",
            "rectified_at",
            "late",
            "group_id",
            "group__name",
            "department_id",
            "department__name",
            "target_id",
            "target__name",
            f"{level}_id",
            f"{level}__name",
            "found_at",
        )
    )


def _unit(row) -> tuple:
    if row["department_id"]:
        return ("department", row["department_id"], row["department__name"])
    if row["target_id"]:
        return ("target", row["target_id"], row["target__name"])
    return None


def _on_time(row) -> bool:
    return row["rectified_at"] is not None and (
        row["deadline"] is None or timezone.localdate(row["rectified_at"]) <= row["deadline"]
    )


def _tally(rows) -> dict:
    open_states = FINDING_WORKFLOW.open_states
    assigned = [r for r in rows if r["deadline"] is not None]
    on_time = sum(1 for r in assigned if _on_time(r))
    return {
        "found": len(rows),
        "open": sum(1 for r in rows if r["status"] in open_states),
        "closed": sum(1 for r in rows if r["status"] == FindingStatus.CLOSED),
        "rectified": sum(1 for r in rows if r["rectified_at"] is not None),
        "rectified_on_time": on_time,
        "on_time_rate": round(on_time * 100 / len(assigned), 1) if assigned else None,
    }


def _recurrences(rows) -> Counter:
    """Per unit: how many times it was found again for a kind it had been found for."""
    seen = Counter((_unit(r), r["kind"]) for r in rows if _unit(r) is not None)
    per_unit = Counter()
    for (unit, _kind), n in seen.items():
        per_unit[unit] += n - 1
    return per_unit


def supervision_kpis(user, query: KpiQuery) -> dict:
    rows = _rows(user, query)
    level = CHILD_LEVEL.get(query.region.level, query.region.level)
    recurrences = _recurrences(rows)
    kinds = dict(FindingKind.choices)
    by = defaultdict(lambda: defaultdict(list))
    for r in rows:
        by["kind"][r["kind"]].append(r)
        by["group"][(r["group_id"], r["group__name"])].append(r)
        if r[f"{level}_id"]:
            by["area"][(r[f"{level}_id"], r[f"{level}__name"])].append(r)
        if _unit(r) is not None:
            by["unit"][_unit(r)].append(r)
    return {
        "region": {"code": query.region.code, "name": query.region.name},
        "from": query.start.isoformat(),
        "to": query.end.isoformat(),
        "totals": {**_tally(rows), "recurrences": sum(recurrences.values())},
        "by_kind": [
            {"kind": k, "label": str(kinds[k]), **_tally(v)} for k, v in sorted(by["kind"].items())
        ],
        "by_unit": sorted(
            (
                {"kind": u[0], "id": u[1], "name": u[2], **_tally(v), "recurrences": recurrences[u]}
                for u, v in by["unit"].items()
            ),
            key=lambda row: (-row["found"], row["name"]),
        ),
        "by_group": [
            {"id": g[0], "name": g[1], **_tally(v)}
            for g, v in sorted(by["group"].items(), key=lambda item: item[0][1])
        ],
        "by_area": [
            {"id": a[0], "name": a[1], **_tally(v)}
            for a, v in sorted(by["area"].items(), key=lambda item: item[0][1])
        ],
    }


def month_bounds(month: str) -> tuple[dt.date, dt.date]:
    year, number = (int(part) for part in month.split("-"))
    first = dt.date(year, number, 1)
    following = dt.date(year + number // 12, number % 12 + 1, 1)
    return first, following - dt.timedelta(days=1)


def units_by_open_findings(user, region: Region, month: str) -> list[dict]:
    """The month's list: per responsible unit, its findings open at the month's end (those
    found by then and not closed by then), overdue among them, and those found in the month."""
    first, last = month_bounds(month)
    month_end = timezone.make_aware(dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min))
    rows = (
        scoped(Finding.objects.all(), user)
        .filter(**{region.level: region}, found_at__lt=month_end)
        .exclude(status=FindingStatus.DISMISSED)
        .values(
            "department_id",
            "department__name",
            "target_id",
            "target__name",
            "found_at",
            "closed_at",
            "deadline",
            "rectified_at",
        )
    )
    units: dict = {}
    for r in rows:
        unit = _unit(r)
        if unit is None:
            continue
        entry = units.setdefault(
            unit,
            {
                "kind": unit[0],
                "id": unit[1],
                "name": unit[2],
                "open": 0,
                "overdue": 0,
                "found_in_month": 0,
            },
        )
        if timezone.localdate(r["found_at"]) >= first:
            entry["found_in_month"] += 1
        if r["closed_at"] is None or r["closed_at"] >= month_end:
            entry["open"] += 1
            rectified = r["rectified_at"] is not None and r["rectified_at"] < month_end
            if r["deadline"] is not None and r["deadline"] < last and not rectified:
                entry["overdue"] += 1
    listed = [u for u in units.values() if u["open"] or u["found_in_month"]]
    return sorted(listed, key=lambda u: (-u["open"], -u["overdue"], u["name"]))
