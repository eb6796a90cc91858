import numpy as np
import pytest
import shapely
from django.test import Client

from gridgov.regions import locate
from gridgov.regions.actions import bump_revision
from gridgov.regions.crs import wgs84_to_gcj02
from gridgov.regions.locate import CellGrid, LocateIndex, get_index, index_cache
from gridgov.regions.models import Region
from tests.conftest import GRID_A, client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def micro_a(grid_a) -> Region:
    return grid_a.children.order_by("code").first()


def test_a_point_in_a_micro_grid_is_located_at_every_level(gridworker_a, micro_a):
    response = client_for(gridworker_a).get(
        "/api/v1/locate", {"lon": micro_a.label_lon, "lat": micro_a.label_lat}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["microgrid"] == {"code": micro_a.code, "name": micro_a.name}
    assert body["grid"]["code"] == GRID_A
    assert [body[level]["code"] for level in ("village", "town", "county", "city")] == [
        "330402013001",
        "330402013",
        "330402",
        "3304",
    ]
    assert body["town"]["name"] == "东栅街道"
    assert body["county"]["name"] == "南湖区"


def test_a_gcj02_point_from_a_phone_map_is_converted_before_locating(gridworker_a, micro_a):
    gcj_lon, gcj_lat = wgs84_to_gcj02(micro_a.label_lon, micro_a.label_lat)
    response = client_for(gridworker_a).get(
        "/api/v1/locate", {"lon": float(gcj_lon), "lat": float(gcj_lat), "crs": "gcj02"}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["microgrid"]["code"] == micro_a.code
    assert body["point"]["lon"] == pytest.approx(micro_a.label_lon, abs=1e-7)
    assert body["point"]["crs"] == "wgs84"


def test_a_point_outside_every_micro_grid_gets_404_with_a_clear_message(gridworker_a):
    response = client_for(gridworker_a).get("/api/v1/locate", {"lon": 100.0, "lat": 10.0})
    assert response.status_code == 404
    assert "微网格" in response.json()["detail"]
    english = client_for(gridworker_a).get(
        "/api/v1/locate", {"lon": 100.0, "lat": 10.0}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "not inside any micro-grid" in english.json()["detail"]


@pytest.mark.parametrize(
    "params",
    [
        {"lon": "abc", "lat": "30.7"},
        {"lon": "120.7"},
        {"lon": "nan", "lat": "30.7"},
        {"lon": "inf", "lat": "30.7"},
        {"lon": "181", "lat": "30.7"},
        {"lon": "120.7", "lat": "-90.5"},
        {"lon": "120.7", "lat": "30.7", "crs": "bd09"},
        {"lon": "", "lat": ""},
    ],
)
def test_bad_numbers_get_400_and_say_which(gridworker_a, params):
    response = client_for(gridworker_a).get("/api/v1/locate", params)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert body["errors"]


def test_locating_needs_a_login():
    assert Client().get("/api/v1/locate", {"lon": 120.7, "lat": 30.7}).status_code == 403


def lowest_hit_by_strtree(index, lons, lats) -> list[int]:
    """Ground truth: every polygon a shapely STRtree finds for each point, lowest code first."""
    tree = shapely.STRtree(shapely.from_wkb(shapely.to_wkb(index.polygons)))
    points, polygons = tree.query(shapely.points(lons, lats), predicate="intersects")
    first = {}
    for point, polygon in zip(points.tolist(), polygons.tolist(), strict=True):
        first[point] = min(polygon, first.get(point, polygon))
    return [int(index.region_ids[first[i]]) if i in first else -1 for i in range(len(lons))]


def test_batch_and_single_locate_match_a_plain_strtree_inside_and_on_edges():
    index = get_index()
    rng = np.random.default_rng(1)
    xmin, ymin, xmax, ymax = shapely.total_bounds(index.polygons)
    vertices = shapely.get_coordinates(index.polygons[:300])  # on shared edges and corners
    lons = np.concatenate([rng.uniform(xmin, xmax, 3000), vertices[:, 0], [xmin, xmax]])
    lats = np.concatenate([rng.uniform(ymin, ymax, 3000), vertices[:, 1], [ymin, ymax]])
    expected = lowest_hit_by_strtree(index, lons, lats)
    assert index.locate_many(lons, lats).tolist() == expected
    assert [index.locate(x, y) or -1 for x, y in zip(lons, lats, strict=True)] == expected
    assert (np.array(expected) >= 0).mean() > 0.5  # most of the bounding box is covered


def test_a_point_on_a_shared_corner_always_gets_the_lowest_code(grid_a):
    first, second = grid_a.children.order_by("code")[:2]
    shared = shapely.intersection(first.geometry().boundary, second.geometry().boundary)
    x, y = shapely.get_coordinates(shared)[0]
    assert shapely.intersects_xy(first.geometry(), x, y)
    assert shapely.intersects_xy(second.geometry(), x, y)
    index = get_index()
    lowest = lowest_hit_by_strtree(index, [x], [y])[0]  # a third neighbour may touch it too
    assert Region.objects.get(pk=lowest).code <= first.code
    assert index.locate(x, y) == lowest
    assert index.locate_many([x], [y]).tolist() == [lowest]


def test_an_index_without_micro_grids_locates_nothing():
    empty = LocateIndex(revision=0, region_ids=np.array([], dtype=np.int64), polygons=np.array([]),
                        grid=None)  # fmt: skip
    assert empty.locate(120.7, 30.7) is None
    assert empty.locate_many([120.7, 121.0], [30.7, 30.8]).tolist() == [-1, -1]


def test_every_process_rebuilds_its_index_when_the_revision_moves(monkeypatch, micro_a):
    monkeypatch.setattr(locate, "REVISION_CHECK_SECONDS", 0)
    before = index_cache.get()
    assert index_cache.get() is before  # same revision: no rebuild
    bump_revision()
    after = index_cache.get()
    assert after is not before and after.revision == before.revision + 1
    assert after.locate(micro_a.label_lon, micro_a.label_lat) == micro_a.pk


def test_a_stray_or_huge_polygon_neither_breaks_nor_coarsens_the_index():
    index = get_index()
    stray = shapely.box(100.0, 10.0, 100.001, 10.001)  # a typo'd coordinate, far away
    huge = shapely.box(60.0, -20.0, 80.0, 0.0)  # a whole region drawn as one micro-grid
    polygons = np.concatenate([index.polygons, [stray, huge]])
    ids = np.concatenate([index.region_ids, [-7, -8]])
    shapely.prepare(polygons)
    widened = LocateIndex(
        revision=0, region_ids=ids, polygons=polygons, grid=CellGrid.over(polygons)
    )
    assert widened.grid.size == pytest.approx(index.grid.size, rel=0.01)
    assert len(widened.grid.wide) == 1
    rng = np.random.default_rng(3)
    xmin, ymin, xmax, ymax = shapely.total_bounds(index.polygons)
    lons = np.concatenate([rng.uniform(xmin, xmax, 500), [100.0005, 70.0]])
    lats = np.concatenate([rng.uniform(ymin, ymax, 500), [10.0005, -10.0]])
    expected = [*index.locate_many(lons[:500], lats[:500]).tolist(), -7, -8]
    assert widened.locate_many(lons, lats).tolist() == expected
