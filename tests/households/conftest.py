"""Ledger fixtures: a building in grid A and one in grid B (same town, other village), each
with a house, a household and a resident, written through the actions as a command would."""

import datetime as dt

import pytest

from gridgov.core.validators import id_number_check_character
from gridgov.households import actions
from gridgov.households.choices import HouseUse
from gridgov.households.models import Household
from gridgov.org.choices import Role
from gridgov.regions.choices import RegionLevel
from gridgov.regions.models import Region
from tests.conftest import DEMO_TOWN, OTHER_TOWN, staff_user

SYSTEM = "test:ledgers"


def id_number(born: dt.date, serial: int = 1, area: str = "330402") -> str:
    """A valid 18-character ID number for a birth date; odd serials are men."""
    first17 = f"{area}{born:%Y%m%d}{serial:03d}"
    return first17 + id_number_check_character(first17)


def microgrid_of(grid: Region) -> Region:
    return Region.objects.filter(level=RegionLevel.MICROGRID, grid=grid).order_by("code").first()


def new_household(microgrid: Region, tag: str, actor=SYSTEM):
    building = actions.do_add_building(
        actions.BuildingData(name=f"{tag}幢", address=f"测试路{tag}号", microgrid=microgrid.code),
        actor=actor,
    )
    house = actions.do_add_house(
        building, actions.HouseData(use=HouseUse.OWN_HOME, unit="1", room="101"), actor=actor
    )
    return actions.do_add_household(house, actor=actor)


class Ledger:
    def __init__(self, household, resident):
        self.household = household
        self.resident = resident
        self.house = household.house
        self.building = household.house.building


PHONE_A, PHONE_B = "13812345678", "13987654321"
ID_A = id_number(dt.date(1950, 3, 14), 11)
ID_B = id_number(dt.date(1988, 7, 2), 22)


def ledger_of_wang(grid: Region, tag: str) -> Ledger:
    household = new_household(microgrid_of(grid), tag)
    resident = actions.do_add_resident(
        household, actor=SYSTEM, name="王建国", id_number=ID_A, phone=PHONE_A,
        on=dt.date(2020, 1, 1),
    )  # fmt: skip
    return Ledger(household, resident)


@pytest.fixture
def ledger_a(grid_a):
    return ledger_of_wang(grid_a, "A1")


@pytest.fixture
def ledger_b(grid_b):
    household = new_household(microgrid_of(grid_b), "B1")
    resident = actions.do_add_resident(
        household, actor=SYSTEM, name="李秀英", id_number=ID_B, phone=PHONE_B,
        on=dt.date(2021, 5, 1),
    )  # fmt: skip
    return Ledger(household, resident)


@pytest.fixture
def supervisor_town(db):
    return staff_user(role=Role.SUPERVISOR, region__code=DEMO_TOWN)


# --- A town without the demo's ledgers ------------------------------------------------------
# The demo fills 东栅街道 (DEMO_TOWN, the town of grid A) with generated residents and runs two
# canvasses there. A test that counts every household, resident or canvassed row of an area
# makes its own in 长水街道 (OTHER_TOWN), where the demo puts none, and asserts on exactly them.


def _first_grid(village: Region) -> Region:
    return Region.objects.filter(level=RegionLevel.GRID, village=village).order_by("code").first()


@pytest.fixture
def quiet_town(db) -> Region:
    town = Region.objects.get(code=OTHER_TOWN)
    assert not Household.objects.filter(town=town).exists(), "the demo now fills this town"
    return town


@pytest.fixture
def quiet_grid_a(quiet_town) -> Region:
    """The first grid of the quiet town's first village."""
    villages = Region.objects.filter(level=RegionLevel.VILLAGE, town=quiet_town).order_by("code")
    return _first_grid(villages[0])


@pytest.fixture
def quiet_grid_b(quiet_town, quiet_grid_a) -> Region:
    """The first grid of another village of the quiet town."""
    villages = Region.objects.filter(level=RegionLevel.VILLAGE, town=quiet_town).order_by("code")
    return _first_grid(villages.exclude(pk=quiet_grid_a.village_id)[0])


@pytest.fixture
def quiet_gridworker_a(quiet_grid_a):
    return staff_user(role=Role.GRID_WORKER, region=quiet_grid_a)


@pytest.fixture
def quiet_dispatcher(quiet_town):
    return staff_user(role=Role.DISPATCHER, region=quiet_town)


@pytest.fixture
def quiet_ledger(quiet_grid_a):
    """王建国's household (as `ledger_a`), in the quiet town's grid A."""
    return ledger_of_wang(quiet_grid_a, "Q1")
