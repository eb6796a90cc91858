"""Demo early warnings in 南湖区: the seed's rules, the warnings behind the demo's
warning-triggered inspections, and a live night of noise sensors.

- Rules: night-construction noise with a valid filing → a supervision check (夜间施工), without
  one → an enforcement task (夜间施工执法, a scenario made here from the same checklist); noise
  complaints around sites; market complaints around schools this month; cooking-fume and fire
  complaints; a filing about to expire; the third warning at a site in 30 days → an urgent
  event for the county; a fixed monitoring point.
- History: every inspection the inspections demo marked as warning-triggered (the seed's
  47.05%) gets the warning that raised it — with the signals that fired it, a timeline replayed
  through the warnings' transition table and a state that follows the inspection's — written in
  bulk. The share of warning-triggered inspections is unchanged: no inspection is added.
- Live: noise sensors at two construction sites and a monitoring station of 东栅街道 report
  last night through the intake, and the evaluator raises what the rules say, as the worker
  would (the station's peak: a warning and its event; the sites' bursts stay under the rules),
  with the filings about to expire.
"""

import random
from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from gridgov.core import audit
from gridgov.core.numbers import set_counters
from gridgov.inspections.actions import ChecklistData, ScenarioData, do_create_scenario
from gridgov.inspections.choices import InspectionStatus, TargetKind, Trigger
from gridgov.inspections.models import InspectionTarget, InspectionTask, Scenario
from gridgov.org.demo import DEMO_TOWN, SEED_COUNTY
from gridgov.regions.models import Region

from . import actions
from .choices import WarningStatus
from .engine import WARNING_KIND, WARNING_SOURCE
from .evaluation import SIGNALS_CURSOR, evaluate_new_signals, forget_engine
from .intake import ingest_expiring_filings
from .models import Cursor, EarlyWarning, Signal, SignalSource, WarningTimelineEntry
from .workflow import WARNING_WORKFLOW

NIGHT = {"from": "22:00", "to": "06:00"}
SITES = ["construction_site"]
SUPERVISION, ENFORCEMENT = "YJSG", "YJZF"  # codes after the county's: 330402-YJSG


def _rules(county, scenarios: dict[str, Scenario]) -> list[tuple[str, str, dict]]:
    """(key, name, definition) of the seed's rules; a rule whose scenario the demo lacks asks
    for an event instead."""

    def inspect(code, category):
        scenario = scenarios.get(code)
        if scenario is None:
            return {"type": "event", "category": category}
        return {"type": "inspection", "scenario": scenario.code}

    noise = {
        "signals": {"sources": ["noise"], "kinds": ["noise_db"]},
        "condition": {"type": "duration", "at_least": 55, "minutes": 10},
        "scope": {"type": "near_targets", "target_kinds": SITES, "radius_m": 100},
        "time_of_day": NIGHT,
    }
    centre = Region.objects.filter(code=DEMO_TOWN).first() or county
    return [
        ("noise_filed", "夜间施工噪声超标（有报备）→ 监管检查",
         {**noise, "filing": "require", "action": inspect(SUPERVISION, "0201")}),
        ("noise_unfiled", "夜间施工噪声超标（未报备）→ 执法检查",
         {**noise, "filing": "forbid", "action": inspect(ENFORCEMENT, "0201")}),
        ("site_complaints", "工地周边一周内3次夜间噪声投诉",
         {"signals": {"sources": ["complaints"], "kinds": ["0201"]},
          "condition": {"type": "count", "at_least": 3}, "window": {"days": 7},
          "scope": {"type": "near_targets", "target_kinds": SITES, "radius_m": 200},
          "time_of_day": NIGHT, "action": inspect(SUPERVISION, "0201")}),
        ("school_market", "学校200米内本月2次市场监管投诉",
         {"signals": {"sources": ["complaints"], "kinds": ["06*"]},
          "condition": {"type": "count", "at_least": 2}, "window": {"calendar": "month"},
          "scope": {"type": "near_targets", "target_kinds": ["school"], "radius_m": 200},
          "action": inspect("XYZB", "0602")}),
        ("fumes", "餐饮店周边一周内2次油烟投诉",
         {"signals": {"sources": ["complaints"], "kinds": ["0202"]},
          "condition": {"type": "count", "at_least": 2}, "window": {"days": 7},
          "scope": {"type": "near_targets", "target_kinds": ["restaurant"], "radius_m": 100},
          "action": inspect("CYYY", "0202")}),
        ("fire", "经营场所周边一周内2次消防隐患投诉",
         {"signals": {"sources": ["complaints"], "kinds": ["08*"]},
          "condition": {"type": "count", "at_least": 2}, "window": {"days": 7},
          "scope": {"type": "near_targets", "radius_m": 100,
                    "target_kinds": ["shop", "hotel", "venue", "market", "enterprise"]},
          "action": inspect("XFAQ", "0801")}),
        ("expiring", "夜间施工报备3天内到期",
         {"signals": {"sources": ["filing-expiry"]},
          "condition": {"type": "threshold", "at_most": 3},
          "scope": {"type": "own_target", "target_kinds": SITES},
          "action": {"type": "event", "category": "1101"}}),
        ("station", "东栅噪声自动监测站超过70分贝",
         {"signals": {"sources": ["noise"], "kinds": ["noise_db"]},
          "condition": {"type": "threshold", "at_least": 70},
          "scope": {"type": "near_point", "lon": centre.label_lon or 120.77,
                    "lat": centre.label_lat or 30.75, "radius_m": 300},
          "action": {"type": "event", "category": "0201"}}),
    ]  # fmt: skip


# The demo's warning-triggered inspections, by scenario: the rules that would have raised them.
RULES_OF_SCENARIO = {
    SUPERVISION: ("noise_filed", "site_complaints"),
    "XYZB": ("school_market",),
    "CYYY": ("fumes",),
    "XFAQ": ("fire",),
}


def load_demo_alerts(*, seed: int, actor, now=None) -> dict:
    county = Region.objects.filter(code=SEED_COUNTY).first()
    if county is None:
        return {"rules": 0, "warnings": 0, "signals": 0}
    rng = random.Random(seed)  # noqa: S311 - demo data, not secrets
    now = now or timezone.now()
    with transaction.atomic():
        scenarios = _scenarios(county, actor)
        rules = {}
        for key, name, definition in _rules(county, scenarios):
            rules[key] = actions.do_create_rule(
                actions.RuleData(name=name, jurisdiction=county, definition=definition),
                actor=actor,
            )
        repeated = [rules[k].pk for k in ("noise_filed", "noise_unfiled", "site_complaints")]
        rules["repeated"] = actions.do_create_rule(
            actions.RuleData(
                name="同一工地30天内第3次预警 → 区级紧急事件",
                jurisdiction=county,
                definition={
                    "condition": {"type": "repeated", "at_least": 3, "rules": repeated},
                    "window": {"days": 30},
                    "action": {
                        "type": "event",
                        "category": "0201",
                        "priority": "urgent",
                        "level": "county",
                    },
                },
            ),
            actor=actor,
        )
        history = _history(county, rules, rng, now)
        live = _live(county, rng, now, actor)
        audit.record(
            "alerts.load_demo",
            actor=actor,
            summary=f"{len(rules)} rules, {history} past warnings",
            changes={"rules": len(rules), "history": history, **live},
        )
    return {"rules": len(rules), "warnings": EarlyWarning.objects.count(), **live}


def _scenarios(county, actor) -> dict[str, Scenario]:
    """The county's scenarios by short code, and the enforcement one made from the night-
    construction checklist (its comprehensive-enforcement and housing checks)."""
    found = {
        s.code.removeprefix(f"{county.code}-"): s
        for s in Scenario.objects.filter(jurisdiction=county, is_active=True)
    }
    night = found.get(SUPERVISION)
    if night is not None and ENFORCEMENT not in found:
        items = [i for i in night.checklist.all() if i.department_kind in night.department_kinds]
        kinds = sorted({i.department_kind for i in items} - {"ecology"})
        found[ENFORCEMENT] = do_create_scenario(
            ScenarioData(
                jurisdiction=county,
                code=f"{county.code}-{ENFORCEMENT}",
                name="夜间施工执法",
                description="未报备夜间施工的查处：噪声预警触发的执法检查。",
                department_kinds=kinds,
                target_kinds=[TargetKind.CONSTRUCTION_SITE],
                yearly_cap=12,
                checklist=[
                    ChecklistData(
                        i.department_kind, i.text, i.inspection_power_id, i.penalty_power_id
                    )
                    for i in items
                    if i.department_kind in kinds
                ],
            ),
            actor=actor,
        )
    return found


# --- History --------------------------------------------------------------------------------

STATE_OF_TASK = {
    InspectionStatus.PLANNED: ["raise"],
    InspectionStatus.ASSIGNED: ["raise", "handle"],
    InspectionStatus.INSPECTING: ["raise", "handle"],
    InspectionStatus.INSPECTED: ["raise", "handle"],
    InspectionStatus.CLOSED: ["raise", "handle", "close"],
    InspectionStatus.CANCELLED: ["raise", "dismiss"],
}
NOTES = {
    "handle": "已派发检查任务，现场核查中",
    "close": "检查完成，问题已整改",
    "dismiss": "经核实为设备误报",
}


class _History:
    def __init__(self, rules, rng, now):
        self.rules, self.rng, self.now = rules, rng, now
        self.sources = dict(SignalSource.objects.values_list("code", "pk"))
        self.signals, self.warnings, self.timelines, self.counters = [], [], [], {}
        self.serial = 0

    def number(self, at) -> str:
        day = timezone.localdate(at)
        self.counters[day] = self.counters.get(day, 0) + 1
        return f"YJ{day:%Y%m%d}{self.counters[day]:06d}"

    def signal(self, source, kind, at, lon, lat, value, device="", target=None):
        self.serial += 1
        row = Signal(
            source_id=self.sources[source], external_id=f"demo-{self.serial:06d}", kind=kind,
            value=value, unit="dB(A)" if source == "noise" else "", observed_at=at, lon=lon,
            lat=lat, device=device, target_id=target, received_at=at + timedelta(seconds=2),
        )  # fmt: skip
        self.signals.append(row)
        return row


def _history(county, rules, rng, now) -> int:
    tasks = (
        InspectionTask.objects.filter(county=county, trigger=Trigger.WARNING)
        .select_related("scenario", "target")
        .order_by("created_at", "pk")
    )
    h = _History(rules, rng, now)
    latest: dict[tuple, EarlyWarning] = {}
    for task in tasks:
        keys = RULES_OF_SCENARIO.get(task.scenario.code.removeprefix(f"{county.code}-"))
        if not keys:
            continue
        rule = rules[rng.choice(keys)]
        warning, signals = _past_warning(h, rule, task)
        key = (rule.pk, warning.subject)
        earlier = latest.get(key)
        if earlier is not None and earlier.status in (WarningStatus.NEW, WarningStatus.HANDLED):
            _close(earlier, warning.fired_at - timedelta(minutes=5), h)
        latest[key] = warning
        h.warnings.append((warning, task, signals))
    if not h.warnings:
        return 0
    Signal.objects.bulk_create(h.signals, batch_size=2000)
    rows = []
    for warning, _task, signals in h.warnings:
        warning.signal_ids = [s.pk for s in signals]
        rows.append(warning)
    EarlyWarning.objects.bulk_create(rows, batch_size=1000)
    for warning, entries in h.timelines:
        for entry in entries:
            entry.item_id = warning.pk
    WarningTimelineEntry.objects.bulk_create(
        [e for _w, entries in h.timelines for e in entries], batch_size=5000
    )
    # What each warning left for the repeated-warnings rule, as the worker leaves it.
    source = h.sources[WARNING_SOURCE]
    Signal.objects.bulk_create(
        [
            Signal(
                source_id=source,
                external_id=w.number,
                kind=WARNING_KIND,
                value=1.0,
                observed_at=w.last_signal_at,
                lon=w.lon,
                lat=w.lat,
                device=f"rule:{w.rule_id}",
                target_id=w.target_id,
                received_at=w.fired_at,
            )
            for w in rows
        ],
        batch_size=2000,
    )
    for warning, task, _signals in h.warnings:
        task.trigger_ref = warning.number
    InspectionTask.objects.bulk_update([t for _w, t, _s in h.warnings], ["trigger_ref"])
    set_counters("YJ", h.counters)
    # The worker starts after the history: it was evaluated when it happened.
    Cursor.objects.update_or_create(
        name=SIGNALS_CURSOR, defaults={"position": Signal.objects.order_by("-pk")[0].pk}
    )
    return len(rows)


def _past_warning(h: _History, rule, task):
    """The warning a task's rule raised just before the task was created, and its signals."""
    target, d = task.target, rule.current.definition
    end = task.created_at - timedelta(minutes=h.rng.randint(2, 40))
    signals = []
    if d["condition"]["type"] == "duration":
        night = timezone.make_aware(datetime.combine(timezone.localdate(end), time(23, 5)))
        if night > end:
            night -= timedelta(days=1)
        end = night + timedelta(minutes=h.rng.randint(0, 200))
        for minute in range(11):
            at = end - timedelta(minutes=10 - minute)
            signals.append(
                h.signal("noise", "noise_db", at, target.lon + 0.0003, target.lat,
                         round(h.rng.uniform(56, 72), 1), device=f"NH-ZS-{target.pk:04d}")
            )  # fmt: skip
    else:
        kinds = d["signals"]["kinds"]
        count = d["condition"]["at_least"]
        night = "time_of_day" in d
        for i in range(count):
            at = end - timedelta(hours=(count - 1 - i) * h.rng.uniform(2, 30))
            if night:
                at = timezone.make_aware(datetime.combine(timezone.localdate(at), time(23, i * 7)))
                at = min(at, end)
            kind = kinds[0].replace("*", str(h.rng.randint(1, 5)).zfill(2))
            signals.append(h.signal("complaints", kind, at, target.lon, target.lat + 0.0004, 1.0))
    signals.sort(key=lambda s: s.observed_at)
    fired = signals[-1].observed_at + timedelta(seconds=h.rng.randint(1, 4))
    warning = EarlyWarning(
        number=h.number(fired),
        rule=rule,
        rule_version=rule.current,
        subject=f"target:{target.pk}",
        target=target,
        lon=target.lon,
        lat=target.lat,
        summary=f"{rule.name}：{target.name}，{len(signals)} 条信号"[:255],
        signal_count=len(signals),
        first_signal_at=signals[0].observed_at,
        last_signal_at=signals[-1].observed_at,
        value=max((s.value for s in signals), default=None)
        if signals[0].kind == "noise_db"
        else None,
        action_type=d["action"]["type"],
        inspection=task if d["action"]["type"] == "inspection" else None,
        fired_at=fired,
        version=0,
    )
    warning.place_in(target)
    steps = STATE_OF_TASK[task.status]
    entries = _play(warning, steps, fired, task, h)
    h.timelines.append((warning, entries))
    return warning, signals


def _play(warning, steps, fired, task, h) -> list:
    entries, at = [], fired
    for action in steps:
        if action != "raise":
            at = max(at, task.created_at) + timedelta(hours=h.rng.uniform(0.5, 30))
            if at > h.now:
                break
        entries.append(_step(warning, action, at))
    return entries


def _step(warning, action, at) -> WarningTimelineEntry:
    return WARNING_WORKFLOW.history_step(
        warning, action, at, actor_label=actions.ACTOR if action == "raise" else "demo",
        note=NOTES.get(action, ""),
    )  # fmt: skip


def _close(warning, at, h) -> None:
    """An earlier warning at the same target: closed before the next one was raised."""
    entries = next(e for w, e in h.timelines if w is warning)
    at = min(max(at, entries[-1].at + timedelta(minutes=1)), h.now)
    if warning.status == WarningStatus.NEW:
        entries.append(_step(warning, "handle", at))
    entries.append(_step(warning, "close", at))


# --- Live: last night's sensors -------------------------------------------------------------


def _live(county, rng, now, actor) -> dict:
    """Two construction sites of 东栅街道 with a noise sensor each, and the town's monitoring
    station, reporting last night every two minutes; the worker's evaluation over them."""
    sites = list(
        InspectionTarget.objects.filter(
            town__code=DEMO_TOWN, kind=TargetKind.CONSTRUCTION_SITE, is_active=True
        ).order_by("pk")[:2]
    )
    station = next(r for r in _rules(county, {}) if r[0] == "station")[2]["scope"]
    points = [(f"NH-ZS-{s.pk:04d}", s.lon + 0.0003, s.lat) for s in sites]
    points.append(("NH-ZS-STATION", station["lon"], station["lat"]))
    evening = timezone.make_aware(
        datetime.combine(timezone.localdate(now) - timedelta(days=1), time(21, 0))
    )
    rows = []
    for device, lon, lat in points:
        loud_from = rng.randint(60, 300)  # minutes after 21:00 when the loud work starts
        for step in range(0, 9 * 60, 2):
            at = evening + timedelta(minutes=step)
            if at > now:
                break
            base = 48 + rng.gauss(0, 2)
            # Short bursts at the sites (under the ten minutes the rules wait for), one peak
            # at the station: last night raised the station's warning only.
            loud = device != "NH-ZS-STATION" and loud_from <= step < loud_from + 8
            peak = device == "NH-ZS-STATION" and step == 200
            value = 76.5 if peak else base + (14 if loud else 0)
            rows.append(
                {"source": "noise", "id": f"{device}-{at:%Y%m%d%H%M}", "value": round(value, 1),
                 "observed_at": at.isoformat(), "lon": lon, "lat": lat, "device": device}
            )  # fmt: skip
    fed = 0
    for start in range(0, len(rows), actions.MAX_BATCH):
        fed += actions.do_feed_signals(rows[start : start + actions.MAX_BATCH], actor=actor)[
            "accepted"
        ]
    expiring = ingest_expiring_filings(now)["signals"]  # the filings demo's, if loaded
    forget_engine()
    result = evaluate_new_signals()
    return {"signals": fed + expiring, "live_warnings": result["warnings"]}
