"""Reading and checking boundary files (GeoJSON) before anything is written.

An import is all or nothing: `read_geojson` and `check_features` collect every problem, naming
the feature and the reason, and the import action writes only when the list is empty.
"""

import json
import math
from dataclasses import dataclass

import numpy as np
import shapely
from django.utils.translation import gettext as _

from gridgov.core.errors import InvalidInput
from gridgov.core.parsers import loads as json_loads

from .choices import CRS, LEVELS, RegionLevel, child_level
from .crs import geometry_to_wgs84
from .divisions import MAX_NAME_LENGTH, REGION_CODE

# Metres per degree of latitude; a degree of longitude is this times cos(latitude).
_METRES_PER_DEGREE = 111_320.0
DEFAULT_OVERLAP_TOLERANCE_M2 = 1.0
_DECLARED_CRS = {"GCJ-02": CRS.GCJ02, "GCJ02": CRS.GCJ02, "WGS84": CRS.WGS84, "WGS-84": CRS.WGS84}


@dataclass(frozen=True)
class BoundaryFeature:
    number: int  # 1-based position in the file, for messages
    code: str
    name: str
    parent_code: str | None
    level: str | None
    geometry: shapely.Geometry  # WGS84

    def label(self) -> str:
        return _("feature #%(n)d (code %(code)s%(name)s)") % {
            "n": self.number,
            "code": self.code or "?",
            "name": f" {self.name}" if self.name else "",
        }


@dataclass(frozen=True)
class KnownRegion:
    """What the check needs to know about a region already in the database."""

    code: str
    name: str
    level: str
    parent_code: str | None
    geometry: shapely.Geometry | None

    def label(self) -> str:
        return _("existing region %(code)s %(name)s") % {"code": self.code, "name": self.name}


def problem(feature: str, reason: str) -> dict:
    return {"feature": feature, "reason": reason}


def fail(problems: list[dict]):
    raise InvalidInput(
        _("The boundary file has %(n)d problem(s); nothing was imported.") % {"n": len(problems)},
        details=problems,
    )


# --- Reading ------------------------------------------------------------------------------


def read_geojson(raw: bytes | str, *, crs: str) -> list[BoundaryFeature]:
    """Parse a FeatureCollection (or one Feature) declared to be in `crs`, convert to WGS84."""
    if crs not in CRS.values:
        raise InvalidInput(_("Unknown coordinate system %(crs)r.") % {"crs": crs})
    try:
        document = json_loads(raw)  # bounded depth: a deep file is refused, not a crash
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidInput(_("The file is not valid JSON: %(error)s") % {"error": exc}) from None
    features = _feature_list(document)
    _check_declared_crs(document, crs)
    parsed, problems = [], []
    for number, feature in enumerate(features, start=1):
        item, reasons = _read_feature(number, feature, crs)
        if reasons:
            name = item.label() if item else _("feature #%(n)d") % {"n": number}
            problems.extend(problem(name, reason) for reason in reasons)
        else:
            parsed.append(item)
    if problems:
        fail(problems)
    if not parsed:
        raise InvalidInput(_("The file contains no features."))
    return parsed


def _feature_list(document) -> list:
    if isinstance(document, dict) and document.get("type") == "FeatureCollection":
        features = document.get("features")
        if isinstance(features, list):
            return features
    elif isinstance(document, dict) and document.get("type") == "Feature":
        return [document]
    raise InvalidInput(_("The file must be a GeoJSON FeatureCollection or Feature."))


def _check_declared_crs(document: dict, crs: str) -> None:
    declared = document.get("coordinate_system")
    if isinstance(declared, str) and _DECLARED_CRS.get(declared.upper()) not in (None, crs):
        raise InvalidInput(
            _(
                "The file says its coordinates are %(declared)s but the import was told "
                "%(crs)s; choose the coordinate system the file is in."
            )
            % {"declared": declared, "crs": CRS(crs).label}
        )


def _read_feature(number: int, feature, crs: str):
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        return None, [_("not a GeoJSON Feature")]
    props = feature.get("properties") or {}
    if not isinstance(props, dict):
        return None, [_("properties must be an object")]
    code = _text(props.get("code"))
    item = BoundaryFeature(
        number=number,
        code=code,
        name=_text(props.get("name")),
        parent_code=_text(props.get("parent_code")) or None,
        level=_text(props.get("level")) or None,
        geometry=None,
    )
    reasons = []
    if not code:
        reasons.append(_("the property 'code' is missing"))
    elif not REGION_CODE.match(code):
        reasons.append(
            _("%(code)r is not a region code (2 to 32 letters or digits)") % {"code": code}
        )
    if len(item.name) > MAX_NAME_LENGTH:
        reasons.append(_("the name is longer than %(n)d characters") % {"n": MAX_NAME_LENGTH})
    if item.level is not None and item.level not in LEVELS:
        reasons.append(_("level %(v)r is not a region level") % {"v": item.level})
    geometry, geometry_reason = _read_geometry(feature.get("geometry"), crs)
    if geometry_reason:
        reasons.append(geometry_reason)
    return _with_geometry(item, geometry), reasons


def _with_geometry(item: BoundaryFeature, geometry) -> BoundaryFeature:
    return BoundaryFeature(
        item.number, item.code, item.name, item.parent_code, item.level, geometry
    )


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (int, str)) and not isinstance(value, bool):
        return str(value).strip()
    return ""


def _read_geometry(geojson, crs: str):
    """A valid WGS84 polygon or multipolygon, or the reason there is none."""
    if not isinstance(geojson, dict) or geojson.get("type") not in ("Polygon", "MultiPolygon"):
        return None, _("the geometry must be a Polygon or MultiPolygon")
    try:
        geometry = shapely.from_geojson(json.dumps(geojson))
    except (shapely.errors.GEOSException, ValueError, TypeError):
        return None, _("the coordinates are malformed")
    if geometry.is_empty:
        return None, _("the geometry is empty")
    coords = shapely.get_coordinates(geometry)
    if (
        not np.isfinite(coords).all()
        or (np.abs(coords[:, 0]) > 180).any()
        or (np.abs(coords[:, 1]) > 90).any()
    ):
        return None, _("coordinates must be longitude, latitude in degrees")
    if not shapely.is_valid(geometry):
        return None, _("the polygon is invalid: %(reason)s") % {
            "reason": shapely.is_valid_reason(geometry)
        }
    geometry = geometry_to_wgs84(geometry, crs)
    if not shapely.is_valid(geometry):
        return None, _("the polygon becomes invalid in WGS84: %(reason)s") % {
            "reason": shapely.is_valid_reason(geometry)
        }
    return geometry, None


# --- Checking against the tree ------------------------------------------------------------


@dataclass(frozen=True)
class PlannedRegion:
    """A feature resolved against the tree: which region it is and where it goes."""

    feature: BoundaryFeature
    level: str
    parent_code: str | None
    is_new: bool


def check_features(
    features: list[BoundaryFeature],
    known: dict[str, KnownRegion],
    *,
    overlap_tolerance_m2: float = DEFAULT_OVERLAP_TOLERANCE_M2,
    changeable: set[str] | None = None,
) -> list[PlannedRegion]:
    """Resolve every feature and check the whole set; raise with every problem found.

    `changeable` holds the codes of the regions the importer may change (their area); None
    means anywhere. A new region is judged by the stored region it will be created under.
    """
    problems = _duplicate_codes(features)
    in_file = {feature.code: feature for feature in features}
    plans = []
    for feature in features:
        plan, reason = _resolve(feature, in_file, known)
        if not reason and changeable is not None:
            reason = _outside_area(feature, in_file, known, changeable)
        if reason:
            problems.append(problem(feature.label(), reason))
        else:
            plans.append(plan)
    if not problems:
        problems += _overlaps(plans, known, overlap_tolerance_m2)
        problems += _outside_parent(plans, known, overlap_tolerance_m2)
        problems += _stored_children_outside(plans, known, overlap_tolerance_m2)
    if problems:
        fail(problems)
    return plans


def _duplicate_codes(features):
    seen, problems = {}, []
    for feature in features:
        if feature.code in seen:
            problems.append(
                problem(
                    feature.label(),
                    _("code %(code)s is also used by %(other)s")
                    % {"code": feature.code, "other": seen[feature.code].label()},
                )
            )
        else:
            seen[feature.code] = feature
    return problems


def _resolve(feature, in_file, known):
    existing = known.get(feature.code)
    if existing is None:
        return _resolve_new(feature, in_file, known)
    if feature.level and feature.level != existing.level:
        return None, _("region %(code)s is a %(actual)s, not a %(level)s") % {
            "code": feature.code,
            "actual": RegionLevel(existing.level).label,
            "level": RegionLevel(feature.level).label,
        }
    if feature.parent_code and feature.parent_code != existing.parent_code:
        return None, _("region %(code)s belongs to %(parent)s; an import cannot move it") % {
            "code": feature.code,
            "parent": existing.parent_code,
        }
    return PlannedRegion(feature, existing.level, existing.parent_code, is_new=False), None


def _resolve_new(feature, in_file, known):
    if not feature.parent_code:
        return None, _(
            "unknown region code %(code)s; a new grid or micro-grid needs a parent_code"
        ) % {"code": feature.code}
    if not feature.name:
        return None, _("a new region needs a name")
    parent_level = _level_of(feature.parent_code, in_file, known)
    if parent_level is None:
        return None, _("unknown parent code %(code)s") % {"code": feature.parent_code}
    level = child_level(parent_level)
    if level not in (RegionLevel.GRID, RegionLevel.MICROGRID):
        return None, _(
            "only grids (under a village) and micro-grids (under a grid) can be created "
            "from a boundary file; %(code)s is a %(level)s"
        ) % {"code": feature.parent_code, "level": RegionLevel(parent_level).label}
    if feature.level and feature.level != level:
        return None, _("under a %(parent)s the region must be a %(level)s") % {
            "parent": RegionLevel(parent_level).label,
            "level": RegionLevel(level).label,
        }
    return PlannedRegion(feature, level, feature.parent_code, is_new=True), None


def _outside_area(feature, in_file, known, changeable) -> str | None:
    anchor = _stored_ancestor(feature.code, in_file, known)
    if anchor in changeable:
        return None
    return _("region %(code)s is outside your area") % {"code": anchor or feature.code}


def _stored_ancestor(code, in_file, known) -> str | None:
    """The code itself if stored, else the nearest stored region above it in the file."""
    for _step in range(len(LEVELS) + 1):
        if code in known:
            return code
        feature = in_file.get(code)
        if feature is None or not feature.parent_code:
            return None
        code = feature.parent_code
    return None


def _level_of(code, in_file, known) -> str | None:
    """The level a code has or will have: stored, or derived through parents in the file."""
    chain = []
    while code not in known:
        feature = in_file.get(code)
        if feature is None or not feature.parent_code or len(chain) >= len(LEVELS):
            return None
        chain.append(code)
        code = feature.parent_code
    level = known[code].level
    for _code in chain:
        level = child_level(level)
        if level is None:
            return None
    return level


def square_metres(area_deg2: float, latitude: float) -> float:
    """Planar degrees² to m² near a latitude. Uses the equatorial metres per degree for both
    axes (0.4% high at 30°N): plenty for tolerances of a few m²."""
    return area_deg2 * _METRES_PER_DEGREE**2 * math.cos(math.radians(latitude))


def _overlaps(plans, known, tolerance_m2):
    """Pairs of same-level regions (from the file, or already stored) that overlap."""
    problems = []
    in_file = {plan.feature.code for plan in plans}
    for level in sorted({plan.level for plan in plans}, key=LEVELS.index):
        labels = [plan.feature.label() for plan in plans if plan.level == level]
        geometries = [plan.feature.geometry for plan in plans if plan.level == level]
        file_count = len(geometries)
        for region in known.values():
            if region.level == level and region.geometry is not None and region.code not in in_file:
                labels.append(region.label())
                geometries.append(region.geometry)
        geometries = np.array(geometries, dtype=object)
        left, right = shapely.STRtree(geometries).query(
            geometries[:file_count], predicate="intersects"
        )
        pairs = left < right  # each pair once, never a feature with itself
        left, right = left[pairs], right[pairs]
        shared = shapely.area(shapely.intersection(geometries[left], geometries[right]))
        for i, j, metres in _over_tolerance(left, right, shared, geometries, tolerance_m2):
            problems.append(
                problem(
                    labels[i],
                    _("overlaps %(other)s by %(area).1f m² (tolerance %(tol)g m²)")
                    % {"other": labels[j], "area": metres, "tol": tolerance_m2},
                )
            )
    return problems


def _outside_parent(plans, known, tolerance_m2):
    """Regions drawn outside the nearest region above them that has a boundary (a grid under
    a village without a polygon is checked against the town, and so on)."""
    outline = {code: region.geometry for code, region in known.items()}
    outline.update({plan.feature.code: plan.feature.geometry for plan in plans})
    parent_of = {code: region.parent_code for code, region in known.items()}
    parent_of.update({plan.feature.code: plan.parent_code for plan in plans})
    checked, containers = [], []
    for plan in plans:
        container = _nearest_outlined(plan.parent_code, parent_of, outline)
        if container is not None:
            checked.append(plan)
            containers.append(container)
    if not checked:
        return []
    children = np.array([plan.feature.geometry for plan in checked], dtype=object)
    parents = np.array([outline[code] for code in containers], dtype=object)
    outside = shapely.area(shapely.difference(children, parents))
    index = np.arange(len(checked))
    return [
        problem(
            checked[i].feature.label(),
            _("lies %(area).1f m² outside %(parent)s") % {"area": metres, "parent": containers[i]},
        )
        for i, _j, metres in _over_tolerance(index, index, outside, children, tolerance_m2)
    ]


def _nearest_outlined(code, parent_of, outline) -> str | None:
    for _step in range(len(LEVELS)):
        if code is None:
            return None
        if outline.get(code) is not None:
            return code
        code = parent_of.get(code)
    return None


def _stored_children_outside(plans, known, tolerance_m2):
    """A redrawn region must still hold the children already stored under it."""
    redrawn = {plan.feature.code: plan for plan in plans if not plan.is_new}
    pairs = [
        (redrawn[region.parent_code], region)
        for region in known.values()
        if region.parent_code in redrawn
        and region.geometry is not None
        and region.code not in redrawn
    ]
    if not pairs:
        return []
    children = np.array([child.geometry for _plan, child in pairs], dtype=object)
    parents = np.array([plan.feature.geometry for plan, _child in pairs], dtype=object)
    outside = shapely.area(shapely.difference(children, parents))
    index = np.arange(len(pairs))
    return [
        problem(
            pairs[i][0].feature.label(),
            _("would leave %(area).1f m² of its %(child)s outside")
            % {"area": metres, "child": pairs[i][1].label()},
        )
        for i, _j, metres in _over_tolerance(index, index, outside, children, tolerance_m2)
    ]


def _over_tolerance(left, right, areas_deg2, geometries, tolerance_m2):
    """(i, j, m²) for the areas above tolerance; the exact latitude factor only for those."""
    for k in np.flatnonzero(areas_deg2 * _METRES_PER_DEGREE**2 > tolerance_m2):
        i = left[k]
        latitude = shapely.get_y(shapely.centroid(geometries[i]))
        metres = square_metres(areas_deg2[k], latitude)
        if metres > tolerance_m2:
            yield i, right[k], metres
