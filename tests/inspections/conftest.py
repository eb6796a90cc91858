"""Inspections of 东栅街道: a 校园周边 scenario of the town's enforcement squad and police
station, a school, power items held by the county's comprehensive enforcement bureau and
police bureau, and the officers who inspect."""

import datetime as dt

import pytest

from gridgov.inspections.actions import (
    ChecklistData,
    InspectionData,
    ScenarioData,
    TargetData,
    do_create_inspection,
    do_create_scenario,
    do_create_target,
)
from gridgov.inspections.choices import TargetKind
from gridgov.org.choices import DepartmentKind, Role
from gridgov.org.models import Department
from gridgov.powers.choices import PowerKind
from gridgov.powers.models import PowerItem, PowerItemVersion
from gridgov.regions.models import Region
from tests.conftest import DEMO_TOWN, staff_user

COUNTY = "330402"


def make_power(code, kind, department_code, name=None) -> PowerItem:
    item = PowerItem.objects.create(
        jurisdiction=Region.objects.get(code=COUNTY),
        code=code,
        name=name or f"{code} 事项",
        kind=kind,
    )
    PowerItemVersion.objects.create(
        item=item,
        effective_from=dt.date(2020, 1, 1),
        department=Department.objects.get(code=department_code),
    )
    return item


def point_in(town_code: str) -> tuple[float, float]:
    microgrid = Region.objects.filter(level="microgrid", town__code=town_code).order_by("code")[0]
    return microgrid.label_lon, microgrid.label_lat


@pytest.fixture
def powers(db) -> dict:
    return {
        "check_stalls": make_power("T-JC-1", PowerKind.INSPECTION, f"{COUNTY}-ZHZFJ"),
        "punish_stalls": make_power("T-CF-1", PowerKind.PENALTY, f"{COUNTY}-ZHZFJ"),
        "check_order": make_power("T-JC-2", PowerKind.INSPECTION, f"{COUNTY}-GAFJ"),
        "other_check": make_power("T-JC-3", PowerKind.INSPECTION, f"{COUNTY}-SCJGJ"),
    }


@pytest.fixture
def scenario(powers, admin_user):
    return do_create_scenario(
        ScenarioData(
            jurisdiction=Region.objects.get(code=COUNTY),
            code="T-XYZB",
            name="校园周边",
            department_kinds=[
                DepartmentKind.COMPREHENSIVE_ENFORCEMENT,
                DepartmentKind.PUBLIC_SECURITY,
            ],
            target_kinds=[TargetKind.SCHOOL],
            yearly_cap=3,
            checklist=[
                ChecklistData(
                    DepartmentKind.COMPREHENSIVE_ENFORCEMENT,
                    "校门口 200 米内无流动摊贩",
                    powers["check_stalls"].pk,
                    powers["punish_stalls"].pk,
                ),
                ChecklistData(
                    DepartmentKind.PUBLIC_SECURITY, "上下学时段护学岗到位", powers["check_order"].pk
                ),
            ],
        ),
        actor=admin_user,
    )


@pytest.fixture
def school(db, admin_user):
    lon, lat = point_in(DEMO_TOWN)
    return do_create_target(
        TargetData(
            kind=TargetKind.SCHOOL,
            name="东栅中心小学",
            lon=lon,
            lat=lat,
            uscc="12330402MB1234567P",
        ),
        actor=admin_user,
    )


@pytest.fixture
def squad(db):
    return Department.objects.get(code=f"{DEMO_TOWN}-ZD")


@pytest.fixture
def police_station(db):
    return Department.objects.get(code=f"{DEMO_TOWN}-PCS")


@pytest.fixture
def officer_police(db):
    return staff_user(role=Role.OFFICER, department__code=f"{DEMO_TOWN}-PCS")


@pytest.fixture
def joint_task(scenario, school, squad, police_station, dispatcher_town):
    return do_create_inspection(
        InspectionData(scenario=scenario, target=school, departments=[squad, police_station]),
        actor=dispatcher_town,
    )
