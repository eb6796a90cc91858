"""Ledger fixtures: a building in grid A and one in grid B (same town, other village), each
with a house, a household and a resident, written through the actions as a command would."""

import datetime as dt

import pytest

from gridgov.core.validators import id_number_check_character
from gridgov.households import actions
from gridgov.households.choices import HouseUse
from gridgov.org.choices import Role
from gridgov.regions.choices import RegionLevel
from gridgov.regions.models import Region
from tests.conftest import DEMO_TOWN, staff_user

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


@pytest.fixture
def ledger_a(grid_a):
    household = new_household(microgrid_of(grid_a), "A1")
    resident = actions.do_add_resident(
        household, actor=SYSTEM, name="王建国", id_number=ID_A, phone=PHONE_A,
        on=dt.date(2020, 1, 1),
    )  # fmt: skip
    return Ledger(household, resident)


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
