import io
import json

import pytest
from django.core.management import CommandError, call_command

from gridgov.core.errors import InvalidInput
from gridgov.core.models import AuditEntry
from gridgov.regions.actions import do_import_boundaries, do_import_divisions
from gridgov.regions.boundaries import read_geojson
from gridgov.regions.divisions import JIAXING_DIVISIONS, read_division_csv
from gridgov.regions.models import Region

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

OTHER_CITY = """code,name,level,parent_code
3399,样例市,city,
339901,甲区,county,3399
339901001,一号街道,town,339901
339901001001,东村村委会,village,339901001
339901001002,西村村委会,village,339901001
"""


def test_the_shipped_jiaxing_file_holds_the_real_tree():
    rows = read_division_csv(JIAXING_DIVISIONS.read_text(encoding="utf-8"))
    counts = {
        level: sum(r.level == level for r in rows)
        for level in ("city", "county", "town", "village")
    }
    assert counts == {"city": 1, "county": 7, "town": 72, "village": 1179}
    assert Region.objects.filter(level="village").count() == 1179


def test_importing_the_same_file_again_changes_nothing():
    rows = read_division_csv(JIAXING_DIVISIONS.read_text(encoding="utf-8"))
    before = list(Region.objects.values_list("id", "code", "name", "parent_id", "town_id"))
    summary = do_import_divisions(rows, actor="test")
    assert (summary.created, summary.updated, summary.unchanged) == (0, 0, 1259)
    assert list(Region.objects.values_list("id", "code", "name", "parent_id", "town_id")) == before


def test_another_citys_file_of_the_same_shape_imports_with_ancestors():
    summary = do_import_divisions(read_division_csv(OTHER_CITY), actor="test")
    assert summary.created == 5
    village = Region.objects.get(code="339901001002")
    assert (village.city.code, village.county.code, village.town.code, village.village_id) == (
        "3399",
        "339901",
        "339901001",
        village.pk,
    )


def test_a_renamed_village_is_updated_in_place():
    renamed = OTHER_CITY.replace("西村村委会", "西溪村委会")
    do_import_divisions(read_division_csv(OTHER_CITY), actor="test")
    village_id = Region.objects.get(code="339901001002").pk
    summary = do_import_divisions(read_division_csv(renamed), actor="test")
    assert (summary.created, summary.updated) == (0, 1)
    assert Region.objects.get(pk=village_id).name == "西溪村委会"


def test_every_problem_in_a_bad_file_is_reported_by_line_and_nothing_is_written():
    bad = (
        OTHER_CITY
        + "339901001002,重复村,village,339901001\n"  # duplicate code, line 7
        + "339901009001,孤村,village,339901009\n"  # unknown parent, line 8
        + "339901002,二号街道,village,339901\n"  # a village directly under a county, line 9
        + "339901003,,town,339901\n"  # no name, line 10
        + "339901004,三号街道,township,339901\n"  # unknown level, line 11
    )
    with pytest.raises(InvalidInput) as caught:
        read_division_csv(bad)
    where = {(p["line"], p["column"]) for p in caught.value.details}
    assert {
        (7, "code"),
        (8, "parent_code"),
        (9, "parent_code"),
        (10, "name"),
        (11, "level"),
    } <= where
    assert not Region.objects.filter(code__startswith="3399").exists()


def test_a_file_without_the_header_is_refused():
    with pytest.raises(InvalidInput, match="code,name,level,parent_code"):
        read_division_csv("3399,样例市,city,\n")


def test_the_command_reports_counts_and_is_audited(tmp_path):
    path = tmp_path / "city.csv"
    path.write_text(OTHER_CITY, encoding="utf-8")
    out = io.StringIO()
    call_command("import_divisions", str(path), stdout=out)
    assert "5 created" in out.getvalue()
    entry = AuditEntry.objects.filter(action="regions.import_divisions").latest("id")
    assert entry.actor_label == "command:import_divisions"
    assert entry.changes["created"] == 5


def test_the_command_turns_a_bad_file_into_a_readable_error(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(OTHER_CITY + "339901009001,孤村,village,339901009\n", encoding="utf-8")
    with pytest.raises(CommandError, match="line: 7; column: parent_code"):
        call_command("import_divisions", str(path), stdout=io.StringIO())


def test_a_village_moved_to_another_town_takes_its_grids_along():
    two_towns = OTHER_CITY + "339901002,二号街道,town,339901\n"
    do_import_divisions(read_division_csv(two_towns), actor="test")
    grid = {
        "type": "Feature",
        "properties": {"code": "339901001002001", "name": "西村第1网格"},
        "geometry": {
            "type": "Polygon",
            "coordinates": [[[111, 21], [111.01, 21], [111.01, 21.01], [111, 21]]],
        },
    }
    grid["properties"]["parent_code"] = "339901001002"
    document = json.dumps({"type": "FeatureCollection", "features": [grid]})
    do_import_boundaries(read_geojson(document, crs="wgs84"), actor="test")

    moved = two_towns.replace("西村村委会,village,339901001", "西村村委会,village,339901002")
    summary = do_import_divisions(read_division_csv(moved), actor="test")

    assert summary.updated == 1
    village = Region.objects.get(code="339901001002")
    grid_row = Region.objects.get(code="339901001002001")
    assert village.town.code == "339901002"
    assert grid_row.town.code == "339901002"
    assert (grid_row.village_id, grid_row.grid_id) == (village.pk, grid_row.pk)
