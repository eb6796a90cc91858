"""Demo organisation: departments, enforcement agencies, staff and one login per role.

Deterministic from a seed. Shaped after the seed story: in 南湖区 one comprehensive and six
professional enforcement agencies, with 65.3% of enforcement staff (147 of 225) working in the
town squads, the highest share in the city.
"""

from dataclasses import dataclass

import numpy as np
from django.db.models import Q

from gridgov.core.validators import id_number_check_character
from gridgov.regions.choices import RegionLevel
from gridgov.regions.models import Region

from .actions import (
    StaffData,
    do_bulk_create_staff,
    do_create_account,
    do_create_demo_accounts,
    do_create_department,
    do_create_staff,
    do_set_region_leaders,
)
from .choices import DepartmentKind as K
from .choices import Role
from .models import Department, Staff

# Printed by `make demo`; the demo is for trying the product, never for real data.
DEMO_PASSWORD = "jiaxing-demo-2026"  # noqa: S105

# The county whose figures reproduce the seed, and the town and grid the demo logins work in.
SEED_COUNTY = "330402"  # 南湖区
SEED_COUNTY_ENFORCEMENT = (225, 147)  # 147 / 225 = 65.3%
DEMO_TOWN = "330402013"  # 东栅街道
DEMO_GRID = "330402013001001"  # 化东社区第1网格

# One comprehensive and six professional enforcement agencies per county (the seed's 1 + 6).
ENFORCEMENT_AGENCIES = [
    ("ZHZF", K.COMPREHENSIVE_ENFORCEMENT, "综合行政执法队"),
    ("SCJG", K.MARKET_REGULATION, "市场监管综合执法队"),
    ("STHJ", K.ECOLOGY, "生态环境保护综合执法队"),
    ("WHSC", K.CULTURE_MARKET, "文化市场综合执法队"),
    ("NYZF", K.AGRICULTURE, "农业综合执法队"),
    ("YJGL", K.EMERGENCY, "应急管理综合执法队"),
    ("WSJD", K.HEALTH, "卫生监督所"),
]
# Sixteen functional departments per county (the seed's "16个区职能部门").
FUNCTIONAL_DEPARTMENTS = [
    ("SCJGJ", K.MARKET_REGULATION, "市场监督管理局"),
    ("STHJJ", K.ECOLOGY, "生态环境分局"),
    ("WGLTJ", K.CULTURE_MARKET, "文化和广电旅游体育局"),
    ("NYNCJ", K.AGRICULTURE, "农业农村局"),
    ("YJGLJ", K.EMERGENCY, "应急管理局"),
    ("WSJKJ", K.HEALTH, "卫生健康局"),
    ("GAFJ", K.PUBLIC_SECURITY, "公安分局"),
    ("ZJJ", K.HOUSING, "住房和城乡建设局"),
    ("ZRZYJ", K.NATURAL_RESOURCES, "自然资源和规划分局"),
    ("JTYSJ", K.TRANSPORT, "交通运输局"),
    ("SLJ", K.WATER, "水利局"),
    ("MZJ", K.CIVIL_AFFAIRS, "民政局"),
    ("JYJ", K.EDUCATION, "教育局"),
    ("SWJ", K.COMMERCE, "商务局"),
    ("CGJ", K.URBAN_MANAGEMENT, "城市管理局"),
    ("ZHZFJ", K.COMPREHENSIVE_ENFORCEMENT, "综合行政执法局"),
]

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚"
    "邵万钱严武戴莫孔向汤"
)
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍鹏辉建林波宁斌浩凯晨阳雪琳佳颖婷"
MOBILE_PREFIXES = ("135", "136", "137", "138", "139", "150", "151", "152", "157", "158", "159",
                   "177", "180", "181", "187", "188", "189", "199")  # fmt: skip


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    name: str
    where: str


class PeopleFactory:
    """Plausible names, mobile numbers and ID numbers (valid check digits), from a seed."""

    def __init__(self, seed: int):
        self.rng = np.random.default_rng(seed)
        self.serial = 0

    def name(self) -> str:
        surname = SURNAMES[self.rng.integers(len(SURNAMES))]
        length = 1 if self.rng.random() < 0.3 else 2
        return surname + "".join(GIVEN[i] for i in self.rng.integers(len(GIVEN), size=length))

    def phone(self) -> str:
        prefix = MOBILE_PREFIXES[self.rng.integers(len(MOBILE_PREFIXES))]
        return prefix + "".join(str(d) for d in self.rng.integers(10, size=8))

    def id_number(self, county_code: str) -> str:
        self.serial += 1
        year = 1965 + int(self.rng.integers(36))
        month, day = 1 + int(self.rng.integers(12)), 1 + int(self.rng.integers(28))
        first17 = f"{county_code[:6]}{year}{month:02d}{day:02d}{self.serial % 1000:03d}"
        return first17 + id_number_check_character(first17)

    def staff(self, role: str, region: Region, department=None, county_code="330400"):
        return StaffData(
            name=self.name(),
            role=role,
            region=region,
            department=department,
            phone=self.phone(),
            id_number=self.id_number(county_code),
        )


DEMO_USERNAMES = (
    "admin",
    "leader",
    "dispatcher",
    "officer",
    "supervisor",
    "gridworker",
    "microgrid",
    "gateway",
)


def load_demo_org(*, seed: int, actor) -> None:
    """Create the demo organisation over an already loaded region tree."""
    people = PeopleFactory(seed)
    rng = np.random.default_rng(seed + 1)
    city = Region.objects.get(level=RegionLevel.CITY)
    counties = list(Region.objects.filter(level=RegionLevel.COUNTY).order_by("code"))
    towns = list(Region.objects.filter(level=RegionLevel.TOWN).order_by("code"))
    towns_of = {c.pk: [t for t in towns if t.county_id == c.pk] for c in counties}

    units = _create_departments(city, counties, towns_of, actor=actor)
    rows = _command_staff(people, city, counties, towns, units)
    for county in counties:
        rows += _enforcement_staff(people, rng, county, towns_of[county.pk], units)
    rows += _grid_staff(people)
    do_bulk_create_staff(rows, actor=actor)
    _name_grid_leaders(actor)
    _create_logins(city, actor)


def _create_departments(city, counties, towns_of, *, actor) -> dict[str, Department]:
    units: dict[str, Department] = {}

    def add(code, kind, name, region, parent=None, enforcement=False):
        units[code] = do_create_department(
            actor=actor,
            code=code,
            name=name,
            kind=kind,
            region=region,
            parent=parent,
            is_enforcement=enforcement,
        )

    add(f"{city.code}-ZHZX", K.COMMAND_CENTRE, f"{city.name}社会治理综合指挥中心", city)
    add(f"{city.code}-ZHZFJ", K.COMPREHENSIVE_ENFORCEMENT, f"{city.name}综合行政执法局", city)
    for county in counties:
        add(f"{county.code}-ZHZX", K.COMMAND_CENTRE, f"{county.name}社会治理中心", county)
        add(f"{county.code}-JW", K.DISCIPLINE, f"{county.name}纪委监委", county)
        for suffix, kind, name in FUNCTIONAL_DEPARTMENTS:
            add(f"{county.code}-{suffix}", kind, f"{county.name}{name}", county)
        for suffix, kind, name in ENFORCEMENT_AGENCIES:
            add(f"{county.code}-{suffix}", kind, f"{county.name}{name}", county, enforcement=True)
        for town in towns_of[county.pk]:
            short = town.name.removesuffix("街道").removesuffix("镇")
            add(f"{town.code}-SPT", K.COMMAND_CENTRE, f"{town.name}基层治理四平台", town)
            add(f"{town.code}-JGW", K.DISCIPLINE, f"{town.name}纪检监察工作委员会", town)
            add(
                f"{town.code}-ZD",
                K.COMPREHENSIVE_ENFORCEMENT,
                f"{county.name}综合行政执法队{short}中队",
                town,
                parent=units[f"{county.code}-ZHZF"],
                enforcement=True,
            )
            add(
                f"{town.code}-PCS",
                K.PUBLIC_SECURITY,
                f"{short}派出所",
                town,
                parent=units[f"{county.code}-GAFJ"],
            )
    return units


def _command_staff(people, city, counties, towns, units) -> list[StaffData]:
    """Dispatchers, leaders and supervisors of the city, counties and towns; department
    officers who receive dispatched tasks."""
    rows = [people.staff(Role.LEADER, city)]
    rows += [people.staff(Role.DISPATCHER, city, units[f"{city.code}-ZHZX"]) for _ in range(3)]
    for county in counties:
        code = county.code
        rows.append(people.staff(Role.LEADER, county, county_code=code))
        rows += [
            people.staff(Role.DISPATCHER, county, units[f"{code}-ZHZX"], code) for _ in range(3)
        ]
        rows += [people.staff(Role.SUPERVISOR, county, units[f"{code}-JW"], code) for _ in range(2)]
        for suffix, _kind, _name in FUNCTIONAL_DEPARTMENTS:
            rows += [
                people.staff(Role.OFFICER, county, units[f"{code}-{suffix}"], code)
                for _ in range(2)
            ]
    for town in towns:
        code = town.code[:6]
        rows.append(people.staff(Role.LEADER, town, county_code=code))
        rows += [
            people.staff(Role.DISPATCHER, town, units[f"{town.code}-SPT"], code) for _ in range(2)
        ]
        rows.append(people.staff(Role.SUPERVISOR, town, units[f"{town.code}-JGW"], code))
        rows += [
            people.staff(Role.OFFICER, town, units[f"{town.code}-PCS"], code) for _ in range(2)
        ]
    return rows


def _enforcement_staff(people, rng, county, towns, units) -> list[StaffData]:
    """Enforcement officers: some at the county agencies, the rest in the town squads."""
    if county.code == SEED_COUNTY:
        total, sunk = SEED_COUNTY_ENFORCEMENT
    else:
        total = int(rng.integers(150, 261))
        sunk = round(total * float(rng.uniform(0.42, 0.62)))
    rows = []
    agencies = [units[f"{county.code}-{suffix}"] for suffix, _k, _n in ENFORCEMENT_AGENCIES]
    for i in range(total - sunk):
        rows.append(people.staff(Role.OFFICER, county, agencies[i % len(agencies)], county.code))
    for i in range(sunk):
        town = towns[i % len(towns)]
        rows.append(people.staff(Role.OFFICER, town, units[f"{town.code}-ZD"], county.code))
    return rows


def _grid_staff(people) -> list[StaffData]:
    """A grid worker for every grid and a leader for every micro-grid."""
    rows = []
    for level, role in ((RegionLevel.GRID, Role.GRID_WORKER),
                        (RegionLevel.MICROGRID, Role.MICROGRID_LEADER)):  # fmt: skip
        for region in Region.objects.filter(level=level).order_by("code").iterator(2000):
            rows.append(people.staff(role, region, county_code=region.code[:6]))
    return rows


def _name_grid_leaders(actor) -> None:
    leaders = {}
    regions = Region.objects.in_bulk(
        list(
            Staff.objects.filter(role__in=[Role.GRID_WORKER, Role.MICROGRID_LEADER]).values_list(
                "region_id", flat=True
            )
        )
    )
    for staff in Staff.objects.filter(role__in=[Role.GRID_WORKER, Role.MICROGRID_LEADER]).only(
        "pk", "region_id"
    ):
        leaders.setdefault(regions[staff.region_id], staff)
    do_set_region_leaders(leaders, actor=actor)


def _create_logins(city, actor) -> None:
    town = Region.objects.get(code=DEMO_TOWN)
    grid = Region.objects.get(code=DEMO_GRID)
    microgrid = grid.children.order_by("code").first()
    picks = [
        ("admin", do_create_staff(StaffData("系统管理员", Role.ADMIN, city), actor=actor), True),
        ("leader", _first(role=Role.LEADER, region__code=SEED_COUNTY), False),
        ("dispatcher", _first(role=Role.DISPATCHER, region=town), False),
        ("officer", _first(role=Role.OFFICER, department__code=f"{DEMO_TOWN}-ZD"), False),
        ("supervisor", _first(role=Role.SUPERVISOR, region=town), False),
        ("gridworker", _first(role=Role.GRID_WORKER, region=grid), False),
        ("microgrid", _first(role=Role.MICROGRID_LEADER, region=microgrid), False),
        # The noise sensors' gateway of 南湖区: it may only feed signals.
        (
            "gateway",
            do_create_staff(
                StaffData(
                    "南湖区噪声监测网关", Role.INTEGRATION, Region.objects.get(code=SEED_COUNTY)
                ),
                actor=actor,
            ),
            False,
        ),
    ]
    for username, staff, superuser in picks:
        do_create_account(
            staff, actor=actor, username=username, password=DEMO_PASSWORD, is_superuser=superuser
        )
    _create_unit_logins(actor)


# Units whose people are not officers: command centres dispatch (the `dispatcher` login),
# discipline commissions supervise (`supervisor`).
NOT_OFFICER_UNITS = (K.COMMAND_CENTRE, K.DISCIPLINE)


def unit_login(department_code: str) -> str:
    return f"officer-{department_code}"


def _create_unit_logins(actor) -> None:
    """One officer login per department and agency of the seed county (its town squads and
    police stations too), `officer-<unit code>`: every unit of a joint inspection can record
    its checklist items, 住建局 can approve filings. Existing officers, no new staff: the
    demo's figures stay as they are."""
    units = (
        Department.objects.filter(region__county__code=SEED_COUNTY, is_active=True)
        .exclude(kind__in=NOT_OFFICER_UNITS)
        .order_by("code")
    )
    officers = {}
    for unit in units:
        officer = _first(role=Role.OFFICER, department=unit, is_active=True, user__isnull=True)
        if officer is not None:
            officers[unit_login(unit.code)] = officer
    do_create_demo_accounts(officers, actor=actor, password=DEMO_PASSWORD)


def demo_logins() -> list[DemoLogin]:
    """The demo accounts that exist, in the order the README lists them, then the units'
    officers (`officer-<unit code>`) by unit code."""
    staff = Staff.objects.select_related("user", "region", "department").filter(
        Q(user__username__in=DEMO_USERNAMES) | Q(user__username__startswith=unit_login(""))
    )
    by_username = {s.user.username: s for s in staff}
    order = [u for u in DEMO_USERNAMES if u in by_username]
    order += sorted(u for u in by_username if u not in DEMO_USERNAMES)
    return [
        DemoLogin(
            username,
            by_username[username].get_role_display(),
            by_username[username].name,
            (by_username[username].department or by_username[username].region).name,
        )
        for username in order
    ]


def _first(**filters) -> Staff:
    return (
        Staff.objects.select_related("region", "department")
        .filter(**filters)
        .order_by("pk")
        .first()
    )
