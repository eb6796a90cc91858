"""A year of demo events in every state, so every page and figure has something to show.

Events are generated as histories: a scenario is a list of actions that the workflow table
replays (so every stored state is one the table can reach, and the timeline leads to it), each
step given a plausible delay. Rows are written in bulk: running tens of thousands of steps
through the action functions one by one would take minutes.
"""

import random
from collections import defaultdict
from datetime import datetime, timedelta

import shapely
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone

from gridgov.core import audit
from gridgov.core.numbers import set_counters
from gridgov.org.choices import Role
from gridgov.org.demo import DEMO_GRID, DEMO_TOWN
from gridgov.org.models import Department, Staff
from gridgov.regions.choices import RegionLevel
from gridgov.regions.models import Region

from .catalogue import load_default_catalogue
from .choices import AssignmentRole, EventSource, EventStatus, Priority
from .models import Event, EventAssignment, EventCategory, EventTimelineEntry
from .routing import command_centre_of, route
from .workflow import EVENT_WORKFLOW, dispatched, escalated, returned

# Events per demo scale: enough for every page and figure, quick to load.
DEMO_EVENTS = {"small": 3000, "city": 20000}

DONE = ["report", "accept", "dispatch", "start", "handle", "verify", "close"]
# (weight, actions). Older events mostly went the whole way; recent ones stop anywhere.
SCENARIOS = [
    (50, DONE),
    (10, [*DONE, "rate"]),
    (8, ["report_handled", "verify", "close"]),
    (6, ["report", "reject"]),
    (6, ["report", "accept", "dispatch", "start", "handle", "rework", "handle", "verify", "close"]),
    (
        4,
        [
            "report",
            "accept",
            "dispatch",
            "give_back",
            "dispatch",
            "start",
            "handle",
            "verify",
            "close",
        ],
    ),
    (5, ["report", "escalate", "accept", "dispatch", "start", "handle", "verify", "close"]),
    (3, [*DONE, "reopen", "accept", "dispatch", "start", "handle", "verify", "close"]),
    (4, ["report", "mark_duplicate"]),
]
SOURCE_WEIGHTS = [
    (EventSource.GRID_WORKER, 60),
    (EventSource.HOTLINE, 15),
    (EventSource.CITIZEN, 8),
    (EventSource.INSPECTION, 8),
    (EventSource.SUPERVISION, 5),
    (EventSource.WARNING, 4),
]
TITLES = {
    "0101": "占道经营摊点", "0102": "楼道杂物堆放", "0103": "屋顶违章搭建",
    "0104": "路边垃圾未清运", "0105": "窨井盖缺失", "0106": "违规广告牌",
    "0107": "非机动车乱停放", "0108": "人行道破损", "0201": "夜间施工噪声",
    "0202": "餐馆油烟扰民", "0203": "河面漂浮垃圾", "0204": "疑似偷排污水",
    "0205": "露天焚烧秸秆", "0206": "工地扬尘", "0301": "厂房安全通道堵塞",
    "0302": "危化品违规存放", "0305": "燃气软管老化", "0401": "邻里漏水纠纷",
    "0403": "拖欠工资", "0404": "物业费纠纷", "0501": "路灯损坏治安隐患",
    "0601": "无证经营小作坊", "0602": "过期食品销售", "0701": "停水报修",
    "0703": "独居老人需要关照", "0704": "健身器材损坏", "0801": "消防通道被占",
    "0802": "电动车楼道充电", "0803": "灭火器过期", "0804": "群租房隐患",
    "0901": "交通标志倾斜", "0903": "道路积水",
}  # fmt: skip
DELAY_HOURS = {  # typical working delays before each action, (low, high)
    "accept": (0.1, 3), "reject": (0.1, 2), "escalate": (0.5, 4), "dispatch": (0.1, 4),
    "start": (0.2, 6), "give_back": (1, 8), "handle": (2, 60), "rework": (1, 8),
    "verify": (0.5, 10), "close": (0.1, 4), "rate": (2, 48), "reopen": (10, 100),
    "mark_duplicate": (0.2, 3),
}  # fmt: skip
NOTES = {
    "reject": "不属于受理范围，已告知反映人",
    "escalate": "涉及多部门，需上级协调",
    "give_back": "非本单位职责，请重新派遣",
    "handle": "已到现场处置完毕，附处置后照片",
    "rework": "现场核查仍未整改到位",
    "reopen": "问题反复出现，申请重新处理",
    "report_handled": "现场劝导，当场整改完毕",
}  # fmt: skip


class _Ids:
    def __init__(self, start):
        self.next = start

    def __call__(self):
        self.next += 1
        return self.next


@transaction.atomic
def load_demo_events(*, count: int, seed: int, actor, now=None) -> int:
    """Generate `count` events reported over the past year, in every state of the loop."""
    if not EventCategory.objects.exists():
        load_default_catalogue(actor=actor)
    rng = random.Random(seed)
    now = now or timezone.now()
    world = _World(rng)
    leaves = list(
        EventCategory.objects.filter(parent__isnull=False, is_active=True).select_related("parent")
    )
    made = _Made(world, now)
    for i in range(count):
        age_days = 365 * (1 - (i / count)) ** 1.3  # more recent events than old ones
        reported = now - timedelta(days=age_days, minutes=rng.randint(0, 600))
        reported = reported.replace(hour=rng.randint(7, 20))
        if reported > now:
            reported = now - timedelta(minutes=rng.randint(5, 600))
        category = rng.choice(leaves)
        microgrid, lon, lat = world.place()
        source = _weighted(rng, SOURCE_WEIGHTS)
        actions = _weighted(rng, [(s, w) for w, s in SCENARIOS])
        if source != EventSource.GRID_WORKER and actions[0] == "report_handled":
            actions = DONE
        # Recent events have not finished: cut their story short. Most of them arrived in the
        # last day or two, so the queues hold fresh work as well as late work.
        if age_days < 30:
            actions = actions[: rng.randint(1, len(actions))]
            if rng.random() < 0.7:
                reported = now - timedelta(hours=rng.uniform(0.2, 40))
        made.add(category, microgrid, lon, lat, reported, source, actions)
    made.write()
    audit.record(
        "events.load_demo", actor=actor, summary=f"{count} demo events", changes={"count": count}
    )
    return count


@transaction.atomic
def load_demo_complaints(spots, *, category_code: str, seed: int, actor, now=None) -> int:
    """Citizens' complaints of one category at given places and times — (microgrid, lon, lat,
    reported_at) — for the figures that compare before and after (noise near a construction
    site before and after its night-work filing, say). Older ones were handled to the end."""
    rng = random.Random(seed)
    now = now or timezone.now()
    category = EventCategory.objects.select_related("parent").get(code=category_code)
    made = _Made(_World(rng, places=False), now)
    for microgrid, lon, lat, reported in spots:
        actions = DONE if (now - reported).days > 7 else DONE[: rng.randint(1, len(DONE))]
        made.add(category, microgrid, lon, lat, reported, EventSource.CITIZEN, actions)
    made.write()
    audit.record(
        "events.load_demo_complaints",
        actor=actor,
        summary=f"{len(made.events)} demo complaints ({category.name})",
        changes={"count": len(made.events)},
    )
    return len(made.events)


class _Made:
    """Demo events as they are generated, written in bulk at the end."""

    def __init__(self, world, now):
        self.world, self.now, self.rng = world, now, world.rng
        self.counters: dict = defaultdict(int)
        self.events, self.timeline, self.assignments = [], [], []
        self.ids = _Ids(Event.objects.order_by("-pk").values_list("pk", flat=True).first() or 0)
        self.recent_open: dict = defaultdict(list)  # (category, town) → earlier events
        # A day's numbers go on after those in use: complaints are added after the year's
        # events, on the same days.
        for number in Event.objects.filter(number__startswith="SJ").values_list(
            "number", flat=True
        ):
            day = datetime.strptime(number[2:10], "%Y%m%d").date()
            self.counters[day] = max(self.counters[day], int(number[10:]))

    def add(self, category, microgrid, lon, lat, reported, source, actions) -> Event:
        rng, world = self.rng, self.world
        event = Event(
            pk=self.ids(),
            title=TITLES.get(category.code, category.name),
            description=f"{microgrid.name}附近发现：{TITLES.get(category.code, category.name)}。",
            category=category,
            source=source,
            priority=_weighted(
                rng, [(Priority.NORMAL, 88), (Priority.URGENT, 10), (Priority.CRITICAL, 2)]
            ),
            lon=lon,
            lat=lat,
            address=f"{microgrid.town.name}{microgrid.village.name}",
            microgrid=microgrid,
            reported_at=reported,
        )
        event.place_in(microgrid)
        day = timezone.localdate(reported)
        self.counters[day] += 1
        event.number = f"SJ{day:%Y%m%d}{self.counters[day]:06d}"
        world.reporter(event, rng)
        routed = world.route(category, microgrid)
        event.routed_unit = routed.unit
        event.routing_reason = routed.reason[:255]
        event.command_region = getattr(microgrid, category.handling_level)
        original = None
        if actions[-1] == "mark_duplicate":
            candidates = self.recent_open[(category.pk, microgrid.town_id)]
            original = candidates[-1] if candidates else None
            if original is None:
                actions = actions[:1]
        entries = _play(event, actions, rng, world, self.now, original)
        if event.status == EventStatus.CLOSED and "rate" not in actions and rng.random() < 0.4:
            event.satisfaction = _weighted(rng, [(5, 60), (4, 25), (3, 9), (2, 4), (1, 2)])
        for seq, entry in enumerate(entries, start=1):
            entry.item_id, entry.seq = event.pk, seq
        self.timeline.extend(entries)
        if event.lead_unit_id:
            self.assignments.append(
                EventAssignment(
                    event_id=event.pk,
                    department_id=event.lead_unit_id,
                    role=AssignmentRole.LEAD,
                    assigned_at=event.dispatched_at or reported,
                )
            )
        self.events.append(event)
        if event.status not in (EventStatus.MERGED, EventStatus.REJECTED):
            self.recent_open[(category.pk, microgrid.town_id)].append(event)
        return event

    def write(self) -> None:
        Event.objects.bulk_create(self.events, batch_size=2000)
        _reset_sequence(Event)  # ids were given above; PostgreSQL's sequence must move past them
        EventTimelineEntry.objects.bulk_create(self.timeline, batch_size=5000)
        EventAssignment.objects.bulk_create(self.assignments, batch_size=5000)
        set_counters("SJ", self.counters)


def _reset_sequence(model) -> None:
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [model]):
            cursor.execute(sql)


def _weighted(rng, pairs):
    """One value of (value, weight) pairs."""
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights)[0]


def _play(event, actions, rng, world, now, original) -> list:
    """Walk the event through `actions` with the engine's own stepping (the table, the late
    flag, the deadlines), each step after a plausible delay; return its timeline rows."""
    at, entries = event.reported_at, []
    for action in actions:
        if action not in ("report", "report_handled"):
            low, high = DELAY_HOURS[action]
            at = at + timedelta(hours=rng.uniform(low, high))
            if at > now:
                break
        data = _apply(event, action, at, world, original)
        entries.append(
            EVENT_WORKFLOW.history_step(
                event, action, at, actor_label=world.actor_label(event, action),
                note=NOTES.get(action, ""), data=data,
            )
        )  # fmt: skip
    return entries


def _apply(event, action, at, world, original) -> dict:
    """What the steps with real logic change beyond the table's own changes (which
    `history_step` applies), as their actions make it; returns timeline data."""
    if action == "dispatch":
        dispatched(event, event.routed_unit or world.centre(event), at)
        return {"lead": event.lead_unit.name if event.lead_unit else ""}
    elif action == "give_back":
        returned(event)
        event.routed_unit = world.centre(event)  # the demo's dispatcher then picks the centre
    elif action == "escalate":
        above = "county" if event.command_region.level == RegionLevel.TOWN else "city"
        escalated(event, getattr(event.microgrid, f"{above}_id"))
        event.command_region = getattr(event.microgrid, above)
        return {"to": event.command_region.name}
    elif action == "rate":
        event.satisfaction = 5 if event.rework_count == 0 else 3
        return {"satisfaction": event.satisfaction}
    elif action == "mark_duplicate":
        event.duplicate_of = original
        return {"original": original.number}
    return {}


class _World:
    """The demo's places, people and units, loaded once."""

    def __init__(self, rng, *, places: bool = True):
        self.rng = rng
        # Places to draw from, unless the caller brings its own (complaints at given spots).
        self.microgrids = (
            list(
                Region.objects.filter(level=RegionLevel.MICROGRID, boundary__isnull=False)
                .select_related("city", "county", "town", "village", "grid")
                .order_by("code")
            )
            if places
            else []
        )
        self.in_town = [m for m in self.microgrids if m.town.code == DEMO_TOWN]
        self.in_grid = [m for m in self.in_town if m.grid.code == DEMO_GRID]
        self.shapes = {}
        self.routes = {}
        self.centres = {}
        self.logins = {
            s.region_id: s.user
            for s in Staff.objects.filter(role=Role.GRID_WORKER, user__isnull=False).select_related(
                "user"
            )
        }
        self.names = defaultdict(list)
        for region_id, name in Staff.objects.filter(role=Role.GRID_WORKER).values_list(
            "region_id", "name"
        )[:20000]:
            self.names[region_id].append(name)

    def place(self):
        # The demo logins work in one town and one grid: give them a fuller share of events.
        roll = self.rng.random()
        pool = self.microgrids
        if roll < 0.04 and self.in_grid:
            pool = self.in_grid
        elif roll < 0.2 and self.in_town:
            pool = self.in_town
        microgrid = self.rng.choice(pool)
        shape = self.shapes.get(microgrid.pk)
        if shape is None:
            shape = self.shapes[microgrid.pk] = shapely.from_wkb(bytes(microgrid.boundary))
        minx, miny, maxx, maxy = shape.bounds
        for _ in range(20):
            lon, lat = self.rng.uniform(minx, maxx), self.rng.uniform(miny, maxy)
            if shape.contains(shapely.Point(lon, lat)):
                return microgrid, lon, lat
        return microgrid, microgrid.label_lon, microgrid.label_lat

    def reporter(self, event, rng):
        if event.source == EventSource.GRID_WORKER:
            event.reporter = self.logins.get(event.grid_id)
            names = self.names.get(event.grid_id) or ["网格员"]
            event.reporter_name = rng.choice(names)
        elif event.source in (EventSource.CITIZEN, EventSource.HOTLINE):
            event.reporter_name = "市民" if event.source == EventSource.CITIZEN else "12345热线"
        elif event.source == EventSource.WARNING:
            event.reporter_name = "预警规则"
        elif event.source == EventSource.INSPECTION:
            event.reporter_name = "执法检查"
        else:
            event.reporter_name = "督查组"

    def route(self, category, microgrid):
        key = (category.pk, microgrid.town_id)
        if key not in self.routes:
            self.routes[key] = route(category, microgrid)
        return self.routes[key]

    def centre(self, event) -> Department | None:
        if event.town_id not in self.centres:
            self.centres[event.town_id] = command_centre_of(Region(pk=event.town_id))
        return self.centres[event.town_id]

    def actor_label(self, event, action) -> str:
        if action in ("report", "report_handled", "rate", "reopen"):
            return event.reporter_name
        if action in ("start", "handle", "give_back"):
            return event.lead_unit.name if event.lead_unit else "处置单位"
        if action == "escalate" and event.escalation_count and event.late:
            return "system"
        return "指挥中心受理员"
