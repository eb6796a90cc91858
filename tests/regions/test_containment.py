""" "Region A contains B" is one method, read from B's own ancestor columns."""

import pytest

from gridgov.events.models import Event
from gridgov.regions.models import Region
from tests.conftest import DEMO_TOWN, GRID_A, OTHER_TOWN

pytestmark = pytest.mark.django_db


def region(code) -> Region:
    return Region.objects.get(code=code)


def test_a_town_contains_its_grids_and_itself():
    town = region(DEMO_TOWN)
    assert town.contains(region(GRID_A))
    assert town.contains(town)


def test_a_town_does_not_contain_another_town_or_the_county_above_it():
    town = region(DEMO_TOWN)
    assert not town.contains(region(OTHER_TOWN))
    assert not town.contains(region("330402"))
    assert not region(GRID_A).contains(town)


def test_a_region_contains_the_rows_placed_in_it_and_not_nothing():
    event = Event.objects.filter(town__code=DEMO_TOWN).first()
    assert region(DEMO_TOWN).contains(event)
    assert region("330402").contains(event)
    assert not region(OTHER_TOWN).contains(event)
    assert not region(DEMO_TOWN).contains(None)
