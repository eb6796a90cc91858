""" "Department A is above B" is one method, read from the units' paths."""

import pytest

from gridgov.org.models import Department
from tests.conftest import DEMO_TOWN, OTHER_TOWN

pytestmark = pytest.mark.django_db


def unit(code) -> Department:
    return Department.objects.get(code=code)


def test_a_bureau_contains_its_town_squads_and_itself():
    bureau = unit("330402-ZHZF")
    assert bureau.contains(unit(f"{DEMO_TOWN}-ZD"))
    assert bureau.contains(bureau)


def test_a_squad_contains_neither_its_bureau_nor_a_sibling_nor_another_bureau():
    squad = unit(f"{DEMO_TOWN}-ZD")
    assert not squad.contains(unit("330402-ZHZF"))
    assert not squad.contains(unit(f"{OTHER_TOWN}-ZD"))
    assert not unit("330402-GAFJ").contains(squad)
    assert not squad.contains(None)
