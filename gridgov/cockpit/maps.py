"""The cockpit's maps, read on behalf of a user: the live map of open events and active
warnings (clustered by a grid of cells per zoom), the heat map of a period (aggregated into
cells), and the map of a region's children coloured by a tile's figure.

Every read goes through the areas' scoped selectors; each answer is a fixed number of queries
whatever the number of rows, and never carries more than its cap of features (it says when it
was capped). Points are WGS84, as the events and warnings store them.
"""

import json
import math
from dataclasses import dataclass

import shapely
from django.conf import settings
from django.db.models import Avg, Count, F, Min, Q
from django.db.models.functions import Floor
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.alerts.choices import OPEN_WARNING_STATES
from gridgov.alerts.selectors import warnings_for
from gridgov.core.dates import Period
from gridgov.core.errors import InvalidInput
from gridgov.core.registry import capabilities_of, cockpit_tiles
from gridgov.events.selectors import events_for
from gridgov.events.workflow import EVENT_WORKFLOW
from gridgov.regions.choices import RegionLevel
from gridgov.regions.models import Region
from gridgov.regions.selectors import regions_for

# Cells per 256-pixel tile edge: a cluster covers about 64 pixels at the zoom asked for, a cell
# of the heat map about 16.
CELLS_PER_TILE = 4
HEAT_CELLS_PER_TILE = 16
MIN_ZOOM, MAX_ZOOM = 3, 19
# At this zoom and above a cell is a few metres wide: every point is shown on its own.
POINT_ZOOM = 17
# The most cells one answer carries (the largest first); the answer says when it was capped.
MAX_LIVE_CELLS = 2_000
MAX_HEAT_CELLS = 4_000
# A period of more days than this is refused: a year is the longest the cockpit's maps show.
MAX_PERIOD_DAYS = 366
# Children drawn below this level can be opened in turn (grids are the last level drawn).
DRILLABLE_LEVELS = (RegionLevel.CITY, RegionLevel.COUNTY, RegionLevel.TOWN, RegionLevel.VILLAGE)
# About how many points of a region's outline reach the browser along its longest side.
OUTLINE_DETAIL = 400
# Classes of the legend of a coloured map.
LEGEND_CLASSES = 5

HEAT_LAYERS = ("events", "warnings")


# --- Parameters -------------------------------------------------------------------------------


def zoom_from(text: str | None, default: int = 11) -> int:
    """The map's zoom level a URL names (3–19); InvalidInput otherwise."""
    if text in (None, ""):
        return default
    try:
        zoom = int(text)
    except ValueError:
        zoom = -1
    if not MIN_ZOOM <= zoom <= MAX_ZOOM:
        raise InvalidInput(
            _("zoom must be a whole number from %(low)d to %(high)d.")
            % {"low": MIN_ZOOM, "high": MAX_ZOOM},
            details=[{"field": "zoom", "message": _("Not a zoom level.")}],
        )
    return zoom


def map_period(text: str | None) -> Period:
    period = Period.parse(text)
    if period.days > MAX_PERIOD_DAYS:
        raise InvalidInput(
            _("A map covers at most %(days)d days.") % {"days": MAX_PERIOD_DAYS},
            details=[{"field": "period", "message": _("Too long a period.")}],
        )
    return period


def cell_size(zoom: int, per_tile: int = CELLS_PER_TILE) -> float:
    """The edge of a cell in degrees at a zoom level, `per_tile` cells along a tile's edge."""
    return 360.0 / (2**zoom) / per_tile


def _in_region(queryset, region: Region):
    return queryset.filter(**{region.level: region.pk})


def _cells(queryset, size: float):
    """Rows grouped by the cell of the grid of `size` degrees that holds their point."""
    return queryset.annotate(
        cx=Floor(F("lon") / size),
        cy=Floor(F("lat") / size),
    ).values("cx", "cy")


# --- The live map ----------------------------------------------------------------------------


@dataclass(frozen=True)
class LiveKind:
    """One kind of point on the live map: which rows are open, how one is labelled."""

    name: str
    rows: object  # rows(user, region) -> the open rows the user may see there
    label_field: str
    url_name: str


def _open_events(user, region):
    return _in_region(events_for(user), region).filter(status__in=EVENT_WORKFLOW.open_states)


def _active_warnings(user, region):
    return _in_region(warnings_for(user), region).filter(status__in=OPEN_WARNING_STATES)


LIVE_KINDS = (
    LiveKind("event", _open_events, "title", "events:detail"),
    LiveKind("warning", _active_warnings, "summary", "alerts:detail"),
)


def _urgency_counts(now) -> dict:
    """Red once overdue (or ever late), yellow from the warning time, green otherwise."""
    red = Q(due_at__lt=now) | Q(late=True)
    yellow = Q(warn_at__lte=now, due_at__gte=now, late=False)
    return {"red": Count("id", filter=red), "yellow": Count("id", filter=yellow)}


def _urgency(row, now) -> str:
    if row["due_at"] is None:
        return ""
    if row["late"] or now > row["due_at"]:
        return "red"
    if row["warn_at"] is not None and now >= row["warn_at"]:
        return "yellow"
    return "green"


def live_features(user, region: Region, zoom: int) -> dict:
    """The open events and active warnings of `region` as a GeoJSON FeatureCollection: a cell
    of the zoom's grid holding one point gives that point (number, status, urgency, link), a
    cell holding more gives a cluster (how many, how many red and yellow). Two queries a kind."""
    now = timezone.now()
    size = cell_size(zoom)
    features, capped = [], False
    for kind in LIVE_KINDS:
        rows = kind.rows(user, region)
        if zoom >= POINT_ZOOM:
            cells = []
            singles = list(rows.order_by("-id").values_list("id", flat=True)[: MAX_LIVE_CELLS + 1])
        else:
            cells = list(
                _cells(rows.order_by(), size)
                .annotate(
                    n=Count("id"),
                    lon_mean=Avg("lon"),
                    lat_mean=Avg("lat"),
                    first=Min("id"),
                    **_urgency_counts(now),
                )
                .order_by("-n", "cx", "cy")[: MAX_LIVE_CELLS + 1]
            )
            singles = [c["first"] for c in cells if c["n"] == 1]
        capped = capped or len(cells) > MAX_LIVE_CELLS or len(singles) > MAX_LIVE_CELLS
        cells, singles = cells[:MAX_LIVE_CELLS], singles[:MAX_LIVE_CELLS]
        features += [_cluster(kind, c) for c in cells if c["n"] > 1]
        points = rows.filter(pk__in=singles).values(
            "id", "number", "status", "lon", "lat", "due_at", "warn_at", "late", kind.label_field
        )
        features += [_point(kind, p, now) for p in points.order_by("id")]
    return {
        "type": "FeatureCollection",
        "features": features,
        "zoom": zoom,
        "cell_degrees": size,
        "capped": capped,
        "cap": MAX_LIVE_CELLS,
    }


def _cluster(kind: LiveKind, cell: dict) -> dict:
    return {
        "type": "Feature",
        "geometry": {
            "type": "Point",
            "coordinates": [round(cell["lon_mean"], 6), round(cell["lat_mean"], 6)],
        },
        "properties": {
            "kind": kind.name,
            "cluster": True,
            "count": cell["n"],
            "red": cell["red"],
            "yellow": cell["yellow"],
        },
    }


def _point(kind: LiveKind, row: dict, now) -> dict:
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [round(row["lon"], 6), round(row["lat"], 6)]},
        "properties": {
            "kind": kind.name,
            "cluster": False,
            "count": 1,
            "number": row["number"],
            "label": row[kind.label_field],
            "status": row["status"],
            "urgency": _urgency(row, now),
            "url": reverse(kind.url_name, args=[row["number"]]),
        },
    }


# --- The heat map ----------------------------------------------------------------------------


def _heat_rows(user, region: Region, period: Period, layer: str):
    start, end = period.bounds()
    if layer == "warnings":
        rows = warnings_for(user).filter(fired_at__gte=start, fired_at__lt=end)
    else:
        rows = events_for(user).filter(reported_at__gte=start, reported_at__lt=end)
    return _in_region(rows, region)


def heat_cells(user, region: Region, period: Period, zoom: int, layer: str = "events") -> dict:
    """How many events were reported (or warnings raised) in each cell of the zoom's grid
    during `period`, as GeoJSON points at the cells' centres with a `weight`. One query; at
    most MAX_HEAT_CELLS cells, the fullest first (`capped` says when some were left out)."""
    if layer not in HEAT_LAYERS:
        raise InvalidInput(
            _("layer must be one of: %(layers)s.") % {"layers": ", ".join(HEAT_LAYERS)},
            details=[{"field": "layer", "message": _("Unknown layer.")}],
        )
    size = cell_size(zoom, HEAT_CELLS_PER_TILE)
    cells = list(
        _cells(_heat_rows(user, region, period, layer).order_by(), size)
        .annotate(n=Count("id"))
        .order_by("-n", "cx", "cy")[: MAX_HEAT_CELLS + 1]
    )
    capped = len(cells) > MAX_HEAT_CELLS
    cells = cells[:MAX_HEAT_CELLS]
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {
                    "type": "Point",
                    "coordinates": [
                        round((c["cx"] + 0.5) * size, 6),
                        round((c["cy"] + 0.5) * size, 6),
                    ],
                },
                "properties": {"weight": c["n"]},
            }
            for c in cells
        ],
        "layer": layer,
        "period": str(period),
        "zoom": zoom,
        "cell_degrees": size,
        "max_weight": cells[0]["n"] if cells else 0,
        "capped": capped,
        "cap": MAX_HEAT_CELLS,
    }


# --- The children map --------------------------------------------------------------------------


def figures_by_child(user) -> list:
    """(tile, figure) of every figure a map of children can be coloured by, for this user:
    those of the tiles with `by_child` whose capability the user holds."""
    held = capabilities_of(user)
    return [
        (tile, figure)
        for tile in cockpit_tiles()
        if tile.by_child is not None and (tile.requires is None or tile.requires in held)
        for figure in tile.figures
    ]


def figure_choices(user) -> list[dict]:
    return [
        {"key": f.key, "label": str(f.label), "unit": f.unit, "tile": str(t.label)}
        for t, f in figures_by_child(user)
    ]


def _chosen_figure(user, key: str | None):
    """The (tile, figure) named by `key`; None when none was asked for; 400 when unknown."""
    if not key:
        return None
    for tile, figure in figures_by_child(user):
        if figure.key == key:
            return tile, figure
    raise InvalidInput(
        _("No figure %(key)s can colour the map.") % {"key": key},
        details=[{"field": "figure", "message": _("Unknown figure.")}],
    )


def children_map(user, region: Region, period: Period, key: str | None) -> dict:
    """The region's outline and its children's (simplified for the wire) as GeoJSON, each child
    with the chosen figure's value and the legend's class; one query for the regions, plus
    whatever the tile's `by_child` costs."""
    chosen = _chosen_figure(user, key)
    children = list(
        regions_for(user)
        .filter(parent=region)
        .only("id", "code", "name", "level", "boundary", "label_lon", "label_lat")
        .order_by("code")
    )
    values = {}
    if chosen is not None:
        tile, figure = chosen
        values = tile.by_child(region, period, figure.key) or {}
    legend = _legend(
        [values.get(c.pk) for c in children], chosen[1] if chosen is not None else None
    )
    tolerance = _tolerance([region, *children])
    features = [_outline(region, "focus", tolerance, None, None)]
    for child in children:
        value = values.get(child.pk)
        features.append(_outline(child, "child", tolerance, value, _class_of(value, legend)))
    return {
        "type": "FeatureCollection",
        "features": [f for f in features if f is not None],
        "region": {"code": region.code, "name": region.name, "level": region.level},
        "period": str(period),
        "figure": _figure_brief(chosen),
        "legend": legend,
        "figures": figure_choices(user),
        "basemap": {"url": settings.MAP_TILE_URL, "attribution": settings.MAP_TILE_ATTRIBUTION},
    }


def _figure_brief(chosen) -> dict | None:
    if chosen is None:
        return None
    tile, figure = chosen
    return {
        "key": figure.key,
        "label": str(figure.label),
        "unit": figure.unit,
        "tile": str(tile.label),
        "higher_is_better": figure.higher_is_better,
    }


def _legend(values: list, figure) -> dict | None:
    """Equal-width classes between the smallest and largest value; class 0 is the worst."""
    known = [v for v in values if v is not None and math.isfinite(v)]
    if figure is None or not known:
        return None
    low, high = min(known), max(known)
    step = (high - low) / LEGEND_CLASSES
    return {
        "low": low,
        "high": high,
        "breaks": [low + step * i for i in range(1, LEGEND_CLASSES)],
        "classes": LEGEND_CLASSES,
        "higher_is_better": figure.higher_is_better,
    }


def _class_of(value, legend) -> int | None:
    """0 (worst) … LEGEND_CLASSES − 1 (best); None without a value."""
    if value is None or legend is None or not math.isfinite(value):
        return None
    if legend["low"] == legend["high"]:  # every child alike: none is better or worse
        return LEGEND_CLASSES // 2
    rank = sum(1 for b in legend["breaks"] if value > b)
    return rank if legend["higher_is_better"] else LEGEND_CLASSES - 1 - rank


def _tolerance(regions) -> float:
    """A simplification tolerance in degrees: the widest outline drawn gets about
    OUTLINE_DETAIL points along its longest side."""
    widest = 0.0
    for region in regions:
        geometry = region.geometry()
        if geometry is not None:
            x0, y0, x1, y1 = geometry.bounds
            widest = max(widest, x1 - x0, y1 - y0)
    return widest / OUTLINE_DETAIL


def _outline(region: Region, role: str, tolerance: float, value, rank) -> dict | None:
    geometry = region.geometry()
    if geometry is None:
        return None
    if tolerance > 0:
        geometry = shapely.simplify(geometry, tolerance, preserve_topology=True)
    return {
        "type": "Feature",
        "geometry": json.loads(shapely.to_geojson(shapely.set_precision(geometry, 1e-6))),
        "properties": {
            "code": region.code,
            "name": region.name,
            "level": region.level,
            "role": role,
            "value": value,
            "class": rank,
            "drillable": role == "child" and region.level in DRILLABLE_LEVELS,
        },
    }
