"""Resident-service fixtures: residents of grid A and grid B (from the ledger fixtures), an
agent posted to grid A, the county's catalogue as the demo left it."""

import pytest

from gridgov.assistance import actions
from gridgov.assistance.models import ProxyService
from gridgov.org.choices import Role
from gridgov.org.models import Staff
from tests.conftest import DEMO_TOWN, staff_user
from tests.households.conftest import ledger_a, ledger_b  # noqa: F401 - fixtures

SYSTEM = "test:assistance"


@pytest.fixture
def service(db):
    return ProxyService.objects.get(county__code=DEMO_TOWN[:6], name="公交卡办理")


@pytest.fixture
def agent_a(gridworker_a, grid_a):
    """The grid worker of grid A, flagged as the grid's red proxy agent."""
    post = Staff.objects.get(user=gridworker_a)
    actions.do_set_agent(post, region=grid_a, actor=SYSTEM)
    return gridworker_a


@pytest.fixture
def agent_b(gridworker_b, grid_b):
    post = Staff.objects.get(user=gridworker_b)
    actions.do_set_agent(post, region=grid_b, actor=SYSTEM)
    return gridworker_b


@pytest.fixture
def county_admin(db):
    return staff_user(role=Role.ADMIN)
