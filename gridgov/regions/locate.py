"""Locate a point to its micro-grid with an in-process spatial index.

Each process builds a shapely STRtree over every micro-grid polygon once and keeps it; queries
are a few microseconds, batches run at the speed of shapely itself. When boundaries change, the
writer bumps `BoundaryRevision` in the same transaction; readers compare revisions at most every
`REVISION_CHECK_SECONDS` and rebuild, so every process sees new grids within seconds without any
message bus.
"""

import threading
import time
from dataclasses import dataclass

import numpy as np
import shapely

from .choices import RegionLevel
from .models import BoundaryRevision, Region

REVISION_CHECK_SECONDS = 2.0


@dataclass(frozen=True)
class LocateIndex:
    revision: int
    region_ids: np.ndarray  # micro-grid Region ids, aligned with the tree's geometries
    tree: shapely.STRtree

    @classmethod
    def build(cls, revision: int) -> "LocateIndex":
        rows = (
            Region.objects.filter(level=RegionLevel.MICROGRID, boundary__isnull=False)
            .order_by("code")
            .values_list("id", "boundary")
        )
        ids, wkbs = [], []
        for ident, wkb in rows.iterator(chunk_size=5000):
            ids.append(ident)
            wkbs.append(bytes(wkb))
        polygons = shapely.from_wkb(np.array(wkbs, dtype=object)) if wkbs else np.array([])
        return cls(revision, np.array(ids, dtype=np.int64), shapely.STRtree(polygons))

    def __len__(self) -> int:
        return len(self.region_ids)

    def locate_many(self, lons, lats) -> np.ndarray:
        """Micro-grid ids for arrays of WGS84 points; -1 where no micro-grid contains the point.

        A point on a shared edge belongs to both neighbours; the first in code order wins, so
        the answer is the same in every process.
        """
        points = shapely.points(np.asarray(lons, dtype=float), np.asarray(lats, dtype=float))
        found = np.full(len(points), -1, dtype=np.int64)
        if len(self.region_ids) == 0:
            return found
        point_idx, tree_idx = self.tree.query(points, predicate="intersects")
        nearest = np.full(len(points), -1, dtype=np.int64)
        nearest[point_idx] = tree_idx
        # Only points on a shared edge hit twice; settle those few on the lowest tree index.
        on_edge = np.bincount(point_idx, minlength=len(points))[point_idx] > 1
        if on_edge.any():
            np.minimum.at(nearest, point_idx[on_edge], tree_idx[on_edge])
        hit = nearest >= 0
        found[hit] = self.region_ids[nearest[hit]]
        return found

    def locate(self, lon: float, lat: float) -> int | None:
        if len(self.region_ids) == 0:
            return None
        hits = self.tree.query(shapely.Point(lon, lat), predicate="intersects")
        if len(hits) == 0:
            return None
        return int(self.region_ids[hits.min()])


class _IndexCache:
    """The process-wide index, rebuilt when the boundary revision moves."""

    def __init__(self):
        self._lock = threading.Lock()
        self._index: LocateIndex | None = None
        self._checked_at = 0.0

    def get(self) -> LocateIndex:
        index = self._index
        now = time.monotonic()
        if index is not None and now - self._checked_at < REVISION_CHECK_SECONDS:
            return index
        with self._lock:
            revision = current_revision()
            if self._index is None or self._index.revision != revision:
                self._index = LocateIndex.build(revision)
            self._checked_at = time.monotonic()
            return self._index

    def clear(self) -> None:
        with self._lock:
            self._index = None
            self._checked_at = 0.0


def current_revision() -> int:
    row = BoundaryRevision.objects.filter(pk=1).values_list("number", flat=True).first()
    return row or 0


index_cache = _IndexCache()


def get_index() -> LocateIndex:
    return index_cache.get()


def locate_point(lon: float, lat: float) -> Region | None:
    """The micro-grid containing a WGS84 point, with its ancestors loaded, or None."""
    region_id = get_index().locate(lon, lat)
    if region_id is None:
        return None
    return (
        Region.objects.select_related("grid", "village", "town", "county", "city")
        .filter(pk=region_id)
        .first()
    )
