import datetime as dt

import pytest

from gridgov.care import rules
from gridgov.care.actions import PostData, do_create_post
from gridgov.care.choices import PostKind
from gridgov.org.choices import Role
from gridgov.org.models import Staff
from tests.conftest import DEMO_TOWN, GRID_A


def at(day: dt.date, hour: float = 0) -> dt.datetime:
    """A Beijing time on a day."""
    return dt.datetime.combine(day, dt.time(), tzinfo=rules.DUTY_TZ) + dt.timedelta(hours=hour)


@pytest.fixture
def post(db):
    from gridgov.regions.models import Region

    return do_create_post(
        PostData("T-ZS-1", "东栅卡口", PostKind.CHECKPOINT, Region.objects.get(code=DEMO_TOWN)),
        actor="test",
    )


@pytest.fixture
def worker(db):
    """A grid worker of 东栅街道 with no demo shifts."""
    return Staff.objects.filter(role=Role.GRID_WORKER, region__code=GRID_A).order_by("pk").last()


@pytest.fixture
def today():
    from django.utils import timezone

    return timezone.localdate(timezone.now(), rules.DUTY_TZ)
