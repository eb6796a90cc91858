"""Night construction's figures, per site and per area: filings and their outcomes, citizen
noise complaints near each site before and after its first approved filing (the seed: after
the 报备 → 监管 → 执法 loop began, complaints fell markedly), and the warnings, inspections
and enforcement cases each site drew.

Complaints are counted in the database: for a batch of sites, one aggregate over the noise
events in the batch's bounding boxes, each site's count filtered by its own box and then by
the exact (equirectangular) distance. Events are never loaded into Python.
"""

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.apps import apps
from django.db.models import Count, F, Min, Q, Value
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone

from gridgov.events.models import EventCategory
from gridgov.events.selectors import events_for
from gridgov.inspections.choices import TargetKind
from gridgov.inspections.models import InspectionTarget
from gridgov.inspections.selectors import cases_for, tasks_for
from gridgov.org.scoping import scoped
from gridgov.regions.choices import child_level
from gridgov.regions.models import Region

from .choices import FilingStatus
from .selectors import filings_for

S = FilingStatus
# The event classes that are noise complaints (data/event-categories.csv: 0201 噪声扰民); a
# first-level code counts with its subclasses.
NOISE_CATEGORIES = ("0201",)
RADIUS_M = 200
METRES_PER_DEGREE = 6_371_000 * math.pi / 180
SITES_PER_QUERY = 40
DEFAULT_DAYS = 365
EVER_APPROVED = (S.APPROVED, S.REVOKED)


@dataclass
class KpiQuery:
    region: Region
    start: datetime | None = None  # from (inclusive)
    end: datetime | None = None  # until (exclusive)

    def bounds(self, now=None) -> tuple[datetime, datetime]:
        """The range, by default the year up to the end of today."""
        end = self.end
        if end is None:
            tomorrow = timezone.localdate(now or timezone.now()) + timedelta(days=1)
            end = datetime.combine(tomorrow, time.min, tzinfo=timezone.get_current_timezone())
        start = self.start or end - timedelta(days=DEFAULT_DAYS)
        return start, end


def _sites(user, region):
    return list(
        scoped(InspectionTarget.objects.filter(kind=TargetKind.CONSTRUCTION_SITE), user)
        .filter(**{region.level: region.pk})
        .order_by("town_id", "lon", "pk")
        .values("pk", "name", "lon", "lat", "county_id", "town_id", "village_id")
    )


def _filing_counts(user, site_ids, start, end) -> dict[int, dict]:
    counts: dict[int, dict] = defaultdict(lambda: dict.fromkeys(S.values, 0))
    rows = (
        filings_for(user)
        .filter(site_id__in=site_ids, submitted_at__gte=start, submitted_at__lt=end)
        .order_by()
        .values("site_id", "status")
        .annotate(n=Count("*"))
    )
    for row in rows:
        counts[row["site_id"]][row["status"]] += row["n"]
    return counts


def _first_approvals(user, site_ids) -> dict[int, datetime]:
    """When each site's first filing was approved, whenever that was (revoked ones count: the
    site was under the filing regime from then on)."""
    rows = (
        filings_for(user)
        .filter(site_id__in=site_ids, status__in=EVER_APPROVED)
        .order_by()
        .values("site_id")
        .annotate(first=Min("decided_at"))
    )
    return {row["site_id"]: row["first"] for row in rows if row["first"] is not None}


def noise_category_ids() -> list[int]:
    return list(
        EventCategory.objects.filter(
            Q(code__in=NOISE_CATEGORIES) | Q(parent__code__in=NOISE_CATEGORIES)
        ).values_list("pk", flat=True)
    )


def _near(site: dict, radius: float) -> Q:
    """Within `radius` metres of the site: its bounding box (cheap), then the distance."""
    dlat = radius / METRES_PER_DEGREE
    kx = METRES_PER_DEGREE * math.cos(math.radians(site["lat"]))
    dlon = radius / kx
    box = Q(
        lon__range=(site["lon"] - dlon, site["lon"] + dlon),
        lat__range=(site["lat"] - dlat, site["lat"] + dlat),
    )
    dx = (F("lon") - Value(site["lon"])) * Value(kx)
    dy = (F("lat") - Value(site["lat"])) * Value(METRES_PER_DEGREE)
    return box & Q(LessThanOrEqual(dx * dx + dy * dy, Value(radius * radius)))


def _complaints(user, sites, pivots, start, end, radius=RADIUS_M) -> dict[int, dict]:
    """Noise complaints near each site: before and after its first approval (all of them
    "before" for a site never approved)."""
    categories = noise_category_ids()
    counts: dict[int, dict] = {}
    if not categories or not sites:
        return counts
    noise = events_for(user).filter(
        category_id__in=categories, reported_at__gte=start, reported_at__lt=end
    )
    for i in range(0, len(sites), SITES_PER_QUERY):
        batch = sites[i : i + SITES_PER_QUERY]
        sums, anywhere = {}, Q()
        for site in batch:
            near, pivot = _near(site, radius), pivots.get(site["pk"])
            anywhere |= near
            if pivot is None:
                sums[f"b{site['pk']}"] = Count("pk", filter=near)
            else:
                sums[f"b{site['pk']}"] = Count("pk", filter=near & Q(reported_at__lt=pivot))
                sums[f"a{site['pk']}"] = Count("pk", filter=near & Q(reported_at__gte=pivot))
        totals = noise.filter(anywhere).order_by().aggregate(**sums)
        for site in batch:
            pk = site["pk"]
            counts[pk] = {"before": totals[f"b{pk}"], "after": totals.get(f"a{pk}")}
    return counts


def _by_target(queryset, site_ids, start, end) -> dict[int, int]:
    rows = (
        queryset.filter(target_id__in=site_ids, created_at__gte=start, created_at__lt=end)
        .order_by()
        .values("target_id")
        .annotate(n=Count("*"))
    )
    return {row["target_id"]: row["n"] for row in rows}


def warning_counts(user, site_ids, start, end) -> dict[int, int] | None:
    """Warnings raised at each site, as the early-warning app counts them
    (`gridgov.alerts.selectors.warnings_at_targets`); None where that app is not installed,
    and the figures then have no warnings column. The sites are the user's already."""
    if not apps.is_installed("gridgov.alerts"):
        return None
    try:
        from gridgov.alerts.selectors import warnings_at_targets
    except ImportError:
        return None
    return warnings_at_targets(site_ids, start, end)


def _per_30_days(count, days):
    if count is None or days <= 0:
        return None
    return round(count * 30 / days, 2)


def _site_row(site, filings, pivot, complaints, warnings, inspections, cases, start, end):
    pk = site["pk"]
    before, after = complaints.get(pk, {}).get("before", 0), complaints.get(pk, {}).get("after")
    days_before = ((min(pivot, end) if pivot else end) - start).total_seconds() / 86400
    days_after = (end - max(pivot, start)).total_seconds() / 86400 if pivot else 0
    counts = filings.get(pk) or dict.fromkeys(S.values, 0)
    return {
        "id": pk,
        "name": site["name"],
        "town_id": site["town_id"],
        "first_approved_at": pivot,
        "filings": _filing_figures(counts),
        "complaints_before": before,
        "complaints_after": after,
        "complaints_before_per_30_days": _per_30_days(before, days_before),
        "complaints_after_per_30_days": _per_30_days(after, days_after) if pivot else None,
        "warnings": None if warnings is None else warnings.get(pk, 0),
        "inspections": inspections.get(pk, 0),
        "cases": cases.get(pk, 0),
    }


def _filing_figures(counts: dict) -> dict:
    return {
        "submitted": sum(counts.values()),
        "approved": counts[S.APPROVED] + counts[S.REVOKED],
        "rejected": counts[S.REJECTED],
        "revoked": counts[S.REVOKED],
        "pending": counts[S.SUBMITTED],
    }


def _add_up(rows) -> dict:
    total = {
        "sites": len(rows),
        "sites_with_approved_filing": sum(1 for r in rows if r["first_approved_at"]),
        "filings": dict.fromkeys(("submitted", "approved", "rejected", "revoked", "pending"), 0),
        # Before and after compare the sites that have been under the filing regime; the
        # complaints near the others are counted apart.
        "complaints_before": 0,
        "complaints_after": 0,
        "complaints_without_filing": 0,
        "warnings": None,
        "inspections": 0,
        "cases": 0,
    }
    for row in rows:
        for name, n in row["filings"].items():
            total["filings"][name] += n
        if row["first_approved_at"]:
            total["complaints_before"] += row["complaints_before"]
            total["complaints_after"] += row["complaints_after"] or 0
        else:
            total["complaints_without_filing"] += row["complaints_before"]
        if row["warnings"] is not None:
            total["warnings"] = (total["warnings"] or 0) + row["warnings"]
        total["inspections"] += row["inspections"]
        total["cases"] += row["cases"]
    return total


def night_construction_kpis(user, query: KpiQuery, now=None) -> dict:
    start, end = query.bounds(now)
    sites = _sites(user, query.region)
    ids = [s["pk"] for s in sites]
    pivots = _first_approvals(user, ids)
    filings = _filing_counts(user, ids, start, end)
    complaints = _complaints(user, sites, pivots, start, end)
    warnings = warning_counts(user, ids, start, end)
    inspections = _by_target(tasks_for(user), ids, start, end)
    cases = _by_target(cases_for(user), ids, start, end)
    rows = [
        _site_row(s, filings, pivots.get(s["pk"]), complaints, warnings, inspections, cases,
                  start, end)
        for s in sites
    ]  # fmt: skip
    return {
        "region": {"code": query.region.code, "name": query.region.name},
        "from": timezone.localtime(start).date().isoformat(),
        "to": (timezone.localtime(end) - timedelta(days=1)).date().isoformat(),
        "radius_m": RADIUS_M,
        "noise_categories": list(NOISE_CATEGORIES),
        "totals": _add_up(rows),
        "by_area": _by_area(rows, sites, query.region),
        "sites": sorted(rows, key=lambda r: (-r["filings"]["submitted"], r["name"], r["id"])),
    }


def _by_area(rows, sites, region) -> list[dict]:
    """The region's children side by side (the towns of a county…)."""
    level = child_level(region.level)
    if level not in ("county", "town", "village"):
        return []
    place = {s["pk"]: s[f"{level}_id"] for s in sites}
    grouped = defaultdict(list)
    for row in rows:
        grouped[place[row["id"]]].append(row)
    children = Region.objects.filter(pk__in=[k for k in grouped if k]).order_by("code")
    return [
        {"code": child.code, "name": child.name, **_add_up(grouped[child.pk])}
        for child in children.only("pk", "code", "name")
    ]
