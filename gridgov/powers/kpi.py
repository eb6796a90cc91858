"""The catalogue's figures as of a day: items by kind and by holder, and the share of penalty
items held by the comprehensive enforcement bureau against the provincial target (the seed:
1,375 of 4,932 in 南湖区, 27.88%, 7 points above it).

Two grouped queries over the versions in effect — by kind, by holder —, never rows in Python.
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import Count, Q

from gridgov.org.choices import DepartmentKind
from gridgov.org.scoping import scoped
from gridgov.regions.models import Region

from .choices import PowerKind, PowerStatus
from .selectors import versions_in_effect

CENT = Decimal("0.01")
IN_FORCE = Q(status=PowerStatus.ACTIVE)
PENALTY_IN_FORCE = IN_FORCE & Q(item__kind=PowerKind.PENALTY)


def penalty_share_target() -> Decimal:
    return Decimal(settings.GRIDGOV_PENALTY_SHARE_TARGET).quantize(CENT)


def power_kpis(user, jurisdiction: Region, as_of: datetime.date) -> dict:
    """The figures of one jurisdiction's catalogue, as the user may read it (every staff
    member may: the catalogue is published)."""
    rows = scoped(versions_in_effect(as_of), user).filter(item__jurisdiction=jurisdiction)
    rows = rows.order_by()
    kinds = {
        g["item__kind"]: g
        for g in rows.values("item__kind").annotate(
            n=Count("pk"), in_force=Count("pk", filter=IN_FORCE)
        )
    }
    holders = list(
        rows.values("department__code", "department__name", "department__kind").annotate(
            n=Count("pk"),
            in_force=Count("pk", filter=IN_FORCE),
            penalty=Count("pk", filter=PENALTY_IN_FORCE),
        )
    )
    return {
        "jurisdiction": {"code": jurisdiction.code, "name": jurisdiction.name},
        "as_of": as_of.isoformat(),
        "total": sum(g["n"] for g in kinds.values()),
        "in_force": sum(g["in_force"] for g in kinds.values()),
        "by_kind": [
            {
                "kind": kind.value,
                "label": str(kind.label),
                "count": kinds.get(kind.value, {}).get("n", 0),
                "in_force": kinds.get(kind.value, {}).get("in_force", 0),
            }
            for kind in PowerKind
        ],
        "by_department": sorted(
            (
                {
                    "code": g["department__code"],
                    "name": g["department__name"],
                    "kind": g["department__kind"],
                    "count": g["n"],
                    "in_force": g["in_force"],
                    "penalty": g["penalty"],
                }
                for g in holders
            ),
            key=lambda r: (-r["count"], r["code"]),
        ),
        "penalty_share": _penalty_share(holders),
    }


def _penalty_share(holders: list[dict]) -> dict:
    """Penalty items in force held by comprehensive enforcement units, of all penalty items in
    force; and how many percentage points that is above (or below) the provincial target."""
    penalties = sum(g["penalty"] for g in holders)
    comprehensive = sum(
        g["penalty"]
        for g in holders
        if g["department__kind"] == DepartmentKind.COMPREHENSIVE_ENFORCEMENT
    )
    target = penalty_share_target()
    share = None
    if penalties:
        share = (Decimal(100 * comprehensive) / penalties).quantize(CENT, ROUND_HALF_UP)
    return {
        "penalty_items": penalties,
        "comprehensive_enforcement": comprehensive,
        "share": float(share) if share is not None else None,
        "target": float(target),
        "difference": float(share - target) if share is not None else None,
    }
