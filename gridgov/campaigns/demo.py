"""The demo's campaign: the seed's urban renewal task force of 惠民街道 (嘉善县), clearing the old
industrial block of 横泾桥 — 448 firms through 复评 → 签约 → 腾空 → 拆除, 6 working groups and
5 task teams, 1,645 亩 in all.

Nothing on the board is typed in: the funnel (448 / 379 / 257 / 160) is what the board counts
from these rows, saved through the same action as an imported ledger. Deterministic from the
seed; the days lie in the past, relative to the day the demo is loaded.
"""

import json
import math
import random
from datetime import timedelta
from decimal import Decimal

import shapely
from django.utils import timezone

from gridgov.org.models import Staff
from gridgov.regions.models import Region

from .actions import (
    ItemData,
    StageSpec,
    do_create_campaign,
    do_create_team,
    do_save_items,
    do_set_plan,
)
from .choices import ItemKind, TeamKind
from .models import Campaign
from .places import mu_to_m2, read_place

TOWN = "330421003"  # 惠民街道, 嘉善县 (嘉善经济技术开发区)
NAME = "横泾桥老旧工业区块整体腾退"
STAGES = ("复评", "签约", "腾空", "拆除")
REACHED = (448, 379, 257, 160)  # firms that reached each stage
TOTAL_MU = 1645
WORKING_GROUPS = (
    "综合协调组",
    "政策指导组",
    "评估审计组",
    "腾退签约组",
    "拆除保障组",
    "宣传督查组",
)
TASK_TEAMS = ("腾退一专班", "腾退二专班", "腾退三专班", "腾退四专班", "腾退五专班")
DAYS = 210  # since the task force was formed
STUCK_DAYS = 45
# Days from one stage to the next (re-assessment from the start).
GAPS = ((0, 60), (5, 80), (5, 60), (5, 40))
SUFFIXES = ("有限公司", "制品厂")
FIRM_WORDS = ("电子", "纺织", "五金", "家具", "塑料", "机械", "包装", "服饰", "木业", "化纤")


def load_demo_campaigns(*, seed: int, actor) -> dict:
    rng = random.Random(seed * 13 + 17)  # noqa: S311 - demo data, not secrets
    town = Region.objects.get(code=TOWN)
    today = timezone.localdate()
    campaign = do_create_campaign(
        region=town,
        name=NAME,
        stages=[StageSpec(name) for name in STAGES],
        started_on=today - timedelta(days=DAYS),
        stuck_days=STUCK_DAYS,
        description="开发区（惠民街道）城市有机更新工作领导小组：6个工作组、5个腾退专班，挂图作战。",
        actor=actor,
    )
    staff = list(Staff.objects.filter(region__town=town, is_active=True).order_by("pk")[:22])
    for names, kind in ((WORKING_GROUPS, TeamKind.WORKING_GROUP), (TASK_TEAMS, TeamKind.TASK_TEAM)):
        for n, name in enumerate(names):
            members = staff[n :: len(names)]
            do_create_team(
                campaign,
                kind=kind,
                name=name,
                leader=members[0] if members else None,
                members=members,
                actor=actor,
            )
    rows = _firms(rng, town, campaign, today)
    summary = do_save_items(campaign, rows, actor=actor, source="demo")
    _plan(campaign, today, actor)
    return {"campaign": campaign.number, "items": summary["created"], "reached": REACHED}


def _firms(rng, town, campaign, today) -> list[ItemData]:
    areas = _areas(rng, REACHED[0])
    shape = town.geometry()
    order = list(range(REACHED[0]))
    rng.shuffle(order)
    started = campaign.started_on
    rows = []
    for n in range(REACHED[0]):
        rank = order[n]  # the firms furthest along come first in `order`
        stages_reached = sum(rank < r for r in REACHED)
        reached, day = {}, started
        for stage, (low, high) in zip(STAGES[:stages_reached], GAPS, strict=False):
            day = min(day + timedelta(days=rng.randint(low, high)), today)
            reached[stage] = day
        area_m2 = mu_to_m2(areas[n])
        geometry, lon, lat = read_place(json.dumps(_square(rng, shape, area_m2)))
        rows.append(
            ItemData(
                code=f"HJQ{n + 1:04d}",
                name=f"嘉善{rng.choice(FIRM_WORDS)}{SUFFIXES[n % 3 == 0]}（{n + 1}号）",
                kind=ItemKind.FIRM,
                owner=f"横泾桥工业区块第{n % 37 + 1}号业主",
                area_m2=area_m2,
                address=f"惠民街道横泾桥工业区{n + 1}号",
                geometry=geometry,
                lon=lon,
                lat=lat,
                task_team=TASK_TEAMS[n % len(TASK_TEAMS)],
                working_group=WORKING_GROUPS[n % len(WORKING_GROUPS)],
                reached=reached,
            )
        )
    return rows


def _areas(rng, count: int) -> list[Decimal]:
    """`count` areas in 亩 (0.1 亩 steps, at least 0.5) adding up to TOTAL_MU exactly."""
    tenths = TOTAL_MU * 10
    weights = [rng.lognormvariate(0, 0.8) for _ in range(count)]
    spare = tenths - 5 * count
    raw = [spare * w / sum(weights) for w in weights]
    parts = [math.floor(r) for r in raw]
    by_remainder = sorted(range(count), key=lambda i: raw[i] - parts[i], reverse=True)
    for i in by_remainder[: spare - sum(parts)]:
        parts[i] += 1
    return [Decimal(5 + p) / 10 for p in parts]


def _square(rng, shape, area_m2) -> dict:
    """A square plot of the area somewhere inside the town."""
    minx, miny, maxx, maxy = shape.bounds
    while True:
        x, y = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
        if shape.contains(shapely.Point(x, y)):
            break
    half = math.sqrt(float(area_m2)) / 2
    dy = half / 111_320
    dx = half / (111_320 * math.cos(math.radians(y)))
    ring = [
        [x - dx, y - dy],
        [x + dx, y - dy],
        [x + dx, y + dy],
        [x - dx, y + dy],
        [x - dx, y - dy],
    ]
    return {"type": "Polygon", "coordinates": [ring]}


def _plan(campaign, today, actor) -> None:
    """The task force's plan: every firm re-assessed in two months, then the other stages."""
    stages = list(campaign.stages.order_by("position"))
    start = campaign.started_on
    goals = ((448, 60), (400, 150), (320, 190), (220, 230))
    for stage, (count, days) in zip(stages, goals, strict=True):
        for share, fraction in ((0.5, 0.6), (1.0, 1.0)):
            do_set_plan(
                campaign,
                stage=stage,
                due_on=start + timedelta(days=round(days * fraction)),
                count=round(count * share),
                actor=actor,
            )


def loaded() -> bool:
    return Campaign.objects.filter(name=NAME).exists()
