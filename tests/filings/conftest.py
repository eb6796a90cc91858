"""Night-construction filings in 东栅街道: a construction site, the county's housing and
construction bureau (330402-ZJJ) and its officer, and a helper that fills a filing in."""

import datetime as dt

import pytest
from django.utils import timezone

from gridgov.core.validators import uscc_check_character
from gridgov.filings.actions import FilingData, do_approve_filing, do_submit_filing
from gridgov.inspections.actions import TargetData, do_create_target
from gridgov.inspections.choices import TargetKind
from gridgov.org.choices import Role
from gridgov.regions.models import Region
from tests.conftest import DEMO_TOWN, staff_user

HOUSING = "330402-ZJJ"


def valid_uscc(body: str = "91330402MA2B3C4D5") -> str:
    return body + uscc_check_character(body)


def point_in(town_code: str, nth: int = 0) -> tuple[float, float]:
    microgrid = Region.objects.filter(level="microgrid", town__code=town_code).order_by("code")[nth]
    return microgrid.label_lon, microgrid.label_lat


def make_site(actor, name="东栅测试地块工地", town=DEMO_TOWN, nth=0, **fields):
    lon, lat = fields.pop("lon", None), fields.pop("lat", None)
    if lon is None:
        lon, lat = point_in(town, nth)
    return do_create_target(
        TargetData(kind=TargetKind.CONSTRUCTION_SITE, name=name, lon=lon, lat=lat, **fields),
        actor=actor,
    )


def one_night(days_ahead: int) -> dict:
    """The nights of a filing of its own: one site's nights are filed once."""
    night = (timezone.localdate() + dt.timedelta(days=days_ahead)).isoformat()
    return {"first_night": night, "last_night": night}


def filing_data(site, **overrides) -> FilingData:
    tonight = timezone.localdate()
    values = {
        "site": site.pk,
        "company_name": "嘉兴测试建设工程有限公司",
        "company_uscc": valid_uscc(),
        "contact_name": "沈建国",
        "contact_phone": "13857300001",
        "first_night": tonight.isoformat(),
        "last_night": (tonight + dt.timedelta(days=2)).isoformat(),
        "start_time": "22:00",
        "end_time": "06:00",
        "reason": "混凝土连续浇筑",
        "noise_limit_db": "55",
        "noise_measures": "设置隔声屏障，泵车远离居民楼",
    }
    values.update(overrides)
    return FilingData(**values)


@pytest.fixture
def site(admin_user):
    return make_site(admin_user, address="东栅街道测试路1号")


@pytest.fixture
def housing_officer(db):
    """An officer of 南湖区住房和城乡建设局, the bureau that approves night work."""
    return staff_user(role=Role.OFFICER, department__code=HOUSING)


@pytest.fixture
def submitted(site, dispatcher_town):
    return do_submit_filing(filing_data(site), actor=dispatcher_town)


@pytest.fixture
def approved(submitted, housing_officer):
    return do_approve_filing(submitted.pk, actor=housing_officer)
