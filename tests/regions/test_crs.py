import numpy as np
import pytest
import shapely

from gridgov.regions.crs import gcj02_to_wgs84, geometry_to_wgs84, to_wgs84, wgs84_to_gcj02

# Reference values from an independent implementation (the coord-convert package).
KNOWN_PAIRS = [
    ((120.7555, 30.7461), (120.75981944828254, 30.743799983902658)),  # Jiaxing
    ((121.0, 30.5), (121.00432297384711, 30.497601404689117)),
    ((116.39, 39.9), (116.39623950248456, 39.901400287519685)),  # Beijing
    ((113.26, 23.13), (113.26532708480055, 23.127321647610675)),  # Guangzhou
]


@pytest.mark.parametrize(("wgs", "gcj"), KNOWN_PAIRS)
def test_wgs84_to_gcj02_matches_the_published_formula(wgs, gcj):
    lon, lat = wgs84_to_gcj02(*wgs)
    assert float(lon) == pytest.approx(gcj[0], abs=1e-12)
    assert float(lat) == pytest.approx(gcj[1], abs=1e-12)


@pytest.mark.parametrize(("wgs", "gcj"), KNOWN_PAIRS)
def test_gcj02_to_wgs84_recovers_the_gps_position_to_a_millimetre(wgs, gcj):
    lon, lat = gcj02_to_wgs84(*gcj)
    assert float(lon) == pytest.approx(wgs[0], abs=1e-8)
    assert float(lat) == pytest.approx(wgs[1], abs=1e-8)


def test_inverse_is_exact_over_a_grid_of_jiaxing_points():
    lon, lat = np.meshgrid(np.linspace(120.2, 121.4, 40), np.linspace(30.2, 31.1, 40))
    back_lon, back_lat = gcj02_to_wgs84(*wgs84_to_gcj02(lon.ravel(), lat.ravel()))
    assert np.max(np.abs(back_lon - lon.ravel())) < 1e-9
    assert np.max(np.abs(back_lat - lat.ravel())) < 1e-9


def test_points_outside_china_are_not_shifted():
    assert wgs84_to_gcj02(2.35, 48.85) == (2.35, 48.85)
    assert gcj02_to_wgs84(2.35, 48.85) == (2.35, 48.85)


def test_geometry_conversion_moves_every_vertex():
    square = shapely.box(120.7, 30.7, 120.8, 30.8)
    moved = geometry_to_wgs84(square, "gcj02")
    expected = np.column_stack(gcj02_to_wgs84(*shapely.get_coordinates(square).T))
    assert np.allclose(shapely.get_coordinates(moved), expected)
    assert geometry_to_wgs84(square, "wgs84") is square


def test_an_unknown_coordinate_system_is_refused():
    with pytest.raises(ValueError, match="bd09"):
        to_wgs84(120.0, 30.0, "bd09")
