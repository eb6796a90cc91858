"""Demo night-construction filings in 南湖区: filings at its construction sites over the past
90 days in every state — approved (some in force tonight, some about to expire, most long
over), rejected, revoked, and fresh ones awaiting approval — deterministic from the seed.

Every filing is checked by the same rules as a real one (as of the day it was filed) and its
history is replayed through the workflow's transition table, with the engine's own stepping,
so each stored state is one the table reaches and its timeline leads to it. The histories lie
in the past, which the action functions (acting now) cannot write; the rows are saved here.
"""

import math
import random
from datetime import time, timedelta

from django.db import transaction
from django.utils import timezone

from gridgov.core import audit
from gridgov.core.numbers import next_number
from gridgov.core.validators import uscc_check_character
from gridgov.events.demo import load_demo_complaints
from gridgov.inspections.actions import TargetData, do_create_target
from gridgov.inspections.choices import TargetKind
from gridgov.inspections.models import InspectionTarget
from gridgov.org.choices import Role
from gridgov.org.demo import SEED_COUNTY, PeopleFactory
from gridgov.org.models import Staff
from gridgov.regions.locate import locate_point
from gridgov.regions.models import Region
from gridgov.workflow.engine import PublicActor

from . import nights
from .actions import FilingData, check_filing, new_filing, responsible_department
from .choices import FilingChannel
from .choices import FilingStatus as S
from .kpi import NOISE_CATEGORIES
from .models import FilingTimelineEntry, NightWorkFiling
from .workflow import FILING_WORKFLOW

DAYS = 90
FILINGS_PER_SITE = 5
SITES_IF_NONE = 6
HOURS = [(time(22), time(6)), (time(22), time(5)), (time(23), time(5)), (time(21), time(2))]
REASONS = [
    ("混凝土连续浇筑", "选用低噪声振捣设备，泵车远离居民楼一侧布置，设置隔声屏障"),
    ("钢结构吊装", "夜间禁止鸣笛和敲击作业，吊装指挥使用对讲机"),
    ("道路管网抢修", "施工区域设置围挡，切割作业安排在 23 时前完成"),
    ("桥梁预制梁架设", "运梁车限速进场，现场配专人监测噪声"),
    ("大体积承台浇筑", "商品混凝土车辆错峰进场，熄火等候，边界设噪声监测仪"),
]
COMPANIES = ["嘉兴市南湖建设工程有限公司", "浙江禾城建筑集团有限公司", "嘉兴嘉禾市政工程有限公司",
             "中铁某局集团嘉兴项目部", "浙江秀水路桥工程有限公司"]  # fmt: skip
REJECT_NOTES = ["施工理由不属于工艺连续性要求，请调整至昼间施工",
                "降噪措施不具体，请补充后重新报备"]  # fmt: skip
REVOKE_NOTE = "夜间多次被投诉且噪声监测超出承诺限值，撤销报备"
# (weight, history) of a filing; recent ones may still await the decision.
HISTORIES = [(70, ["submit", "approve"]), (15, ["submit", "reject"]),
             (8, ["submit", "approve", "revoke"])]  # fmt: skip


def _uscc(rng) -> str:
    chars = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    first17 = "91" + SEED_COUNTY + "".join(rng.choice(chars) for _ in range(9))
    return first17 + uscc_check_character(first17)


def _sites(county, rng, *, actor) -> list[InspectionTarget]:
    """The county's construction sites, or a few new ones when there are none."""
    sites = list(
        InspectionTarget.objects.filter(
            kind=TargetKind.CONSTRUCTION_SITE, county=county, is_active=True
        ).order_by("pk")
    )
    if sites:
        return sites
    towns = list(Region.objects.filter(parent=county).order_by("code"))
    for i in range(SITES_IF_NONE):
        town = towns[i % len(towns)]
        microgrid = (
            Region.objects.filter(level="microgrid", town=town, boundary__isnull=False)
            .order_by("code")
            .first()
        )
        if microgrid is None:
            continue
        short = town.name.removesuffix("街道").removesuffix("镇")
        sites.append(
            do_create_target(
                TargetData(
                    kind=TargetKind.CONSTRUCTION_SITE,
                    name=f"{short}{i + 1}号地块工地",
                    lon=microgrid.label_lon,
                    lat=microgrid.label_lat,
                    address=f"{town.name}{rng.randint(1, 300)}号",
                ),
                actor=actor,
            )
        )
    return sites


class _Demo:
    def __init__(self, rng, now, county):
        self.rng, self.now = rng, now
        self.people = PeopleFactory(rng.randint(0, 2**31))
        self.companies = {name: _uscc(rng) for name in COMPANIES}
        self.officers = {}
        self.county = county

    def officer_of(self, department) -> str:
        if department.pk not in self.officers:
            officer = (
                Staff.objects.filter(role=Role.OFFICER, department=department, is_active=True)
                .order_by("pk")
                .first()
            )
            self.officers[department.pk] = officer.name if officer else department.name
        return self.officers[department.pk]


def _weighted(rng, pairs):
    weights, values = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights)[0]


def _data(demo, site, first_night, count) -> FilingData:
    rng = demo.rng
    company = rng.choice(COMPANIES)
    start, end = rng.choice(HOURS)
    reason, measures = rng.choice(REASONS)
    return FilingData(
        site=site,
        company_name=company,
        company_uscc=demo.companies[company],
        contact_name=demo.people.name(),
        contact_phone=demo.people.phone(),
        first_night=first_night,
        last_night=first_night + timedelta(days=count - 1),
        start_time=start,
        end_time=end,
        reason=reason,
        noise_limit_db=rng.choice((50, 52, 55)),
        noise_measures=measures,
    )


def _history(demo, submitted_at, first_night, fresh: bool) -> list[str]:
    if fresh and demo.rng.random() < 0.5:
        return ["submit"]  # still with the department
    history = _weighted(demo.rng, HISTORIES)
    if "revoke" in history and first_night > timezone.localdate(demo.now):
        return history[:2]  # nothing to revoke before the work begins
    return history


def _play(demo, filing, history, submitted_at) -> list[FilingTimelineEntry]:
    """Walk the filing through its history with the engine's stepping; its timeline rows."""
    rng, at, entries = demo.rng, submitted_at, []
    officer = demo.officer_of(filing.department)
    for action in history:
        note, label = "", officer
        if action == "submit":
            label = "web:filing" if filing.channel == FilingChannel.PUBLIC else "四平台受理员"
        elif action in ("approve", "reject"):
            at = at + timedelta(hours=rng.uniform(0.5, 6))
            if at >= demo.now:
                break
            note = rng.choice(REJECT_NOTES) if action == "reject" else "同意夜间施工"
        elif action == "revoke":
            begin, _end = nights.window(filing.first_night, filing.start_time, filing.end_time)
            _begin, last_end = nights.window(filing.last_night, filing.start_time, filing.end_time)
            at = max(at, begin) + timedelta(hours=rng.uniform(2, 30))
            if at >= min(demo.now, last_end):
                break
            note = REVOKE_NOTE
        entries.append(
            FILING_WORKFLOW.history_step(filing, action, at, actor_label=label, note=note)
        )
    return entries


def _one(demo, site, submitted_at, first_night, count, *, fresh=False, history=None):
    public = demo.rng.random() < 0.4
    actor = PublicActor("web:filing") if public else "command:load_demo"
    data = _data(demo, site, first_night, count)
    checked = check_filing(data, actor=actor, now=submitted_at)  # the rules of that day
    filing = new_filing(data, checked, actor=actor, now=submitted_at)
    filing.channel = FilingChannel.PUBLIC if public else FilingChannel.STAFF
    filing.number = next_number("BB", NightWorkFiling, submitted_at)
    filing.version = 0
    history = history or _history(demo, submitted_at, first_night, fresh)
    entries = _play(demo, filing, history, submitted_at)
    filing.save()
    for seq, entry in enumerate(entries, start=1):
        entry.item, entry.seq = filing, seq
    return filing, entries


# Neighbours' noise complaints near a site (events, within COMPLAINT_RADIUS_M), on average
# every so many days before its first approved filing and after it: the seed's "市民投诉量也
# 显著下降" once filing, supervision and enforcement made one loop.
COMPLAINT_RADIUS_M = 150
DAYS_BETWEEN_COMPLAINTS = {"before": 40, "after": 120}


def _complaints_near(sites, filings, rng, now) -> list[tuple]:
    """(micro-grid, lon, lat, reported_at) of demo complaints around each site over the past
    year; the filings' first approval splits before from after, as the figures do."""
    approved = {}
    for filing in filings:
        if filing.decided_at is not None and filing.status in (S.APPROVED, S.REVOKED):
            first = approved.get(filing.site_id)
            approved[filing.site_id] = min(first, filing.decided_at) if first else filing.decided_at
    spots = []
    for site in sites:
        pivot = approved.get(site.pk, now)
        at = now - timedelta(days=365)
        while True:
            phase = "before" if at < pivot else "after"
            at += timedelta(days=rng.expovariate(1 / DAYS_BETWEEN_COMPLAINTS[phase]))
            if at >= now:
                break
            night = timezone.localtime(at).replace(
                hour=rng.choice((22, 23, 0, 1)), minute=rng.randint(0, 59)
            )
            spot = _near(site, rng)
            if spot is not None and night < now:
                spots.append((*spot, night))
    return spots


def _near(site, rng):
    """A point within COMPLAINT_RADIUS_M of the site, with its micro-grid, or None."""
    distance = COMPLAINT_RADIUS_M * math.sqrt(rng.random())
    bearing = rng.uniform(0, 2 * math.pi)
    lat = site.lat + distance * math.cos(bearing) / 111_320
    lon = site.lon + distance * math.sin(bearing) / (111_320 * math.cos(math.radians(site.lat)))
    microgrid = locate_point(lon, lat)
    return None if microgrid is None else (microgrid, lon, lat)


@transaction.atomic
def load_demo_filings(*, seed: int, actor, now=None) -> int:
    """Filings at 南湖区's construction sites over the past 90 days; a few valid tonight."""
    county = Region.objects.filter(code=SEED_COUNTY).first()
    if county is None:
        return 0
    rng = random.Random(seed)
    now = now or timezone.now()
    demo = _Demo(rng, now, county)
    sites = [s for s in _sites(county, rng, actor=actor) if responsible_department(s)]
    today = timezone.localdate(now)
    filings, timeline = [], []
    for i, site in enumerate(sites):
        for _ in range(FILINGS_PER_SITE):
            submitted_at = now - timedelta(days=rng.uniform(3, DAYS), hours=rng.uniform(0, 8))
            first = timezone.localdate(submitted_at) + timedelta(days=rng.randint(0, 3))
            made = _one(demo, site, submitted_at, first, rng.randint(1, 12))
            filings.append(made[0])
            timeline += made[1]
        # Every third site works tonight; every fourth files for the days ahead.
        if i % 3 == 0:
            submitted_at = now - timedelta(days=rng.randint(2, 6), hours=rng.uniform(1, 6))
            first = max(timezone.localdate(submitted_at), today - timedelta(days=rng.randint(0, 2)))
            made = _one(demo, site, submitted_at, first, rng.randint(4, 10),
                        history=["submit", "approve"])  # fmt: skip
            filings.append(made[0])
            timeline += made[1]
        if i % 4 == 1:
            submitted_at = now - timedelta(hours=rng.uniform(1, 20))
            first = today + timedelta(days=rng.randint(1, 3))
            made = _one(demo, site, submitted_at, first, rng.randint(2, 6), fresh=True)
            filings.append(made[0])
            timeline += made[1]
    FilingTimelineEntry.objects.bulk_create(timeline)
    load_demo_complaints(
        _complaints_near(sites, filings, rng, now),
        category_code=NOISE_CATEGORIES[0],
        seed=seed,
        actor=actor,
        now=now,
    )
    audit.record(
        "filings.load_demo",
        actor=actor,
        summary=f"{len(filings)} demo night-construction filings",
        changes={"count": len(filings), "sites": len(sites)},
    )
    return len(filings)
