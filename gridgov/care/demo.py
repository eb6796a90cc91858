"""The demo's frontline care in 南湖区, after the seed's story: duty posts at checkpoints,
test points and four motorway exits, staffed day and night (three 8-hour shifts) over the past
three weeks; seven people who stood double shifts, found by the detection from those rows, five
of them ordered to rest and two proposals dismissed; 135 care visits by the county's leaders
with care packages, and the problems raised on them — 35 solved.

Histories lie in the past, which the action functions (acting now) cannot write: rows are built
with the same helpers as the actions (`new_shift`) and the work items stepped through their
tables with the engine's own stepping (`Workflow.history_step`), then saved in bulk.
"""

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from gridgov.core import audit
from gridgov.core.numbers import next_number
from gridgov.org.choices import Role
from gridgov.org.demo import DEMO_GRID, SEED_COUNTY
from gridgov.org.models import Staff
from gridgov.regions.models import Region

from . import rules
from .actions import DETECTION, new_shift
from .choices import PostKind
from .detection import find_breaches
from .models import (
    CareProblem,
    CareProblemTimelineEntry,
    CareVisit,
    DutyPost,
    RestOrder,
    RestOrderTimelineEntry,
    Shift,
)
from .workflow import CARE_PROBLEM_WORKFLOW, REST_ORDER_WORKFLOW

# The seed's figures.
VISITS, SOLVED, ISSUED = 135, 35, 5
UNSOLVABLE, STILL_OPEN, DISMISSED = 2, 4, 2
DAYS = 21  # of shifts
VISIT_DAYS = 80
OVERWORK_DAY = 10  # days ago: seven people stood a second shift every day of three
POSTS = [
    (PostKind.MOTORWAY_EXIT, "沪杭高速嘉兴出口值守点"),
    (PostKind.MOTORWAY_EXIT, "乍嘉苏高速嘉兴南出口值守点"),
    (PostKind.MOTORWAY_EXIT, "申嘉湖高速嘉兴北出口值守点"),
    (PostKind.MOTORWAY_EXIT, "嘉绍高速凤桥出口值守点"),
    (PostKind.CHECKPOINT, "07省道入城卡口"),
    (PostKind.CHECKPOINT, "320国道余新卡口"),
    (PostKind.TEST_POINT, "南湖区便民核酸检测点"),
    (PostKind.TEST_POINT, "东栅街道核酸检测点"),
]
SHIFT_HOURS = (0, 8, 16)  # three 8-hour shifts a day: 00–08 (the night), 08–16, 16–24
PEOPLE_PER_POST = 4  # each works three days in four, on a rotating shift
PROBLEMS = ["值守帐篷漏雨，需要更换", "夜班缺少取暖设备", "盒饭送达时间不固定",
            "点位照明不足，夜间车辆难以看清", "缺少防暑降温物资", "值守人员往返交通不便",
            "点位没有临时厕所", "对讲机电池不够用"]  # fmt: skip
SOLUTIONS = ["已协调更换新帐篷", "已配发取暖器两台", "已与食堂约定固定送餐时间",
             "已加装移动照明灯塔", "已配送防暑降温物资", "已安排通勤车接送", "已设置移动厕所",
             "已补充备用电池"]  # fmt: skip
CANNOT = "点位用地属高速公路管理范围，无法设置固定设施，已改为流动保障"
VISIT_NOTES = ["看望慰问一线值守人员，了解工作生活情况", "送去慰问品，叮嘱注意休息和防护",
               "检查点位保障情况，听取意见建议"]  # fmt: skip


def _at(day: dt.date, hour: float) -> dt.datetime:
    start = dt.datetime.combine(day, dt.time(), tzinfo=rules.DUTY_TZ)
    return start + dt.timedelta(hours=hour)


def _posts(county, towns, actor) -> list[DutyPost]:
    posts = []
    for i, (kind, name) in enumerate(POSTS):
        town = towns[i % len(towns)]
        post = DutyPost(code=f"{SEED_COUNTY}-ZS{i + 1:02d}", name=name, kind=kind, region=town)
        post.place_in(town)
        posts.append(post)
    return DutyPost.objects.bulk_create(posts)


def _shifts(posts, people, today, actor) -> tuple[list[Shift], list[Staff]]:
    """Each post's four people on a rotating shift, three days on and one off; seven of them
    stand a second shift (16–24 after 08–16) three days running, OVERWORK_DAY days ago."""
    shifts, overworked = [], []
    for p, post in enumerate(posts):
        team = people[p * PEOPLE_PER_POST : (p + 1) * PEOPLE_PER_POST]
        for ago in range(DAYS, 0, -1):
            day = today - dt.timedelta(days=ago)
            for k, person in enumerate(team):
                slot = (ago + k) % PEOPLE_PER_POST
                if slot == len(SHIFT_HOURS):
                    continue  # the day off
                start = _at(day, SHIFT_HOURS[slot])
                shifts.append(
                    new_shift(person, post, start, start + dt.timedelta(hours=8), actor=actor)
                )
    taken = {(s.staff_id, s.starts_at) for s in shifts}
    for person in people[: ISSUED + DISMISSED]:
        overworked.append(person)
        post = posts[people.index(person) // PEOPLE_PER_POST]
        for ago in range(OVERWORK_DAY + 2, OVERWORK_DAY - 1, -1):
            day = today - dt.timedelta(days=ago)
            for hour in (8, 16):
                start = _at(day, hour)
                if (person.pk, start) not in taken and not _busy(shifts, person, start):
                    shifts.append(
                        new_shift(person, post, start, start + dt.timedelta(hours=8), actor=actor)
                    )
    return shifts, overworked


def _busy(shifts, person, start) -> bool:
    end = start + dt.timedelta(hours=8)
    return any(s.staff_id == person.pk and s.starts_at < end and start < s.ends_at for s in shifts)


def _orders(county, today, rng) -> tuple[list[RestOrder], list]:
    """Detection as of OVERWORK_DAY days ago, from the shifts just stored; five of its
    proposals issued (their rest long over), the others dismissed."""
    as_of = today - dt.timedelta(days=OVERWORK_DAY)
    found = find_breaches(county, as_of)
    people = Staff.objects.filter(pk__in=list(found)).select_related("region").order_by("pk")
    orders, timeline = [], []
    for i, staff in enumerate(people):
        at = _at(as_of, 9 + rng.random())
        order = RestOrder(staff=staff, breaches=[f.as_dict() for f in found[staff.pk]], as_of=as_of)
        order.place_in(staff.region)
        order.number = next_number("XX", RestOrder, at)
        order.version, order.proposed_at = 0, at
        steps = [("propose", at, DETECTION, "")]
        decided = at + dt.timedelta(hours=rng.uniform(0.5, 3))
        if i < ISSUED:
            order.rest_from, order.rest_until = decided, decided + dt.timedelta(hours=24)
            steps += [("issue", decided, "南湖区领导", "连续高强度值守，强制休息24小时"),
                      ("end", order.rest_until, DETECTION, "")]  # fmt: skip
        else:
            steps.append(("dismiss", decided, "南湖区领导", "本人已调休，不再下达"))
        entries = [
            REST_ORDER_WORKFLOW.history_step(order, a, when, actor_label=who, note=note)
            for a, when, who, note in steps
        ]
        orders.append(order)
        timeline.append(entries)
    return orders, timeline


def _visits(posts, people, leaders, now, rng) -> list[CareVisit]:
    visits = []
    for i in range(VISITS):
        post = posts[i % len(posts)]
        at = now - dt.timedelta(days=rng.uniform(1, VISIT_DAYS), hours=rng.uniform(0, 6))
        visit = CareVisit(
            post=post,
            visitor_name=leaders[i % len(leaders)],
            visited_at=at,
            packages=rng.randint(2, 12),
            note=rng.choice(VISIT_NOTES),
        )
        visit.place_in(post)
        visits.append(visit)
    visits = CareVisit.objects.bulk_create(visits)
    through = CareVisit.people.through
    links = []
    for visit in visits:
        team = people[posts.index(visit.post) * PEOPLE_PER_POST :][:PEOPLE_PER_POST]
        links += [through(carevisit_id=visit.pk, staff_id=s.pk) for s in team]
    through.objects.bulk_create(links)
    return visits


def _problems(visits, now, rng) -> tuple[list[CareProblem], list]:
    histories = ([["raise", "take", "solve"]] * SOLVED + [["raise", "give_up"]] * UNSOLVABLE
                 + [["raise"], ["raise", "take"]] * (STILL_OPEN // 2))  # fmt: skip
    chosen = rng.sample(visits, len(histories))
    problems, timeline = [], []
    for visit, history in zip(chosen, histories, strict=True):
        k = rng.randrange(len(PROBLEMS))
        problem = CareProblem(visit=visit, description=PROBLEMS[k], raised_at=visit.visited_at)
        problem.place_in(visit)
        problem.number = next_number("GA", CareProblem, visit.visited_at)
        problem.version = 0
        at, entries = visit.visited_at, []
        for action in history:
            note = {"solve": SOLUTIONS[k], "give_up": CANNOT, "take": "已交办属地落实"}.get(
                action, ""
            )
            entries.append(
                CARE_PROBLEM_WORKFLOW.history_step(
                    problem, action, at, actor_label=visit.visitor_name, note=note
                )
            )
            at = min(at + dt.timedelta(hours=rng.uniform(4, 60)), now - dt.timedelta(minutes=5))
        problems.append(problem)
        timeline.append(entries)
    return problems, timeline


def _save_items(model, timeline_model, items, timelines) -> None:
    model.objects.bulk_create(items)
    rows = []
    for item, entries in zip(items, timelines, strict=True):
        for seq, entry in enumerate(entries, start=1):
            entry.item, entry.seq = item, seq
            rows.append(entry)
    timeline_model.objects.bulk_create(rows)


@transaction.atomic
def load_demo_care(*, seed: int, actor, now=None) -> dict:
    county = Region.objects.filter(code=SEED_COUNTY).defer("boundary").first()
    if county is None or DutyPost.objects.filter(county=county).exists():
        return {}
    rng = random.Random(seed)  # noqa: S311 - demo data, not secrets
    now = now or timezone.now()
    today = timezone.localdate(now, rules.DUTY_TZ)
    towns = list(Region.objects.filter(parent=county).defer("boundary").order_by("code"))
    # The people on duty: grid workers of the county, not those the demo signs in as.
    people = list(
        Staff.objects.filter(role=Role.GRID_WORKER, is_active=True, region__county=county)
        .exclude(region__code__startswith=DEMO_GRID[:12])
        .select_related("region")
        .order_by("pk")[: len(POSTS) * PEOPLE_PER_POST]
    )
    if len(people) < len(POSTS) * PEOPLE_PER_POST or not towns:
        return {}
    leaders = list(
        Staff.objects.filter(role=Role.LEADER, region__county=county)
        .order_by("pk")
        .values_list("name", flat=True)[:4]
    ) or ["南湖区领导"]
    posts = _posts(county, towns, actor)
    shifts, _overworked = _shifts(posts, people, today, actor)
    Shift.objects.bulk_create(shifts, batch_size=1000)
    orders, order_steps = _orders(county, today, rng)
    _save_items(RestOrder, RestOrderTimelineEntry, orders, order_steps)
    visits = _visits(posts, people, leaders, now, rng)
    problems, problem_steps = _problems(visits, now, rng)
    _save_items(CareProblem, CareProblemTimelineEntry, problems, problem_steps)
    figures = {
        "posts": len(posts),
        "shifts": len(shifts),
        "visits": len(visits),
        "problems": len(problems),
        "rest_orders": len(orders),
    }
    audit.record("care.load_demo", actor=actor, summary=f"{figures}", changes=figures)
    return figures
