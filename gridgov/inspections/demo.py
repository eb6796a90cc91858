"""Demo inspections in 南湖区: the four "一件事" scenarios of the seed, the places they visit,
and a year of joint inspections — 47.05% of them triggered by the platform's warnings, as the
seed reports — with their results, rectification orders and cases.

Scenarios and targets are created through the action functions (a few dozen rows). The year of
inspections is generated as histories replayed through the workflow's transition table (so
every stored state is one the table reaches and each timeline leads to it) and written in bulk.
"""

import random
from collections import defaultdict
from datetime import timedelta

import shapely
from django.db import transaction
from django.utils import timezone

from gridgov.core import audit
from gridgov.core.numbers import set_counters
from gridgov.core.validators import uscc_check_character
from gridgov.org.choices import DepartmentKind as K
from gridgov.org.choices import Role
from gridgov.org.demo import SEED_COUNTY
from gridgov.org.models import Staff
from gridgov.powers.choices import PowerKind
from gridgov.powers.models import PowerItem
from gridgov.regions.models import Region

from .actions import (
    ChecklistData,
    ScenarioData,
    TargetData,
    do_create_scenario,
    do_create_target,
    holder_kind,
)
from .choices import (
    InspectionStatus,
    Outcome,
    TargetKind,
    Trigger,
)
from .models import (
    InspectionAssignment,
    InspectionResult,
    InspectionTarget,
    InspectionTask,
    InspectionTimelineEntry,
    RectificationOrder,
    RectificationTimelineEntry,
    Scenario,
)
from .selectors import units_at
from .workflow import INSPECTION_WORKFLOW, RECTIFICATION_WORKFLOW

# 预警触发"一件事"检查占比 in the seed.
WARNING_SHARE = 47.05
TASKS_PER_TOWN = 40

# (code, name, kinds of department, kinds of target, visits a year,
#  [(kind of department, what to check — the inspection item's name contains it,
#    the violation — the penalty item's name contains it)])
SCENARIOS = [
    ("XYZB", "校园周边", [K.COMPREHENSIVE_ENFORCEMENT, K.PUBLIC_SECURITY, K.MARKET_REGULATION],
     [TargetKind.SCHOOL], 6, [
         (K.COMPREHENSIVE_ENFORCEMENT, "校园周边占道经营和流动摊贩", "校园周边公共场所摆摊设点经营"),
         (K.PUBLIC_SECURITY, "校园周边治安秩序和交通安全", "扰乱学校教学秩序"),
         (K.PUBLIC_SECURITY, "学校周边道路交通秩序", "在学校周边道路违反规定停放机动车"),
         (K.MARKET_REGULATION, "校园及周边食品经营者经营条件", "未取得食品经营许可从事食品经营活动"),
     ]),
    ("YJSG", "夜间施工", [K.COMPREHENSIVE_ENFORCEMENT, K.HOUSING, K.ECOLOGY],
     [TargetKind.CONSTRUCTION_SITE], 12, [
         (K.COMPREHENSIVE_ENFORCEMENT, "建筑施工工地夜间施工噪声污染防治",
          "未经批准在夜间进行产生噪声的建筑施工作业"),
         (K.HOUSING, "夜间连续施工的建设工程", "施工单位未按规定采取防治施工噪声污染措施"),
         (K.ECOLOGY, "建设项目噪声和扬尘污染防治措施落实情况", "建设单位未按规定采取扬尘污染防治措施"),
     ]),
    ("CYYY", "餐饮油烟", [K.COMPREHENSIVE_ENFORCEMENT, K.ECOLOGY, K.MARKET_REGULATION],
     [TargetKind.RESTAURANT], 4, [
         (K.COMPREHENSIVE_ENFORCEMENT, "餐饮服务单位油烟净化设施安装使用情况",
          "餐饮服务单位未安装油烟净化设施或者不正常使用油烟净化设施"),
         (K.ECOLOGY, "排放油烟的餐饮服务业经营者", "餐饮服务业经营者超过排放标准排放油烟"),
         (K.MARKET_REGULATION, "餐饮服务提供者食品加工制作过程", "未按规定清洗消毒餐具、饮具"),
     ]),
    ("XFAQ", "消防安全", [K.COMPREHENSIVE_ENFORCEMENT, K.PUBLIC_SECURITY, K.EMERGENCY],
     [TargetKind.SHOP, TargetKind.HOTEL, TargetKind.VENUE, TargetKind.MARKET,
      TargetKind.ENTERPRISE], 4, [
         (K.COMPREHENSIVE_ENFORCEMENT, "住宅小区及沿街商铺消防车通道畅通情况", "占用、堵塞、封闭消防车通道"),
         (K.PUBLIC_SECURITY, "派出所辖区单位日常消防安全", "占用、堵塞、封闭疏散通道、安全出口"),
         (K.EMERGENCY, "人员密集场所和小微企业消防安全与应急疏散",
          "未在有较大危险因素的场所设置明显的安全警示标志"),
     ]),
]  # fmt: skip
SCENARIO_OF_KIND = {
    TargetKind.SCHOOL: "XYZB",
    TargetKind.CONSTRUCTION_SITE: "YJSG",
    TargetKind.RESTAURANT: "CYYY",
}
# Places per town, with how their names are made.
TARGETS = [
    (TargetKind.SCHOOL, 2, ("{town}中心小学", "{town}实验幼儿园", "{town}初级中学")),
    (TargetKind.CONSTRUCTION_SITE, 3, ("{town}{n}号地块住宅项目工地", "{town}安置房{n}期工地")),
    (TargetKind.RESTAURANT, 5, ("{town}老街面馆", "{town}家常菜馆", "{town}烧烤店", "{town}火锅店",
                                "{town}粽子店", "{town}小吃店")),
    (TargetKind.SHOP, 3, ("{town}便利店", "{town}五金店", "{town}电动车行")),
    (TargetKind.MARKET, 1, ("{town}农贸市场",)),
    (TargetKind.HOTEL, 1, ("{town}快捷酒店",)),
    (TargetKind.VENUE, 1, ("{town}KTV",)),
    (TargetKind.ENTERPRISE, 2, ("嘉兴{town}纺织有限公司", "嘉兴{town}机械制造有限公司")),
]  # fmt: skip
USCC_PREFIX = {TargetKind.SCHOOL: "12"}  # 事业单位; the rest are companies ("91")

DONE = ["create", "assign", "start", "record", "finish", "close"]
HISTORIES = [  # (weight, actions) of inspections older than a fortnight
    (70, DONE),
    (12, [*DONE, "rate"]),
    (6, ["create", "cancel"]),
    (5, ["create", "assign", "cancel"]),
]
RECENT = [  # the last fortnight's stop anywhere
    (3, ["create"]),
    (3, ["create", "assign"]),
    (2, ["create", "assign", "start", "record"]),
    (2, ["create", "assign", "start", "record", "finish"]),
    (4, DONE),
]


def _uscc(rng, kind) -> str:
    chars = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    first17 = (
        USCC_PREFIX.get(kind, "91") + SEED_COUNTY + "".join(rng.choice(chars) for _ in range(9))
    )
    return first17 + uscc_check_character(first17)


def _power(kind: str, words: str, department_kind: str) -> PowerItem | None:
    """The demo catalogue's item of this kind whose name contains the words, if a department
    of the checking kind holds it today (a transfer may have moved it elsewhere)."""
    item = (
        PowerItem.objects.filter(jurisdiction__code=SEED_COUNTY, kind=kind, name__contains=words)
        .order_by("code")
        .first()
    )
    if item is None or holder_kind(item, timezone.localdate()) != department_kind:
        return None
    return item


def _point_in(rng, microgrid):
    shape = shapely.from_wkb(bytes(microgrid.boundary))
    minx, miny, maxx, maxy = shape.bounds
    for _ in range(50):
        lon, lat = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
        if shape.contains(shapely.Point(lon, lat)):
            return lon, lat
    return microgrid.label_lon, microgrid.label_lat


def load_demo_scenarios(county, *, actor) -> dict[str, Scenario]:
    scenarios = {}
    for code, name, kinds, target_kinds, cap, checks in SCENARIOS:
        checklist = []
        for department_kind, check, violation in checks:
            inspection = _power(PowerKind.INSPECTION, check, department_kind)
            penalty = _power(PowerKind.PENALTY, violation, department_kind)
            if inspection is None:
                continue
            checklist.append(
                ChecklistData(
                    department_kind, check, inspection.pk, penalty.pk if penalty else None
                )
            )
        scenarios[code] = do_create_scenario(
            ScenarioData(
                jurisdiction=county,
                code=f"{county.code}-{code}",
                name=name,
                department_kinds=kinds,
                target_kinds=target_kinds,
                yearly_cap=cap,
                checklist=checklist,
            ),
            actor=actor,
        )
    return scenarios


def load_demo_targets(county, rng, *, actor) -> list[InspectionTarget]:
    targets = []
    towns = Region.objects.filter(parent=county).order_by("code")
    for town in towns:
        short = town.name.removesuffix("街道").removesuffix("镇")
        microgrids = list(
            Region.objects.filter(level="microgrid", town=town, boundary__isnull=False).order_by(
                "code"
            )
        )
        if not microgrids:
            continue
        for kind, count, names in TARGETS:
            for n in range(count):
                lon, lat = _point_in(rng, rng.choice(microgrids))
                name = names[n % len(names)].format(town=short, n=n + 1)
                if town.code == "330402013" and kind == TargetKind.SCHOOL and n == 0:
                    name = "东栅中心小学"  # the seed's joint inspection
                targets.append(
                    do_create_target(
                        TargetData(kind=kind, name=name, lon=lon, lat=lat, uscc=_uscc(rng, kind),
                                   address=f"{town.name}{rng.randint(1, 300)}号"),
                        actor=actor,
                    )
                )  # fmt: skip
    return targets


def warnings_needed(counted: int, *, existing: tuple[int, int], share=WARNING_SHARE):
    """How many of `counted` more inspections must be warning-triggered for the share of all
    (with the `existing` (warned, total)) to round to `share` percent, or None if no number
    does."""
    w0, t0 = existing
    total = counted + t0
    for w in (round(share / 100 * total) - w0 + d for d in (0, -1, 1)):
        if 0 <= w <= counted and round(100 * (w + w0) / total, 2) == share:
            return w
    return None


def _assign_triggers(demo, county) -> None:
    """The seed's share of warning-triggered inspections, over the inspections the figures
    count (cancelled ones are not): more are generated until the count allows it exactly."""
    rng = demo.rng
    counted_before = InspectionTask.objects.filter(county=county).exclude(
        status=InspectionStatus.CANCELLED
    )
    existing = (counted_before.filter(trigger=Trigger.WARNING).count(), counted_before.count())
    while True:
        counted = [t for t in demo.rows["tasks"] if t.status != InspectionStatus.CANCELLED]
        warned = warnings_needed(len(counted), existing=existing)
        if warned is not None:
            break
        _generate(demo)
    for i, task in enumerate(rng.sample(counted, len(counted))):
        task.trigger = (
            Trigger.WARNING
            if i < warned
            else rng.choice((Trigger.PLAN, Trigger.PLAN, Trigger.EVENT))
        )
    for task in demo.rows["tasks"]:
        if task.status == InspectionStatus.CANCELLED:
            task.trigger = rng.choice((Trigger.PLAN, Trigger.EVENT, Trigger.WARNING))
        task.trigger_ref = {Trigger.WARNING: "预警", Trigger.PLAN: "年度计划"}.get(task.trigger, "")


class _Demo:
    def __init__(self, rng, now, scenarios, targets):
        self.rng, self.now = rng, now
        self.scenarios = scenarios
        self.targets = targets
        self.officers = defaultdict(list)  # department id → Staff
        for staff in Staff.objects.filter(
            role=Role.OFFICER, is_active=True, department__isnull=False
        ).select_related("department"):
            self.officers[staff.department_id].append(staff)
        self.units = {}
        self.checklists = {
            s.pk: list(s.checklist.select_related("penalty_power")) for s in scenarios.values()
        }
        self.dispatchers = {
            s.region_id: s.user
            for s in Staff.objects.filter(role=Role.DISPATCHER, user__isnull=False).select_related(
                "user"
            )
        }
        self.counters = defaultdict(int)
        self.rows = defaultdict(list)

    def scenario_for(self, target):
        code = SCENARIO_OF_KIND.get(target.kind, "XFAQ")
        return self.scenarios[code]

    def departments(self, scenario, target):
        key = (scenario.pk, target.town_id)
        if key not in self.units:
            chosen = {}
            for unit in units_at(target, scenario.department_kinds):
                if unit.kind not in chosen and self.officers.get(unit.pk):
                    chosen[unit.kind] = unit
            self.units[key] = list(chosen.values())
        units = self.units[key]
        # Most visits are joint; some are one department's own.
        if len(units) > 1 and self.rng.random() < 0.25:
            return [self.rng.choice(units)]
        return units

    def number(self, prefix, at):
        day = timezone.localdate(at)
        self.counters[(prefix, day)] += 1
        return f"{prefix}{day:%Y%m%d}{self.counters[(prefix, day)]:06d}"


def load_demo_inspections(*, seed: int, actor, now=None) -> dict:
    """The scenarios, targets and a year of inspections of 南湖区."""
    county = Region.objects.filter(code=SEED_COUNTY).first()
    if county is None or not PowerItem.objects.filter(jurisdiction=county).exists():
        return {"scenarios": 0, "targets": 0, "inspections": 0}
    rng = random.Random(seed)
    now = now or timezone.now()
    with transaction.atomic():
        scenarios = load_demo_scenarios(county, actor=actor)
        targets = load_demo_targets(county, rng, actor=actor)
        demo = _Demo(rng, now, scenarios, targets)
        for _ in range(TASKS_PER_TOWN * len({t.town_id for t in targets})):
            _generate(demo)
        _assign_triggers(demo, county)
        _write(demo)
        audit.record(
            "inspections.load_demo",
            actor=actor,
            summary=f"{len(demo.rows['tasks'])} demo inspections",
            changes={"scenarios": len(scenarios), "targets": len(targets)},
        )
    return {
        "scenarios": len(scenarios),
        "targets": len(targets),
        "inspections": len(demo.rows["tasks"]),
    }


def _weighted(rng, pairs):
    weights, values = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights)[0]


def _generate(demo) -> None:
    rng, now = demo.rng, demo.now
    target = rng.choice(demo.targets)
    scenario = demo.scenario_for(target)
    departments = demo.departments(scenario, target)
    if not departments:
        return
    created = now - timedelta(days=rng.uniform(0, 365), hours=rng.uniform(0, 8))
    history = _weighted(rng, RECENT if (now - created).days < 14 else HISTORIES)
    task = InspectionTask(
        number=demo.number("JC", created),
        scenario=scenario,
        target=target,
        command_region_id=target.town_id,
        department_count=len(departments),
        needs_merged=len(departments),
        created_at=created,
    )
    task.place_in(target)
    officers = [rng.choice(demo.officers[d.pk]) for d in departments]
    checklist = [
        c
        for c in demo.checklists[scenario.pk]
        if c.department_kind in {d.kind for d in departments}
    ]
    at = created
    task.version = 0
    for step, action in enumerate(history):
        at = min(at + timedelta(hours=rng.uniform(0.5, 30) if step else 0), now)
        on_site = action in ("start", "record", "finish")
        actor = officers[0].user if on_site else None
        label = {"rate": f"qr:{task.number}"}.get(action, officers[0].name if on_site else "demo")
        demo.rows["timeline"].append(
            INSPECTION_WORKFLOW.history_step(task, action, at, item=task, actor=actor,
                                             actor_label=label)
        )  # fmt: skip
        if action == "record":
            _results(demo, task, checklist, officers, at)
        elif action == "finish":
            task.inspected_at = at
            task.acknowledged_by = "负责人"
        elif action == "rate":
            task.rating = rng.choice((4, 5, 5, 5, 3))
            task.rated_at = at
    demo.rows["tasks"].append(task)
    demo.rows["assignments"] += [InspectionAssignment(task=task, department=d) for d in departments]
    if task.status != InspectionStatus.PLANNED and task.status != InspectionStatus.CANCELLED:
        demo.rows["officers"] += [(task, o) for o in officers]


def _results(demo, task, checklist, officers, at) -> None:
    rng = demo.rng
    for item in checklist:
        failed = rng.random() < 0.12
        result = InspectionResult(
            task=task,
            checklist_item=item,
            outcome=Outcome.FAIL
            if failed
            else rng.choice((Outcome.PASS,) * 9 + (Outcome.NOT_APPLICABLE,)),
            note="现场发现问题，已责令整改" if failed else "",
            follow_up="rectify" if failed else "",
            rectify_days=7 if failed else None,
            recorded_at=at,
        )
        demo.rows["results"].append(result)
        if failed:
            demo.rows["failed"].append((task, result, item, at))


def _write(demo) -> None:
    rows = demo.rows
    InspectionTask.objects.bulk_create(rows["tasks"], batch_size=1000)
    InspectionTimelineEntry.objects.bulk_create(rows["timeline"], batch_size=5000)
    InspectionAssignment.objects.bulk_create(rows["assignments"], batch_size=5000)
    through = InspectionTask.officers.through
    through.objects.bulk_create(
        {
            (t.pk, o.pk): through(inspectiontask_id=t.pk, staff_id=o.pk)
            for t, o in rows["officers"]
        }.values(),
        batch_size=5000,
    )
    InspectionResult.objects.bulk_create(rows["results"], batch_size=5000)
    _rectifications(demo)
    set_counters("JC", {day: n for (p, day), n in demo.counters.items() if p == "JC"})
    set_counters("ZG", {day: n for (p, day), n in demo.counters.items() if p == "ZG"})


def _rectifications(demo) -> None:
    """Failed checks of finished inspections: rectification orders, most of them put right."""
    orders, timeline = [], []
    for task, result, item, at in demo.rows["failed"]:
        if task.status not in (InspectionStatus.INSPECTED, InspectionStatus.CLOSED):
            continue
        department = next(
            (
                a.department
                for a in demo.rows["assignments"]
                if a.task is task and a.department.kind == item.department_kind
            ),
            None,
        )
        if department is None:
            continue
        order = RectificationOrder(
            number=demo.number("ZG", at), task=task, result=result, target=task.target,
            department=department, requirement=item.text, deadline=timezone.localdate(at) + timedelta(days=7),
            created_at=at, version=0,
        )  # fmt: skip
        recent = (demo.now - at).days < 10
        history = ["issue"] if recent else ["issue", "report_rectified", "pass"]
        when = at
        for action in history:
            when = min(when + timedelta(days=demo.rng.uniform(0, 6)), demo.now)
            timeline.append(
                RECTIFICATION_WORKFLOW.history_step(
                    order, action, when, item=order, actor_label="demo"
                )
            )
        orders.append(order)
    RectificationOrder.objects.bulk_create(orders, batch_size=2000)
    RectificationTimelineEntry.objects.bulk_create(timeline, batch_size=5000)
