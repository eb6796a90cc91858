"""Organisation KPIs, computed by the database from staff records.

"Sunk to the grassroots" (下沉到基层一线): the share of enforcement staff — staff of enforcement
agencies — whose posting is at town level or below. The seed reports 65.3% for 南湖区.
"""

from dataclasses import dataclass

from django.db.models import Count, Q

from gridgov.regions.choices import GRASSROOTS_LEVELS, LEVELS, RegionLevel, child_level
from gridgov.regions.models import Region

from .models import Department, Staff
from .scoping import scoped


@dataclass(frozen=True)
class Share:
    code: str
    name: str
    total: int
    sunk: int

    @property
    def share(self) -> float | None:
        return round(self.sunk / self.total, 4) if self.total else None

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "name": self.name,
            "enforcement_staff": self.total,
            "sunk": self.sunk,
            "share": self.share,
            "share_percent": round(self.share * 100, 1) if self.total else None,
        }


_TOTALS = {
    "total": Count("pk"),
    "sunk": Count("pk", filter=Q(region__level__in=GRASSROOTS_LEVELS)),
}


def enforcement_staff(user, region: Region):
    """Active enforcement staff the user may see, posted inside `region`."""
    return scoped(Staff.objects.all(), user).filter(
        is_active=True,
        department__is_enforcement=True,
        **{f"region__{region.level}": region.pk},
    )


def enforcement_sinking(user, region: Region) -> dict:
    staff = enforcement_staff(user, region)
    overall = staff.aggregate(**_TOTALS)
    return {
        **Share(region.code, region.name, overall["total"], overall["sunk"]).as_dict(),
        "level": region.level,
        "by_subregion": _by_subregion(staff, region),
        "by_agency": _by_agency(staff),
    }


def _by_subregion(staff, region: Region) -> list[dict]:
    """For a city, its counties ranked by share. Empty for a county or below: a county's towns
    would all score 100%, since every posting in a town is grassroots by definition."""
    below = child_level(region.level)
    if below is None or LEVELS.index(below) >= LEVELS.index(RegionLevel.TOWN):
        return []
    key = f"region__{below}"
    rows = [r for r in staff.values(key).annotate(**_TOTALS) if r[key] is not None]
    places = {
        pk: (code, name)
        for pk, code, name in Region.objects.filter(pk__in=[r[key] for r in rows]).values_list(
            "pk", "code", "name"
        )
    }
    shares = [Share(*places[r[key]], r["total"], r["sunk"]) for r in rows]
    shares.sort(key=lambda s: (-(s.share or 0), s.code))
    return [s.as_dict() for s in shares]


def _by_agency(staff) -> list[dict]:
    """Per agency, squads counted with the bureau they belong to."""
    totals: dict[int, list[int]] = {}
    for row in staff.values("department__path").annotate(**_TOTALS):
        bucket = totals.setdefault(Department.top_unit_of(row["department__path"]), [0, 0])
        bucket[0] += row["total"]
        bucket[1] += row["sunk"]
    units = Department.objects.in_bulk(list(totals))
    shares = [Share(units[k].code, units[k].name, t, s) for k, (t, s) in totals.items()]
    shares.sort(key=lambda s: s.code)
    return [s.as_dict() for s in shares]
