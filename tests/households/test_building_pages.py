"""Buildings are added, edited and given their units on pages and through the API; moving a
building (or a household to a house elsewhere) carries its households' rows in running canvasses
and every level's counters with it, exactly."""

import pytest

from gridgov.core.models import AuditEntry
from gridgov.households import actions
from gridgov.households.canvass_actions import VisitData, do_record_visit
from gridgov.households.models import (
    Building,
    Canvassed,
    Coverage,
    House,
    Household,
    Resident,
    UnitPlacement,
)
from gridgov.inspections.choices import TargetKind
from gridgov.inspections.models import InspectionTarget
from gridgov.regions.models import Region
from tests.conftest import client_for
from tests.households.canvass_fixtures import make_households, microgrids_of, running_canvass
from tests.households.conftest import microgrid_of
from tests.households.test_canvass_coverage import assert_counters_exact

pytestmark = pytest.mark.django_db


def a_unit_in(grid: Region, name: str = "测试超市") -> InspectionTarget:
    target = InspectionTarget(kind=TargetKind.values[0], name=name, lon=grid.label_lon,
                              lat=grid.label_lat)  # fmt: skip
    target.place_in(microgrid_of(grid))
    target.save()
    return target


def audits(action: str) -> int:
    return AuditEntry.objects.filter(action=action).count()


# --- Pages ----------------------------------------------------------------------------------


def test_a_grid_worker_adds_a_building_of_their_grid_on_its_page(quiet_gridworker_a, quiet_grid_a):
    client = client_for(quiet_gridworker_a)
    page = client.get("/ledgers/buildings/new/")
    assert page.status_code == 200 and "添加楼栋" in page.content.decode()
    micro = microgrid_of(quiet_grid_a)
    answer = client.post(
        "/ledgers/buildings/new/",
        {"name": "7幢", "address": "长水路7号", "floors": "6", "microgrid": micro.code},
    )
    building = Building.objects.get(address="长水路7号")
    assert answer.status_code == 302 and answer.url == f"/ledgers/buildings/{building.pk}/"
    assert (building.microgrid_id, building.floors) == (micro.pk, 6)
    assert AuditEntry.objects.filter(
        action="households.building.add", target_id=str(building.pk)
    ).exists()


def test_a_building_form_with_an_unknown_micro_grid_is_refused_and_adds_nothing(
    quiet_gridworker_a,
):
    before = Building.objects.count()
    answer = client_for(quiet_gridworker_a).post(
        "/ledgers/buildings/new/", {"name": "7幢", "address": "长水路7号", "microgrid": "nope"}
    )
    assert answer.status_code == 400
    assert "没有这个编码的微网格。" in answer.content.decode()
    assert Building.objects.count() == before


def test_a_grid_worker_cannot_add_a_building_in_another_grid(quiet_gridworker_a, quiet_grid_b):
    before = Building.objects.count()
    answer = client_for(quiet_gridworker_a).post(
        "/ledgers/buildings/new/",
        {"name": "8幢", "address": "长水路8号", "microgrid": microgrid_of(quiet_grid_b).code},
    )
    assert answer.status_code in (403, 404)
    assert Building.objects.count() == before


def test_editing_a_building_to_another_micro_grid_moves_everything_in_it(
    quiet_dispatcher, quiet_ledger, quiet_grid_b
):
    building = quiet_ledger.building
    target = microgrid_of(quiet_grid_b)
    client = client_for(quiet_dispatcher)
    form = client.get(f"/ledgers/buildings/{building.pk}/edit/")
    assert form.status_code == 200 and building.address in form.content.decode()
    answer = client.post(
        f"/ledgers/buildings/{building.pk}/edit/",
        {"name": building.name, "address": building.address, "microgrid": target.code},
    )
    assert answer.status_code == 302
    building.refresh_from_db()
    assert building.microgrid_id == target.pk
    assert set(House.objects.filter(building=building).values_list("microgrid", flat=True)) == {
        target.pk
    }
    assert Household.objects.get(pk=quiet_ledger.household.pk).grid_id == quiet_grid_b.pk
    assert Resident.objects.get(pk=quiet_ledger.resident.pk).village_id == quiet_grid_b.village_id


def test_another_areas_user_cannot_open_or_edit_the_building(dispatcher_town, quiet_ledger):
    building = quiet_ledger.building
    client = client_for(dispatcher_town)
    assert client.get(f"/ledgers/buildings/{building.pk}/edit/").status_code == 404
    answer = client.post(
        f"/ledgers/buildings/{building.pk}/edit/", {"name": "改名", "address": "x", "microgrid": ""}
    )
    assert answer.status_code == 404
    building.refresh_from_db()
    assert building.name != "改名"


def test_a_unit_of_the_village_is_placed_at_a_building_and_taken_off_again(
    quiet_dispatcher, quiet_ledger, quiet_grid_a
):
    unit = a_unit_in(quiet_grid_a)
    building = quiet_ledger.building
    client = client_for(quiet_dispatcher)
    page = client.get(f"/ledgers/buildings/{building.pk}/").content.decode()
    assert f'<option value="{unit.pk}">测试超市' in page
    client.post(f"/ledgers/buildings/{building.pk}/units/", {"target": unit.pk})
    assert UnitPlacement.objects.get(target=unit).building_id == building.pk
    page = client.get(f"/ledgers/buildings/{building.pk}/").content.decode()
    assert f'<option value="{unit.pk}">' not in page  # placed: no longer offered
    client.post(f"/ledgers/buildings/{building.pk}/units/{unit.pk}/remove/")
    assert not UnitPlacement.objects.filter(target=unit).exists()
    assert audits("households.unit.place") == 1 and audits("households.unit.unplace") == 1


def test_a_unit_outside_the_users_area_cannot_be_placed(
    quiet_gridworker_a, quiet_ledger, quiet_grid_b
):
    unit = a_unit_in(quiet_grid_b, "越界商店")
    answer = client_for(quiet_gridworker_a).post(
        f"/ledgers/buildings/{quiet_ledger.building.pk}/units/", {"target": unit.pk}
    )
    assert answer.status_code == 404
    assert not UnitPlacement.objects.filter(target=unit).exists()


# --- API ------------------------------------------------------------------------------------


def test_the_api_edits_a_building_and_places_and_removes_a_unit(
    quiet_dispatcher, quiet_ledger, quiet_grid_a
):
    building = quiet_ledger.building
    client = client_for(quiet_dispatcher)
    answer = client.put(
        f"/api/v1/buildings/{building.pk}",
        {"name": "新名字", "address": building.address, "microgrid": building.microgrid.code,
         "floors": 12},
        content_type="application/json",
    )  # fmt: skip
    assert answer.status_code == 200, answer.content
    assert answer.json()["name"] == "新名字" and answer.json()["floors"] == 12
    unit = a_unit_in(quiet_grid_a)
    placed = client.post(
        f"/api/v1/buildings/{building.pk}/units",
        {"target": unit.pk},
        content_type="application/json",
    )
    assert placed.status_code == 201 and placed.json()["target"] == unit.pk
    listed = client.get(f"/api/v1/buildings/{building.pk}/units").json()
    assert [u["name"] for u in listed] == ["测试超市"]
    gone = client.delete(f"/api/v1/buildings/{building.pk}/units/{unit.pk}")
    assert gone.status_code == 204
    assert client.delete(f"/api/v1/buildings/{building.pk}/units/{unit.pk}").status_code == 404


def test_the_api_refuses_a_bad_building_edit_and_changes_nothing(quiet_dispatcher, quiet_ledger):
    building = quiet_ledger.building
    answer = client_for(quiet_dispatcher).put(
        f"/api/v1/buildings/{building.pk}",
        {"name": "", "address": building.address, "floors": 999},
        content_type="application/json",
    )
    assert answer.status_code == 400
    building.refresh_from_db()
    assert building.name == quiet_ledger.building.name


# --- Canvasses follow the households ---------------------------------------------------------


@pytest.fixture
def canvass_in_motion(quiet_dispatcher, quiet_grid_a, quiet_grid_b):
    """A running canvass of the quiet town: one building of 4 households in grid A (two
    visited, one nobody home, one pending), and households in grid B."""
    moving = make_households(microgrids_of(quiet_grid_a)[0], count=4, people=2)
    make_households(microgrids_of(quiet_grid_b)[0], count=2, people=3)
    canvass = running_canvass(quiet_grid_a.town, quiet_dispatcher)
    numbers = [h.number for h in moving]
    for number, outcome in zip(numbers, ["visited", "visited", "nobody_home"], strict=False):
        do_record_visit(canvass, VisitData(household=number, outcome=outcome),
                        actor=quiet_dispatcher)  # fmt: skip
    assert_counters_exact(canvass)
    return canvass, moving


def counters(canvass, region) -> tuple:
    row = Coverage.objects.get(canvass=canvass, region=region)
    return row.households_total, row.households_visited, row.persons_total


def test_moving_a_building_within_the_canvass_moves_its_households_counters_exactly(
    canvass_in_motion, quiet_dispatcher, quiet_grid_a, quiet_grid_b
):
    canvass, moving = canvass_in_motion
    building = moving[0].house.building
    before_a, before_b = counters(canvass, quiet_grid_a), counters(canvass, quiet_grid_b)
    town_before = counters(canvass, quiet_grid_a.town)
    new_micro = microgrids_of(quiet_grid_b)[1]
    actions.do_edit_building(
        building,
        actions.BuildingData(name=building.name, address=building.address,
                             microgrid=new_micro.code),
        actor=quiet_dispatcher,
    )  # fmt: skip
    assert_counters_exact(canvass)
    rows = Canvassed.objects.filter(canvass=canvass, household__in=moving)
    assert set(rows.values_list("microgrid", flat=True)) == {new_micro.pk}
    assert counters(canvass, quiet_grid_a) == (before_a[0] - 4, before_a[1] - 2, before_a[2] - 8)
    assert counters(canvass, quiet_grid_b) == (before_b[0] + 4, before_b[1] + 2, before_b[2] + 8)
    assert counters(canvass, quiet_grid_a.town) == town_before  # still inside the town
    # The moved households are still visited where they now are, and counted there.
    do_record_visit(canvass, VisitData(household=moving[3].number), actor=quiet_dispatcher)
    assert_counters_exact(canvass)


def test_a_building_moved_out_of_the_canvass_area_leaves_the_canvass(
    canvass_in_motion, quiet_dispatcher, quiet_grid_a, quiet_town
):
    canvass, moving = canvass_in_motion
    building = moving[0].house.building
    elsewhere = (
        Region.objects.filter(level="microgrid", county=quiet_town.county_id)
        .exclude(town=quiet_town)
        .order_by("code")
        .first()
    )
    town_before = counters(canvass, quiet_town)
    actions.do_edit_building(
        building,
        actions.BuildingData(name=building.name, address=building.address,
                             microgrid=elsewhere.code),
        actor="test",
    )  # fmt: skip
    assert not Canvassed.objects.filter(canvass=canvass, household__in=moving).exists()
    assert counters(canvass, quiet_town) == (town_before[0] - 4, town_before[1] - 2,
                                             town_before[2] - 8)  # fmt: skip
    assert_counters_exact(canvass)


def test_a_household_moved_to_a_house_in_another_grid_takes_its_canvass_row_along(
    canvass_in_motion, quiet_dispatcher, quiet_grid_b
):
    canvass, moving = canvass_in_motion
    household = moving[0]
    other_house = Household.objects.filter(grid=quiet_grid_b).first().house
    actions.do_edit_household(household, actor=quiet_dispatcher, note="", house=other_house)
    row = Canvassed.objects.get(canvass=canvass, household=household)
    assert row.grid_id == quiet_grid_b.pk
    assert_counters_exact(canvass)
