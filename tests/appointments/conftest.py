import datetime as dt

import pytest
from django.utils import timezone

from gridgov.appointments import sms
from gridgov.appointments.actions import do_create_resource
from gridgov.appointments.choices import ResourceKind
from gridgov.org.models import Staff
from gridgov.regions.models import Region
from tests.conftest import DEMO_TOWN

EVERY_DAY = [(d, dt.time(8), dt.time(22)) for d in range(7)]


@pytest.fixture(autouse=True)
def texts(settings):
    """Text messages kept in memory; the list of what was sent."""
    settings.GRIDGOV_SMS_BACKEND = "gridgov.appointments.sms.LocmemBackend"
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


def make_resource(manager_user, *, name="测试咨询室", sensitive=True, **fields):
    town = Region.objects.get(code=DEMO_TOWN)
    manager = Staff.objects.get(user=manager_user)
    return do_create_resource(
        region=town, name=name, kind=ResourceKind.COUNSELLOR, actor="test", hours=EVERY_DAY,
        slot_minutes=60, sensitive=sensitive, duty_managers=[manager], **fields,
    )  # fmt: skip


@pytest.fixture
def resource(dispatcher_town):
    """A counselling room of 东栅街道 open 8:00–22:00 every day; the town's dispatcher its duty
    manager."""
    return make_resource(dispatcher_town)


def tomorrow_at(hour: int) -> dt.datetime:
    day = timezone.localdate() + dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(hour), tzinfo=timezone.get_current_timezone())


def code_in(texts) -> str:
    """The code of the last text that carries one."""
    import re

    for message in reversed(texts):
        found = re.search(r"\d{6}", message["text"])
        if found:
            return found.group()
    raise AssertionError(f"no code among {texts}")
