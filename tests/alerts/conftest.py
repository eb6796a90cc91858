"""Warnings around 东栅街道: a construction site and a school, the two night-construction
scenarios (supervision with a filing, enforcement without), the built-in signal sources, and
helpers to make signals and rules."""

import datetime as dt
import math

import pytest
from django.utils import timezone

from gridgov.alerts.actions import RuleData, do_create_rule, do_feed_signals
from gridgov.alerts.engine import METRES_PER_DEGREE
from gridgov.alerts.evaluation import evaluate_new_signals, forget_engine
from gridgov.alerts.models import Cursor, EarlyWarning, Rule, Signal, SignalSource
from gridgov.inspections.actions import (
    ChecklistData,
    ScenarioData,
    TargetData,
    do_create_scenario,
    do_create_target,
)
from gridgov.inspections.choices import TargetKind
from gridgov.org.choices import DepartmentKind
from gridgov.org.models import Department
from gridgov.powers.choices import PowerKind
from gridgov.powers.models import PowerItem, PowerItemVersion
from gridgov.regions.models import Region
from tests.conftest import DEMO_TOWN

COUNTY = "330402"
SUPERVISION = "T-YJJG"
ENFORCEMENT = "T-YJZF"


@pytest.fixture(autouse=True)
def no_demo_warnings(db):
    """Each test starts from the built-in sources alone: the demo's rules, warnings and
    signals (and the worker's cursors) are removed inside the test's transaction."""
    EarlyWarning.objects.all().delete()
    Rule.objects.update(current=None)
    Rule.objects.all().delete()
    Signal.objects.all().delete()
    Cursor.objects.all().delete()


@pytest.fixture(autouse=True)
def fresh_engine():
    """Each test's worker starts cold, as after a restart: nothing carried over in memory."""
    forget_engine()
    yield
    forget_engine()


def offset(lon: float, lat: float, east_m: float = 0.0, north_m: float = 0.0):
    """The point `east_m` metres east and `north_m` metres north of (lon, lat)."""
    dlat = north_m / METRES_PER_DEGREE
    dlon = east_m / (METRES_PER_DEGREE * math.cos(math.radians(lat + dlat / 2)))
    return lon + dlon, lat + dlat


def local(*args) -> dt.datetime:
    """An aware local time: local(2026, 5, 1, 22, 30)."""
    return timezone.make_aware(dt.datetime(*args))


def recent(days_ago: int, hour: int, minute: int = 0) -> dt.datetime:
    day = timezone.localdate() - dt.timedelta(days=days_ago)
    return local(day.year, day.month, day.day, hour, minute)


def _power(code, kind, department_code) -> PowerItem:
    item = PowerItem.objects.create(
        jurisdiction=Region.objects.get(code=COUNTY), code=code, name=f"{code} 事项", kind=kind
    )
    PowerItemVersion.objects.create(
        item=item,
        effective_from=dt.date(2020, 1, 1),
        department=Department.objects.get(code=department_code),
    )
    return item


@pytest.fixture
def scenarios(db, admin_user):
    check = _power("T-YJ-JC1", PowerKind.INSPECTION, f"{COUNTY}-ZHZFJ")
    punish = _power("T-YJ-CF1", PowerKind.PENALTY, f"{COUNTY}-ZHZFJ")
    made = {}
    for code, name in ((SUPERVISION, "夜间施工监管"), (ENFORCEMENT, "夜间施工执法")):
        made[code] = do_create_scenario(
            ScenarioData(
                jurisdiction=Region.objects.get(code=COUNTY),
                code=code,
                name=name,
                department_kinds=[DepartmentKind.COMPREHENSIVE_ENFORCEMENT],
                target_kinds=[TargetKind.CONSTRUCTION_SITE],
                yearly_cap=2,
                checklist=[
                    ChecklistData(
                        DepartmentKind.COMPREHENSIVE_ENFORCEMENT,
                        "夜间施工噪声不超过承诺限值",
                        check.pk,
                        punish.pk,
                    )
                ],
            ),
            actor=admin_user,
        )
    return made


def town_point() -> tuple[float, float]:
    microgrid = Region.objects.filter(level="microgrid", town__code=DEMO_TOWN).order_by("code")[0]
    return microgrid.label_lon, microgrid.label_lat


@pytest.fixture
def site(db, admin_user):
    lon, lat = town_point()
    return do_create_target(
        TargetData(kind=TargetKind.CONSTRUCTION_SITE, name="东栅安置房工地", lon=lon, lat=lat),
        actor=admin_user,
    )


@pytest.fixture
def school(db, admin_user, site):
    lon, lat = offset(site.lon, site.lat, east_m=30)
    return do_create_target(
        TargetData(kind=TargetKind.SCHOOL, name="东栅实验小学", lon=lon, lat=lat),
        actor=admin_user,
    )


@pytest.fixture
def county(db):
    return Region.objects.get(code=COUNTY)


def source(code) -> SignalSource:
    return SignalSource.objects.get(code=code)


def make_rule(definition: dict, *, name="测试规则", county_code=COUNTY, actor="test"):
    return do_create_rule(
        RuleData(
            name=name, jurisdiction=Region.objects.get(code=county_code), definition=definition
        ),
        actor=actor,
    )


def noise(at, lon, lat, value, *, device="N-1", ident=None):
    return {
        "source": "noise",
        "id": ident or f"{device}-{at.isoformat()}",
        "value": value,
        "observed_at": at.isoformat(),
        "lon": lon,
        "lat": lat,
        "device": device,
    }


def complaint(at, lon, lat, *, kind="0201", ident):
    return {
        "source": "complaints",
        "id": ident,
        "kind": kind,
        "value": 1,
        "observed_at": at.isoformat(),
        "lon": lon,
        "lat": lat,
    }


def feed(rows) -> dict:
    return do_feed_signals(list(rows), actor="test")


def evaluate() -> dict:
    return evaluate_new_signals()


NIGHT_NOISE = {
    "signals": {"sources": ["noise"], "kinds": ["noise_db"]},
    "condition": {"type": "duration", "at_least": 55, "minutes": 10},
    "scope": {"type": "near_targets", "target_kinds": ["construction_site"], "radius_m": 100},
    "time_of_day": {"from": "22:00", "to": "06:00"},
}
