"""Made-up but plausible polygons for a real division tree, for the demo and the tests.

We have no licence to ship real boundaries, so every polygon here is invented; only the tree
(codes, names, levels) is real. Grids (网格) and micro-grids (微网格) are invented too.

The geometry is built in two passes:

1. Draft, top-down, in floating point: the city gets an irregular outline; each parent is cut
   by the Voronoi diagram of seed points inside it (the real seat for Jiaxing's counties,
   otherwise seeded random points spread by Lloyd relaxation). The cut is done by noding the
   parent's boundary with the Voronoi edges and polygonising, so a cell that a concave parent
   splits in two comes out as separate faces; detached faces go to the neighbour with the
   longest shared border, and every child is one polygon.
2. Final: the boundaries of all leaves are noded together once, snapped to a 1e-7° grid
   (about 1 cm), and polygonised. Each face goes to the leaf that contains it, and every
   ancestor is the union of its children. All polygons at all levels are thus made of faces of
   that one arrangement: siblings share identical edges, children tile their parent exactly,
   and no coordinate needs a tolerance to match its neighbour's.

Everything random comes from generators seeded by (seed, code, purpose), so the output
depends only on the input, the scale and the seed, never on the order of the work.
"""

import hashlib
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
import shapely

from .choices import LEVELS

SCALES = ("small", "city")

# Inclusive ranges: (grids per village, micro-grids per grid). `city` gives Jiaxing about
# 4,800 grids and 43,000 micro-grids: safely above the 4,000 and 40,000 of a city its size.
_CHILD_COUNTS = {"small": ((1, 1), (2, 2)), "city": ((2, 6), (7, 11))}

GRID_SIZE = 1e-7  # degrees, about 1 cm: all final coordinates lie on this grid
ENVELOPE_BOUNDS = (120.30, 30.25, 121.30, 31.00)  # lon/lat box that holds every polygon
_ENVELOPE_VERTICES = 48
# The outline's radius, as a fraction of the box's half-width/half-height, stays in this range:
# far enough from the box for snapped coordinates to stay inside it, and wide enough to hold
# every county seat below (the farthest is at about 0.65).
_ENVELOPE_RADII = (0.80, 0.98)
_LLOYD_STEPS = 2

# Real seats (approximate), so that the invented Jiaxing map still looks familiar.
COUNTY_SEATS = {
    "330402": (120.78, 30.75),  # 南湖区
    "330411": (120.70, 30.80),  # 秀洲区
    "330421": (120.92, 30.85),  # 嘉善县
    "330424": (120.95, 30.50),  # 海盐县
    "330481": (120.65, 30.48),  # 海宁市
    "330482": (121.05, 30.70),  # 平湖市
    "330483": (120.52, 30.63),  # 桐乡市
}

# The NBS names the committee (村民委员会, 社区居委会); a grid is named after the place.
# Longest first, so that 古塘村村委会 loses 村委会 and keeps its own 村.
_VILLAGE_SUFFIXES = (
    ("社区居民委员会", "社区"),
    ("村村民委员会", "村"),
    ("社区居委会", "社区"),
    ("村民委员会", "村"),
    ("居民委员会", "社区"),
    ("村村委会", "村"),
    ("居委会", "社区"),
    ("村委会", "村"),
)


@dataclass(frozen=True)
class Division:
    """One node of the tree: a row of the division file, or an invented grid."""

    code: str
    name: str
    level: str  # "city" | "county" | "town" | "village"
    parent_code: str | None


@dataclass(frozen=True)
class Area:
    """One generated polygon: a division, grid or micro-grid."""

    code: str
    name: str
    level: str  # "city" | "county" | "town" | "village" | "grid" | "microgrid"
    parent_code: str | None
    polygon: shapely.Polygon  # WGS84 lon/lat, valid, non-empty, never a MultiPolygon


def generate(divisions: list[Division], *, scale: str = "small", seed: int = 2022) -> list[Area]:
    """One Area per division plus invented grids and micro-grids, ordered top-down by level,
    then by code. Any rows with code, name, level and parent_code will do as divisions (the
    rows `divisions.read_division_csv` returns, for one)."""
    if scale not in SCALES:
        raise ValueError(f"Unknown scale {scale!r}; expected one of: {', '.join(SCALES)}.")
    nodes = sorted(
        [*divisions, *_grids_and_microgrids(divisions, scale, seed)],
        key=lambda node: (LEVELS.index(node.level), node.code),
    )
    children = _children_by_parent(nodes)
    drafts = _draft_polygons(nodes, children, seed)
    polygons = _final_polygons(nodes, children, drafts)
    return [
        Area(node.code, node.name, node.level, node.parent_code, polygons[node.code])
        for node in nodes
    ]


def short_village_name(name: str) -> str:
    """古塘村委会 → 古塘村, 百福弄社区居委会 → 百福弄社区; other names are kept as they are."""
    for suffix, replacement in _VILLAGE_SUFFIXES:
        if name.endswith(suffix):
            return name[: -len(suffix)] + replacement
    return name


def _grids_and_microgrids(divisions: list[Division], scale: str, seed: int) -> list[Division]:
    (grids_low, grids_high), (micro_low, micro_high) = _CHILD_COUNTS[scale]
    made = []
    for village in (d for d in divisions if d.level == "village"):
        place = short_village_name(village.name)
        grid_count = _rng(seed, village.code, "count").integers(grids_low, grids_high + 1)
        for i in range(1, grid_count + 1):
            grid = Division(f"{village.code}{i:03d}", f"{place}第{i}网格", "grid", village.code)
            made.append(grid)
            micro_count = _rng(seed, grid.code, "count").integers(micro_low, micro_high + 1)
            made += [
                Division(f"{grid.code}{j:02d}", f"{grid.name}第{j}微网格", "microgrid", grid.code)
                for j in range(1, micro_count + 1)
            ]
    return made


def _rng(seed: int, code: str, purpose: str) -> np.random.Generator:
    # A stable digest rather than hash(), which Python randomises per process.
    digest = hashlib.blake2b(f"{seed}:{code}:{purpose}".encode(), digest_size=16).digest()
    return np.random.default_rng(int.from_bytes(digest, "big"))


def _children_by_parent(nodes: list[Division]) -> dict[str, list[Division]]:
    codes = {node.code for node in nodes}
    children = defaultdict(list)
    for node in nodes:
        if node.parent_code is None:
            continue
        if node.parent_code not in codes:
            raise ValueError(f"{node.code} {node.name}: unknown parent code {node.parent_code}.")
        children[node.parent_code].append(node)
    return dict(children)


def _draft_polygons(
    nodes: list[Division], children: dict[str, list[Division]], seed: int
) -> dict[str, shapely.Polygon]:
    cities = [node for node in nodes if node.level == "city"]
    if len(cities) != 1:
        raise ValueError(f"Expected exactly one city in the division file, found {len(cities)}.")
    drafts = {cities[0].code: _envelope(_rng(seed, cities[0].code, "outline"))}
    # `nodes` is top-down, so each parent is drawn before its children are cut from it.
    for node in nodes:
        kids = children.get(node.code, [])
        if len(kids) == 1:
            drafts[kids[0].code] = drafts[node.code]
        elif kids:
            parent = drafts[node.code]
            points = _seed_points(parent, kids, _rng(seed, node.code, "seeds"))
            drafts.update(zip((kid.code for kid in kids), _split(parent, points), strict=True))
    return drafts


def _envelope(rng: np.random.Generator) -> shapely.Polygon:
    # The radius is a positive function of the angle, so the outline is star-shaped and its
    # ring can never cross itself; a few low harmonics make it irregular without spikes.
    angles = np.linspace(0, 2 * np.pi, _ENVELOPE_VERTICES, endpoint=False)
    harmonics = np.arange(2, 6)[:, None]
    amplitudes = rng.uniform(0.2, 1.0, size=harmonics.shape) / harmonics
    phases = rng.uniform(0, 2 * np.pi, size=harmonics.shape)
    wobble = (amplitudes * np.cos(harmonics * angles + phases)).sum(axis=0)
    low, high = _ENVELOPE_RADII
    radius = low + (high - low) * (wobble - wobble.min()) / np.ptp(wobble)
    min_lon, min_lat, max_lon, max_lat = ENVELOPE_BOUNDS
    half_width, half_height = (max_lon - min_lon) / 2, (max_lat - min_lat) / 2
    lons = min_lon + half_width + half_width * radius * np.cos(angles)
    lats = min_lat + half_height + half_height * radius * np.sin(angles)
    return shapely.set_precision(shapely.Polygon(np.column_stack([lons, lats])), GRID_SIZE)


def _seed_points(
    parent: shapely.Polygon, kids: list[Division], rng: np.random.Generator
) -> np.ndarray:
    """One point per child, in the children's order."""
    seats = [COUNTY_SEATS.get(kid.code) for kid in kids]
    if all(seats) and shapely.contains_xy(parent, *np.transpose(seats)).all():
        return np.array(seats)
    points = _relaxed(parent, _random_points_inside(parent, len(kids), rng))
    # Number children clockwise from north, so that 第1, 第2, … go round the parent.
    offsets = points - shapely.get_coordinates(parent.centroid)
    return points[np.argsort(np.arctan2(offsets[:, 0], offsets[:, 1]) % (2 * np.pi))]


def _random_points_inside(
    polygon: shapely.Polygon, count: int, rng: np.random.Generator
) -> np.ndarray:
    min_x, min_y, max_x, max_y = polygon.bounds
    points = np.empty((0, 2))
    while len(points) < count:
        candidates = rng.uniform((min_x, min_y), (max_x, max_y), size=(4 * count, 2))
        inside = shapely.contains_xy(polygon, candidates[:, 0], candidates[:, 1])
        points = np.vstack([points, candidates[inside]])
    return points[:count]


def _relaxed(polygon: shapely.Polygon, points: np.ndarray) -> np.ndarray:
    """Lloyd relaxation: move each point to the centre of its Voronoi cell within the polygon,
    which evens out cell sizes and rounds off slivers."""
    for _ in range(_LLOYD_STEPS):
        cells = shapely.voronoi_polygons(shapely.multipoints(points), extend_to=polygon)
        clipped = shapely.intersection(shapely.get_parts(cells), polygon)
        centres = shapely.centroid(clipped)
        # The centroid of a cell clipped by a concave parent may fall outside it.
        outside = ~shapely.contains(polygon, centres)
        centres[outside] = shapely.point_on_surface(clipped[outside])
        points = shapely.get_coordinates(centres)
    return points


def _split(parent: shapely.Polygon, points: np.ndarray) -> list[shapely.Polygon]:
    """The parent cut into one polygon per point, in the points' order."""
    edges = shapely.voronoi_polygons(shapely.multipoints(points), extend_to=parent, only_edges=True)
    # Noding the parent's boundary with the Voronoi edges gives faces that share exact edges;
    # clipping each cell separately would compute each crossing twice, not always equally.
    faces = _faces(shapely.union_all([parent.boundary, edges]))
    inside = shapely.contains(parent, shapely.point_on_surface(faces))
    faces = faces[inside]
    # A face lies within one Voronoi cell: the one of the point nearest to any of its points.
    centres = shapely.get_coordinates(shapely.point_on_surface(faces))
    distances = np.linalg.norm(centres[:, None, :] - points[None, :, :], axis=2)
    return _join_faces(faces, distances.argmin(axis=1), len(points))


def _faces(linework: shapely.Geometry) -> np.ndarray:
    return shapely.get_parts(shapely.polygonize(shapely.get_parts(linework)))


def _join_faces(faces: np.ndarray, owners: np.ndarray, count: int) -> list[shapely.Polygon]:
    """One polygon per owner from faces that share exact edges.

    An owner's faces may fall apart into several pieces (a convex cell clipped by a concave
    parent, or a narrow neck closed by snapping). The largest piece stays; each other piece
    goes to the neighbour it shares the longest border with, so the result still covers
    exactly the same ground.
    """
    polygons, detached = [], []
    for owner in range(count):
        pieces = shapely.get_parts(shapely.coverage_union_all(faces[owners == owner]))
        if len(pieces) == 0:
            raise RuntimeError(f"Cell {owner} of {count} vanished; try another seed.")
        largest = shapely.area(pieces).argmax()
        polygons.append(pieces[largest])
        detached += [piece for i, piece in enumerate(pieces) if i != largest]
    polygons = np.array(polygons)
    while detached:
        # A piece may border only other detached pieces; it is placed in a later round.
        waiting = [piece for piece in detached if not _attach(piece, polygons)]
        if len(waiting) == len(detached):
            raise RuntimeError("Detached pieces share no border with any cell.")
        detached = waiting
    return list(polygons)


def _attach(piece: shapely.Polygon, polygons: np.ndarray) -> bool:
    """Merge the piece into the polygon it shares the longest border with, if any."""
    near = np.flatnonzero(shapely.intersects(polygons, piece))
    borders = shapely.length(shapely.intersection(piece.boundary, shapely.boundary(polygons[near])))
    if not borders.any():
        return False
    best = near[borders.argmax()]
    polygons[best] = shapely.coverage_union_all([polygons[best], piece])
    return True


def _final_polygons(
    nodes: list[Division],
    children: dict[str, list[Division]],
    drafts: dict[str, shapely.Polygon],
) -> dict[str, shapely.Polygon]:
    leaves = [node.code for node in nodes if node.code not in children]
    draft_leaves = np.array([drafts[code] for code in leaves])
    faces = _faces(shapely.union_all(shapely.boundary(draft_leaves), grid_size=GRID_SIZE))
    # A point inside a face lies in the draft leaf the face came from (distance 0); a face
    # made of float noise between two drafts goes to whichever is nearest.
    face_index, leaf_index = shapely.STRtree(draft_leaves).query_nearest(
        shapely.point_on_surface(faces), all_matches=False
    )
    owners = np.empty(len(faces), dtype=int)
    owners[face_index] = leaf_index
    polygons = dict(zip(leaves, _join_faces(faces, owners, len(leaves)), strict=True))
    for node in reversed(nodes):  # bottom-up: children before their parent
        kids = children.get(node.code)
        if kids:
            polygons[node.code] = shapely.coverage_union_all([polygons[kid.code] for kid in kids])
    return {
        code: _checked(code, polygon)
        for code, polygon in zip(
            polygons, shapely.orient_polygons(list(polygons.values())), strict=True
        )
    }


def _checked(code: str, polygon: shapely.Geometry) -> shapely.Polygon:
    # A union of connected children is connected; this only fails if snapping closed the one
    # neck that held a division together, which relaxation makes vanishingly rare.
    if polygon.geom_type != "Polygon" or not polygon.is_valid:
        raise RuntimeError(f"{code}: generated {polygon.geom_type} is not one valid polygon.")
    return polygon
