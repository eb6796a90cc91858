#!/usr/bin/env python
"""Benchmark: locating points to micro-grids on the `city` demo geometry (Jiaxing scale).

Prints, measured in one run:
  * batch: 1,000,000 random points through `LocateIndex.locate_many` (lon/lat arrays in, micro-grid
    ids out), against a raw shapely 2 STRtree query (predicate "intersects") over the same
    polygons, unprepared copies, and the same points, made beforehand so that the baseline is
    the query alone; goal ratio >= 0.8;
  * single calls of GET /api/v1/locate through Django's test client: p50 / p99 (goal p50 < 5 ms);
  * the index's memory: RSS growth from before building it to after a first use that
    completes GEOS's lazy preparation (goal < 300 MB for 40,000 micro-grids).

The city geometry is loaded once into var/bench/locate.sqlite3 through the same checked import
as any boundary file, and reused by later runs.
"""

import ctypes
import gc
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB = ROOT / "var" / "bench" / "locate.sqlite3"
DB.parent.mkdir(parents=True, exist_ok=True)
os.environ["DATABASE_URL"] = f"sqlite:///{DB}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gridgov.settings.development")
os.environ["GRIDGOV_DEBUG"] = "false"
os.environ["GRIDGOV_ALLOWED_HOSTS"] = "testserver"
os.environ["GRIDGOV_LOG_LEVEL"] = "WARNING"

import django  # noqa: E402

django.setup()

import shapely  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from gridgov.regions.choices import RegionLevel  # noqa: E402
from gridgov.regions.demo import load_demo_regions  # noqa: E402
from gridgov.regions.locate import LocateIndex, current_revision  # noqa: E402
from gridgov.regions.models import Region  # noqa: E402

POINTS = 1_000_000
API_CALLS = 2_000
REPEATS = 3


def rss_mb() -> float:
    """Resident memory, after handing freed heap back to the system so that temporary arrays
    of earlier steps do not count."""
    gc.collect()
    ctypes.CDLL("libc.so.6").malloc_trim(0)
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def ensure_city_geometry() -> None:
    call_command("migrate", verbosity=0)
    if Region.objects.filter(level=RegionLevel.MICROGRID).count() >= 40_000:
        return
    print("Loading the city-scale demo geometry (first run only)...", flush=True)
    started = time.perf_counter()
    summary = load_demo_regions(scale="city", seed=2022, actor="bench")
    print(f"  {summary} in {time.perf_counter() - started:.1f} s", flush=True)


def best_of(func, repeats=REPEATS):
    times, result = [], None
    for _ in range(repeats):
        started = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - started)
    return min(times), result


def random_points(index: LocateIndex, count: int, rng) -> tuple[np.ndarray, np.ndarray]:
    xmin, ymin, xmax, ymax = shapely.total_bounds(index.polygons)
    return rng.uniform(xmin, xmax, count), rng.uniform(ymin, ymax, count)


def bench_batch(index: LocateIndex, rng) -> dict:
    lons, lats = random_points(index, POINTS, rng)
    points = shapely.points(lons, lats)
    raw_tree = shapely.STRtree(shapely.from_wkb(shapely.to_wkb(index.polygons)))
    raw_seconds, raw = best_of(lambda: raw_tree.query(points, predicate="intersects"))
    ours_seconds, found = best_of(lambda: index.locate_many(lons, lats))
    # Same answers: every point the raw query places once must get that micro-grid.
    hits = np.bincount(raw[0], minlength=POINTS)
    single = hits[raw[0]] == 1
    expected = np.full(POINTS, -1, dtype=np.int64)
    expected[raw[0][single]] = index.region_ids[raw[1][single]]
    agree = bool(np.all(found[expected >= 0] == expected[expected >= 0]))
    return {
        "points": POINTS,
        "located": int((found >= 0).sum()),
        "raw_pps": POINTS / raw_seconds,
        "ours_pps": POINTS / ours_seconds,
        "ratio": raw_seconds / ours_seconds,
        "agree": agree,
    }


def bench_api(index: LocateIndex, rng) -> dict:
    user, _ = get_user_model().objects.get_or_create(
        username="bench", defaults={"is_superuser": True, "is_staff": True}
    )
    client = Client()
    client.force_login(user)
    lons, lats = random_points(index, API_CALLS * 3, rng)
    inside = index.locate_many(lons, lats) >= 0
    lons, lats = lons[inside][:API_CALLS], lats[inside][:API_CALLS]
    for lon, lat in zip(lons[:50], lats[:50], strict=True):  # warm up
        client.get("/api/v1/locate", {"lon": lon, "lat": lat})
    latencies = []
    for lon, lat in zip(lons, lats, strict=True):
        started = time.perf_counter()
        response = client.get("/api/v1/locate", {"lon": lon, "lat": lat})
        latencies.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.content
    latencies.sort()
    return {
        "calls": len(latencies),
        "p50_ms": statistics.median(latencies),
        "p99_ms": latencies[int(len(latencies) * 0.99) - 1],
    }


def main() -> int:
    ensure_city_geometry()
    microgrids = Region.objects.filter(level=RegionLevel.MICROGRID).count()
    rng = np.random.default_rng(7)
    before = rss_mb()
    started = time.perf_counter()
    index = LocateIndex.build(current_revision())
    build_seconds = time.perf_counter() - started
    # GEOS finishes preparing a polygon the first time it is queried: measure after use.
    for _ in range(4):
        index.locate_many(*random_points(index, POINTS // 4, rng))
    index_mb = rss_mb() - before
    batch = bench_batch(index, rng)
    api = bench_api(index, rng)

    print(f"\nlocate benchmark — {microgrids:,} micro-grids (city demo), 2 cores")
    print(f"  index build            {build_seconds:8.2f} s")
    print(f"  index memory (RSS)     {index_mb:8.1f} MB      goal < 300 MB   "
          f"{'ok' if index_mb < 300 else 'MISSED'}")  # fmt: skip
    print(f"  batch {batch['points']:,} points, {batch['located']:,} inside a micro-grid")
    print(f"    raw STRtree query    {batch['raw_pps']:12,.0f} points/s")
    print(f"    LocateIndex          {batch['ours_pps']:12,.0f} points/s")
    print(f"    ratio                {batch['ratio']:8.2f}         goal >= 0.8     "
          f"{'ok' if batch['ratio'] >= 0.8 else 'MISSED'}")  # fmt: skip
    print(f"    same answers as raw  {batch['agree']}")
    print(f"  API GET /api/v1/locate x {api['calls']:,} (test client)")
    print(f"    p50                  {api['p50_ms']:8.2f} ms      goal < 5 ms     "
          f"{'ok' if api['p50_ms'] < 5 else 'MISSED'}")  # fmt: skip
    print(f"    p99                  {api['p99_ms']:8.2f} ms")
    ok = index_mb < 300 and batch["ratio"] >= 0.8 and api["p50_ms"] < 5 and batch["agree"]
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
