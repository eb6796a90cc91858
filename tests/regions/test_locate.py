import numpy as np
import pytest
import shapely
from django.test import Client

from gridgov.regions import locate
from gridgov.regions.actions import bump_boundary_revision
from gridgov.regions.crs import wgs84_to_gcj02
from gridgov.regions.locate import get_index, index_cache
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


def test_batch_and_single_locate_agree():
    index = get_index()
    rng = np.random.default_rng(1)
    xmin, ymin, xmax, ymax = shapely.total_bounds(index.polygons)
    lons, lats = rng.uniform(xmin, xmax, 3000), rng.uniform(ymin, ymax, 3000)
    batch = index.locate_many(lons, lats)
    single = [index.locate(x, y) or -1 for x, y in zip(lons, lats, strict=True)]
    assert batch.tolist() == single
    assert (batch >= 0).mean() > 0.5  # most of the bounding box is covered


def test_a_point_on_a_shared_edge_always_gets_the_lower_code(grid_a):
    first, second = grid_a.children.order_by("code")[:2]
    edge = shapely.intersection(first.geometry().boundary, second.geometry().boundary)
    point = shapely.line_interpolate_point(shapely.line_merge(edge), 0.5, normalized=True)
    if point.is_empty:  # the shared border is a multi-line: take a vertex on it
        point = shapely.get_point(shapely.get_geometry(edge, 0), 0)
    index = get_index()
    assert index.locate(point.x, point.y) == first.pk
    assert index.locate_many([point.x], [point.y]).tolist() == [first.pk]


def test_every_process_rebuilds_its_index_when_the_revision_moves(monkeypatch, micro_a):
    monkeypatch.setattr(locate, "REVISION_CHECK_SECONDS", 0)
    before = index_cache.get()
    assert index_cache.get() is before  # same revision: no rebuild
    bump_boundary_revision()
    after = index_cache.get()
    assert after is not before and after.revision == before.revision + 1
    assert after.locate(micro_a.label_lon, micro_a.label_lat) == micro_a.pk
