import io
import json

import numpy as np
import pytest
import shapely
from django.core.management import CommandError, call_command

from gridgov.core.errors import InvalidInput
from gridgov.core.models import AuditEntry
from gridgov.regions.actions import do_import_boundaries, do_import_divisions
from gridgov.regions.boundaries import read_geojson
from gridgov.regions.crs import geometry_to_wgs84
from gridgov.regions.divisions import read_division_csv
from gridgov.regions.locate import locate_point
from gridgov.regions.models import BoundaryRevision, Region
from tests.conftest import PASSWORD, county_boundaries_path

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

# A small made-up city far from Jiaxing, so new grids cannot overlap the demo's.
SAMPLE_CITY = """code,name,level,parent_code
4699,样例市,city,
469901,甲区,county,4699
469901001,一号街道,town,469901
469901001001,东村村委会,village,469901001
"""
VILLAGE = "469901001001"


@pytest.fixture
def sample_city():
    do_import_divisions(read_division_csv(SAMPLE_CITY), actor="test")


def square(x, y, size=0.01):
    return [[[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]]


def feature(code, coordinates, *, name=None, parent_code=None, kind="Polygon"):
    properties = {"code": code, "name": name or f"区域{code[-3:]}"}
    if parent_code:
        properties["parent_code"] = parent_code
    return {
        "type": "Feature",
        "properties": properties,
        "geometry": {"type": kind, "coordinates": coordinates},
    }


def collection(*features) -> str:
    return json.dumps({"type": "FeatureCollection", "features": list(features)})


def import_text(text, crs="wgs84", **kwargs):
    return do_import_boundaries(read_geojson(text, crs=crs), actor="test", **kwargs)


def reasons(exc) -> str:
    return "\n".join(f"{p['feature']}: {p['reason']}" for p in exc.details)


# --- The real county file -----------------------------------------------------------------


@pytest.fixture
def tree_without_geometry():
    """The division tree as a command centre starts: codes and names, no polygons yet (the
    demo's made-up outlines would rightly refuse real county boundaries)."""
    Region.objects.update(boundary=None, label_lon=None, label_lat=None)


def test_the_real_county_boundaries_import_from_gcj02_and_are_stored_in_wgs84(
    tree_without_geometry,
):
    path = county_boundaries_path()
    out = io.StringIO()
    call_command("import_boundaries", str(path), "--crs", "gcj02", stdout=out)
    assert "7 updated" in out.getvalue()
    source = {
        f["properties"]["code"]: shapely.from_geojson(json.dumps(f["geometry"]))
        for f in json.loads(path.read_text(encoding="utf-8"))["features"]
    }
    for code, gcj in source.items():
        stored = Region.objects.get(code=code).geometry()
        expected = geometry_to_wgs84(gcj, "gcj02")
        assert np.allclose(shapely.get_coordinates(stored), shapely.get_coordinates(expected))
        shift = np.abs(shapely.get_coordinates(stored) - shapely.get_coordinates(gcj))
        # GCJ-02 moves Jiaxing by a few hundred metres: thousandths of a degree.
        assert 0.001 < shift.max() < 0.01
    assert shapely.is_valid(Region.objects.get(code="330482").geometry())  # 平湖市, 7 islands


def test_a_file_that_says_gcj02_cannot_be_imported_as_wgs84():
    with pytest.raises(CommandError, match="GCJ-02"):
        call_command(
            "import_boundaries",
            str(county_boundaries_path()),
            "--crs",
            "wgs84",
            stdout=io.StringIO(),
        )


def test_reimporting_the_same_boundaries_updates_nothing(tree_without_geometry):
    path = county_boundaries_path()
    call_command("import_boundaries", str(path), "--crs", "gcj02", stdout=io.StringIO())
    out = io.StringIO()
    call_command("import_boundaries", str(path), "--crs", "gcj02", stdout=out)
    assert "0 updated, 7 unchanged" in out.getvalue()


# --- New grids and micro-grids --------------------------------------------------------------


def test_new_grids_and_micro_grids_are_created_with_ancestors_and_located(sample_city):
    grid = "469901001001001"
    revision = BoundaryRevision.objects.filter(pk=1).values_list("number", flat=True).first()
    summary = import_text(
        collection(
            feature(grid, square(110.0, 20.0, 0.02), parent_code=VILLAGE),
            feature(grid + "01", square(110.0, 20.0, 0.01), parent_code=grid),
            feature(grid + "02", square(110.01, 20.0, 0.01), parent_code=grid),
        )
    )
    assert summary.created == 3
    micro = Region.objects.get(code=grid + "02")
    assert micro.level == "microgrid"
    assert micro.grid.code == grid and micro.village.code == VILLAGE and micro.city.code == "4699"
    assert BoundaryRevision.objects.get(pk=1).number == (revision or 0) + 1
    assert locate_point(110.015, 20.005).code == grid + "02"


# --- Refusals: all or nothing ---------------------------------------------------------------


def test_malformed_json_is_refused_with_the_parser_message():
    with pytest.raises(InvalidInput, match="not valid JSON"):
        read_geojson(b'{"type": "FeatureCollection", "features": [', crs="wgs84")


def test_a_self_intersecting_polygon_is_named_with_the_reason(sample_city):
    bowtie = [[[110.0, 20.0], [110.01, 20.01], [110.01, 20.0], [110.0, 20.01], [110.0, 20.0]]]
    with pytest.raises(InvalidInput) as caught:
        import_text(collection(feature("469901001001001", bowtie, parent_code=VILLAGE)))
    message = reasons(caught.value)
    assert "feature #1" in message and "469901001001001" in message
    assert "Self-intersection" in message


def test_a_geometry_that_is_not_a_polygon_is_refused():
    line = {"type": "Feature", "properties": {"code": "x"},
            "geometry": {"type": "LineString", "coordinates": [[0, 0], [1, 1]]}}  # fmt: skip
    with pytest.raises(InvalidInput) as caught:
        read_geojson(collection(line), crs="wgs84")
    assert "Polygon or MultiPolygon" in reasons(caught.value)


def test_overlapping_siblings_are_named_both(sample_city):
    with pytest.raises(InvalidInput) as caught:
        import_text(
            collection(
                feature("469901001001001", square(110.0, 20.0), parent_code=VILLAGE),
                feature("469901001001002", square(110.005, 20.0), parent_code=VILLAGE),
            )
        )
    message = reasons(caught.value)
    assert "469901001001001" in message and "469901001001002" in message and "overlaps" in message


def test_an_overlap_with_a_stored_grid_is_refused_too():
    demo_grid = Region.objects.get(code="330402013001001")
    inside = shapely.get_coordinates(demo_grid.geometry().buffer(-0.0005)).tolist()
    with pytest.raises(InvalidInput) as caught:
        import_text(collection(feature("330402013001099", [inside], parent_code="330402013001")))
    assert "existing region 330402013001001" in reasons(caught.value)


def test_an_overlap_within_the_tolerance_is_accepted(sample_city):
    # Two squares sharing a strip 1e-6° wide (about 0.1 m x 1 km = 100 m²).
    first = feature("469901001001001", square(110.0, 20.0), parent_code=VILLAGE)
    second = feature("469901001001002", square(110.009999, 20.0), parent_code=VILLAGE)
    with pytest.raises(InvalidInput):
        import_text(collection(first, second), overlap_tolerance_m2=50)
    assert import_text(collection(first, second), overlap_tolerance_m2=150).created == 2


def test_real_counties_do_not_fit_the_demos_made_up_city_and_are_refused():
    with pytest.raises(CommandError, match="outside 3304"):
        call_command(
            "import_boundaries",
            str(county_boundaries_path()),
            "--crs",
            "gcj02",
            stdout=io.StringIO(),
        )


def test_a_redrawn_grid_must_still_hold_its_stored_micro_grids():
    grid = Region.objects.get(code="330402013001001")
    shrunk = shapely.get_coordinates(grid.geometry().buffer(-0.001)).tolist()
    with pytest.raises(InvalidInput) as caught:
        import_text(collection(feature(grid.code, [shrunk])))
    assert "outside" in reasons(caught.value) and grid.code + "01" in reasons(caught.value)


def test_a_micro_grid_outside_its_grid_is_refused(sample_city):
    grid = "469901001001001"
    with pytest.raises(InvalidInput) as caught:
        import_text(
            collection(
                feature(grid, square(110.0, 20.0), parent_code=VILLAGE),
                feature(grid + "01", square(110.5, 20.5), parent_code=grid),
            )
        )
    assert "outside" in reasons(caught.value)


def test_an_unknown_parent_code_is_refused(sample_city):
    with pytest.raises(InvalidInput) as caught:
        import_text(
            collection(feature("469901001009001", square(110, 20), parent_code="469901001009"))
        )
    assert "unknown parent code 469901001009" in reasons(caught.value)


def test_an_unknown_code_without_parent_is_refused():
    with pytest.raises(InvalidInput) as caught:
        import_text(collection(feature("999999", square(110, 20))))
    assert "unknown region code 999999" in reasons(caught.value)


def test_one_bad_feature_means_nothing_is_written(sample_city):
    regions, audits = Region.objects.count(), AuditEntry.objects.count()
    with pytest.raises(InvalidInput):
        import_text(
            collection(
                feature("469901001001001", square(110.0, 20.0), parent_code=VILLAGE),
                feature("469901001001002", square(110.2, 20.0), parent_code="469901001009"),
            )
        )
    assert (Region.objects.count(), AuditEntry.objects.count()) == (regions, audits)


def test_the_command_names_the_feature_and_reason(tmp_path, sample_city):
    path = tmp_path / "grids.geojson"
    path.write_text(
        collection(feature("469901001009001", square(110, 20), parent_code="469901001009")),
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match=r"feature #1 \(code 469901001009001"):
        call_command("import_boundaries", str(path), "--crs", "wgs84", stdout=io.StringIO())


# --- Who may change what, and what a map may not change --------------------------------------


@pytest.fixture
def county_admin(db):
    """An administrator posted to 南湖区, not the whole city."""
    from gridgov.org.actions import StaffData, do_create_account, do_create_staff

    staff = do_create_staff(
        StaffData("区管理员", "admin", Region.objects.get(code="330402")), actor="test"
    )
    return do_create_account(staff, actor="test", username="nanhu-admin", password=PASSWORD)


def redraw(code, *, shrink=0.0, name=None):
    region = Region.objects.get(code=code)
    geometry = region.geometry().buffer(-shrink) if shrink else region.geometry()
    return {
        "type": "Feature",
        "properties": {"code": code, "name": name or region.name},
        "geometry": json.loads(shapely.to_geojson(geometry)),
    }


def test_an_administrator_of_one_county_cannot_redraw_another(county_admin):
    with pytest.raises(InvalidInput) as caught:
        do_import_boundaries(
            read_geojson(collection(redraw("330411101207001")), crs="wgs84"),  # 秀洲区
            actor=county_admin,
        )
    assert "outside your area" in reasons(caught.value)


def test_an_administrator_of_one_county_may_redraw_inside_it(county_admin):
    summary = do_import_boundaries(
        read_geojson(collection(redraw("330402013001001", name="化东一格")), crs="wgs84"),
        actor=county_admin,
    )
    assert summary.updated == 1
    assert Region.objects.get(code="330402013001001").name == "化东一格"


def test_a_map_cannot_rename_an_official_division():
    import_text(collection(redraw("330402013", name="改名街道")))
    assert Region.objects.get(code="330402013").name == "东栅街道"


def test_codes_and_names_must_fit_the_region_table(sample_city):
    with pytest.raises(InvalidInput) as caught:
        read_geojson(
            collection(
                feature(
                    "469901001001001-TOO-LONG-FOR-A-CODE", square(110, 20), parent_code=VILLAGE
                ),
                feature("469901001001002", square(110.1, 20), name="名" * 101, parent_code=VILLAGE),
            ),
            crs="wgs84",
        )
    message = reasons(caught.value)
    assert "not a region code" in message and "longer than 100" in message


def test_a_grid_is_checked_against_the_nearest_region_above_it_with_a_boundary(sample_city):
    import_text(collection(feature("4699", square(110.0, 20.0, 0.5))))  # the city's outline
    with pytest.raises(InvalidInput) as caught:
        import_text(
            collection(feature("469901001001001", square(111.0, 20.0), parent_code=VILLAGE))
        )
    assert "outside 4699" in reasons(caught.value)


def test_a_tree_changed_during_the_check_is_checked_again(monkeypatch, sample_city):
    from gridgov.regions import actions

    calls = []
    original = actions.check_features

    def check_while_someone_else_writes(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            actions.bump_revision()
        return original(*args, **kwargs)

    monkeypatch.setattr(actions, "check_features", check_while_someone_else_writes)
    summary = import_text(
        collection(feature("469901001001001", square(110, 20), parent_code=VILLAGE))
    )
    assert summary.created == 1 and len(calls) == 2


def test_an_import_gives_up_when_the_tree_keeps_changing(monkeypatch, sample_city):
    from gridgov.core.errors import Conflict
    from gridgov.regions import actions

    original = actions.check_features

    def always_changed(*args, **kwargs):
        actions.bump_revision()
        return original(*args, **kwargs)

    monkeypatch.setattr(actions, "check_features", always_changed)
    with pytest.raises(Conflict):
        import_text(collection(feature("469901001001001", square(110, 20), parent_code=VILLAGE)))
    assert not Region.objects.filter(code="469901001001001").exists()
