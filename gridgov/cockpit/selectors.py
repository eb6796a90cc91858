"""The cockpit's data: every tile the user may see, for a region of their area and a period.

Tiles read rollups (or one indexed aggregate of a small table), so the answer costs a fixed
number of queries per tile whatever the size of the region.
"""

from gridgov.core.dates import Period
from gridgov.core.errors import NotFound
from gridgov.core.registry import capabilities_of, cockpit_tiles
from gridgov.org.scoping import scope_of
from gridgov.regions.choices import LEVELS, depth
from gridgov.regions.models import Region
from gridgov.regions.selectors import home_region_for, region_for
from gridgov.rollups.read import last_refreshed


def tiles_for(user) -> list:
    capabilities = capabilities_of(user)
    return [t for t in cockpit_tiles() if t.requires is None or t.requires in capabilities]


def cockpit_region(user, code: str | None) -> Region:
    """The region a cockpit shows: the one named (404 outside the user's area) or their own."""
    if code:
        return region_for(user, code)
    region = home_region_for(user)
    if region is None:
        raise NotFound()
    return region


def cockpit_data(user, region: Region | str, period: Period) -> dict:
    """{"region", "period", "ancestors", "children", "tiles": [{…, "figures", "charts"}]}."""
    if isinstance(region, str):
        region = region_for(user, region)
    elif not scope_of(user).covers_region(region):
        raise NotFound()
    return {
        "region": _region(region),
        "period": {
            "text": str(period),
            "first": period.first.isoformat(),
            "last": period.last.isoformat(),
            "previous": str(period.previous()),
        },
        "ancestors": _ancestors(user, region),
        "children": [_region(c) for c in _children(region)],
        "refreshed_at": last_refreshed(),
        "tiles": [_tile(tile, region, period) for tile in tiles_for(user)],
    }


def _region(region: Region) -> dict:
    return {"code": region.code, "name": region.name, "level": region.level}


def _ancestors(user, region: Region) -> list[dict]:
    """The regions above this one the user may open, top first (for the breadcrumb)."""
    ids = [getattr(region, f"{level}_id") for level in LEVELS[: depth(region.level)]]
    above = Region.objects.filter(pk__in=[i for i in ids if i]).only("code", "name", "level")
    scope = scope_of(user)
    ordered = sorted(above, key=lambda r: depth(r.level))
    return [_region(r) for r in ordered if scope.covers_region(r)]


def _children(region: Region):
    return Region.objects.filter(parent=region).only("code", "name", "level").order_by("code")


def _tile(tile, region: Region, period: Period) -> dict:
    values = tile.read(region, period)
    return {
        "name": tile.name,
        "label": str(tile.label),
        "figures": [
            {
                "key": figure.key,
                "label": str(figure.label),
                "unit": figure.unit,
                "value": values.get(figure.key),
                "higher_is_better": figure.higher_is_better,
                "rows": figure.rows(region, period) if figure.rows else None,
                "by_child": tile.by_child is not None,
            }
            for figure in tile.figures
        ],
        "charts": values.get("charts", {}),
    }
