import pytest

from gridgov.org.models import Staff
from gridgov.supervision.demo import SUPERVISOR_LOGIN
from gridgov.supervision.models import Project, SupervisionGroup
from tests.conftest import DEMO_TOWN, PASSWORD, staff_user


@pytest.fixture
def group(db) -> SupervisionGroup:
    return SupervisionGroup.objects.filter(region__code=DEMO_TOWN, kind="group").order_by("pk")[0]


@pytest.fixture
def supervisor(db):
    """A member of the demo town's first supervision group."""
    user = Staff.objects.get(user__username=SUPERVISOR_LOGIN).user
    user.set_password(PASSWORD)
    user.save(update_fields=["password"])
    return user


@pytest.fixture
def supervisor_other_town(db):
    return staff_user(role="supervisor", region__code="330402014")


@pytest.fixture
def project(db) -> Project:
    return Project.objects.filter(town__code=DEMO_TOWN).order_by("code")[0]
