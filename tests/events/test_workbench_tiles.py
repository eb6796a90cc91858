"""The workbench shows each person the tiles of their work: the command centre's queue only to
those who work it (dispatchers), the report button only to those who may report; a data feed
account asked to report an event is refused (403), not corrected about its source."""

import json

import pytest

from gridgov.events.models import Event
from gridgov.org.actions import StaffData, do_create_account, do_create_staff
from gridgov.org.choices import Role
from gridgov.regions.models import Region
from tests.conftest import GRID_A, PASSWORD, client_for

from .conftest import point_in

pytestmark = pytest.mark.django_db

QUEUE = "待本指挥中心处理"
REPORT = "上报事件"


@pytest.fixture
def data_feed(admin_user):
    staff = do_create_staff(
        StaffData("噪声监测网关", Role.INTEGRATION, Region.objects.get(code="3304")),
        actor=admin_user,
    )
    return do_create_account(staff, actor=admin_user, username="noise-gw", password=PASSWORD)


@pytest.mark.parametrize(
    ("who", "queue"),
    [("dispatcher_town", True), ("officer_squad", False), ("supervisor_town", False),
     ("county_leader", False), ("gridworker_a", False)],
)  # fmt: skip
def test_only_those_who_work_a_command_centre_see_its_queue(request, who, queue):
    page = client_for(request.getfixturevalue(who)).get("/").content.decode()
    assert (QUEUE in page) is queue
    assert REPORT in page


def test_a_data_feed_account_is_offered_no_report_and_refused_one(data_feed):
    client = client_for(data_feed)
    page = client.get("/").content.decode()
    assert REPORT not in page and QUEUE not in page
    lon, lat = point_in(GRID_A)
    before = Event.objects.count()
    response = client.post(
        "/api/v1/events",
        json.dumps({"title": "噪声", "category": "0201", "lon": lon, "lat": lat}),
        content_type="application/json",
    )
    assert response.status_code == 403, response.content
    assert "source" not in response.content.decode()
    assert Event.objects.count() == before
