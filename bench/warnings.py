#!/usr/bin/env python

"""Benchmark: the early-warning evaluator and the latency from a signal to its warning.

Prints, measured in one run, on SQLite and on PostgreSQL:
  * throughput: --signals signals (default 1,000,000: noise readings from 1,500 sensors every
    five minutes over two nights and days, air and water readings, complaints, expiring
    filings) against 50 rules over --targets targets (default 20,000), all read back from the
    database in id order as the worker reads them:
      - the evaluator alone (`Engine.process`, firings counted, nothing written) over rows
        read with values_list in batches: signals/s including the reads (goal >= 50,000/s),
        and the share of that time spent reading;
      - the worker's own path (`evaluate_new_signals`: batches under the cursor lock, warnings
        and their events written): signals/s, warnings raised and firings held back;
    and, as side figures, how fast the signals were inserted (the intake's executemany).
  * latency: the production stack of `run_stack` (production settings; gunicorn with 2 sync
    workers, `run_worker --interval 1`, the clock), a technical account's API token, and
    --posts single `POST /api/v1/signals` (one reading above a rule's threshold at a different
    target each, from 2 clients at about --rate per second): the time from sending a signal
    to its warning existing (the warning's `fired_at`, same machine's clock), p50 / p99 / max
    (goal p99 < 5 s), and failures (every signal answered 201, every warning raised).

Each database is made afresh: var/bench/warnings.sqlite3, and the PostgreSQL database
`gridgov_bench_warnings` (dropped at the end unless --keep). Django's settings are per process,
so each database is prepared and measured in child processes of this script (`--phase`).

    .venv/bin/python bench/warnings.py --quick      # smoke run: 100,000 signals, 5,000 targets
    .venv/bin/python bench/warnings.py              # the full run
"""

import argparse
import http.client
import json
import math
import os
import random
import signal
import statistics
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

from harness import (
    BENCH_DIR,
    PG_SERVER,
    ROOT,
    Stack,
    api_headers,
    pg_admin,
    pg_available,
    production_env,
    run_phase,
)

sys.path.insert(0, str(ROOT))
SQLITE_DB = BENCH_DIR / "warnings.sqlite3"
KEYS_FILE = BENCH_DIR / "warnings-keys.json"
PG_NAME = "gridgov_bench_warnings"
GOAL_RATE = 50_000
GOAL_P99_S = 5.0
FULL = {"signals": 1_000_000, "targets": 20_000, "posts": 300}
QUICK = {"signals": 100_000, "targets": 5_000, "posts": 60}
LATENCY_RULE = "bench: 噪声超过 90 dB(A) 即预警"


# --- Child phases ---------------------------------------------------------------------------


def phase_prepare(options) -> dict:
    """Migrate, load the small demo without events, add the bench's targets and sources."""
    from io import StringIO

    from django.core.management import call_command

    from gridgov.alerts.models import SignalSource

    call_command("migrate", verbosity=0, interactive=False)
    call_command("load_demo", scale="small", events=0, stdout=StringIO())
    started = time.perf_counter()
    made = make_targets(options.targets, random.Random(7))
    for code, name, metric, unit, high in (
        ("air", "空气质量监测", "pm25", "μg/m³", 1000),
        ("water", "河道水位监测", "water_level", "m", 20),
    ):
        SignalSource.objects.get_or_create(
            code=code,
            defaults={"name": name, "kind": "sensor", "metric": metric, "unit": unit,
                      "min_value": 0, "max_value": high},
        )  # fmt: skip
    return {"targets": made, "seconds": time.perf_counter() - started}


TARGET_KINDS = [
    ("construction_site", 10), ("school", 6), ("restaurant", 22), ("shop", 30),
    ("market", 4), ("hotel", 6), ("venue", 4), ("enterprise", 18),
]  # fmt: skip


def make_targets(count: int, rng: random.Random) -> int:
    """`count` active targets around the micro-grids' label points, written in bulk (a
    benchmark's fixture: the action checks each one's place, which the label point is)."""
    from gridgov.inspections.models import InspectionTarget
    from gridgov.regions.models import Region

    microgrids = list(Region.objects.filter(level="microgrid", label_lon__isnull=False))
    kinds, weights = zip(*TARGET_KINDS, strict=True)
    rows = []
    for i in range(count):
        home = rng.choice(microgrids)
        target = InspectionTarget(
            kind=rng.choices(kinds, weights)[0],
            name=f"压测对象{i:05d}",
            lon=home.label_lon + rng.uniform(-0.003, 0.003),
            lat=home.label_lat + rng.uniform(-0.003, 0.003),
        )
        target.place_in(home)
        rows.append(target)
    InspectionTarget.objects.bulk_create(rows, batch_size=2000)
    return count


def bench_rules(county_code: str, rng: random.Random) -> list[tuple[str, dict]]:
    """Fifty rules of every condition and scope, all raising events."""
    event = {"type": "event", "category": "0201"}
    night = {"from": "22:00", "to": "06:00"}
    noise = {"sources": ["noise"], "kinds": ["noise_db"]}
    rules = []
    for limit in (55, 60, 65):
        for filing in ("require", "forbid", "ignore"):
            rules.append((f"夜间噪声{limit}持续10分钟({filing})", {
                "signals": noise, "time_of_day": night, "filing": filing, "action": event,
                "condition": {"type": "duration", "at_least": limit, "minutes": 10},
                "scope": {"type": "near_targets", "target_kinds": ["construction_site"],
                          "radius_m": 100},
            }))  # fmt: skip
    for limit, kinds in ((85, ["construction_site"]), (90, ["school"]), (95, ["hotel"]),
                         (100, ["market", "venue"])):  # fmt: skip
        rules.append((f"噪声超过{limit}", {
            "signals": noise, "action": event,
            "condition": {"type": "threshold", "at_least": limit},
            "scope": {"type": "near_targets", "target_kinds": kinds, "radius_m": 200},
        }))  # fmt: skip
    complaint_kinds = ["0201", "0202", "06*", "08*", "01*", "0401", "0501", "0704", "0206",
                       "0301"]  # fmt: skip
    scope_kinds = [["construction_site"], ["restaurant"], ["school"], ["shop", "market"],
                   ["enterprise"], ["hotel", "venue"]]  # fmt: skip
    for i in range(20):
        kind = complaint_kinds[i % len(complaint_kinds)]
        rules.append((f"投诉{kind}#{i}", {
            "signals": {"sources": ["complaints"], "kinds": [kind]}, "action": event,
            "condition": {"type": "count", "at_least": 3 + i % 4},
            "window": {"days": 1 + i % 7} if i % 5 else {"calendar": "month"},
            "scope": {"type": "near_targets", "target_kinds": scope_kinds[i % len(scope_kinds)],
                      "radius_m": 100 + 50 * (i % 4)},
            **({"time_of_day": night} if i % 3 == 0 else {}),
        }))  # fmt: skip
    for limit in (150, 250, 350):
        rules.append((f"PM2.5超过{limit}", {
            "signals": {"sources": ["air"]}, "action": event,
            "condition": {"type": "threshold", "at_least": limit},
            "scope": {"type": "near_targets", "target_kinds": ["school", "enterprise"],
                      "radius_m": 300},
        }))  # fmt: skip
    rules.append(("PM2.5持续超过115", {
        "signals": {"sources": ["air"]}, "action": event,
        "condition": {"type": "duration", "at_least": 115, "minutes": 60, "max_gap_minutes": 15},
        "scope": {"type": "near_targets", "target_kinds": ["school"], "radius_m": 500},
    }))  # fmt: skip
    for i in range(3):
        lon, lat = 120.70 + 0.05 * i, 30.70 + 0.03 * i
        rules.append((f"水位点{i}", {
            "signals": {"sources": ["water"]}, "action": event,
            "condition": {"type": "threshold", "at_least": 4.5},
            "scope": {"type": "near_point", "lon": lon, "lat": lat, "radius_m": 2000},
        }))  # fmt: skip
    for i in range(5):
        lon, lat = 120.72 + 0.04 * i, 30.72 + 0.02 * i
        rules.append((f"噪声监测点{i}", {
            "signals": noise, "action": event, "condition": {"type": "threshold", "at_least": 80},
            "scope": {"type": "near_point", "lon": lon, "lat": lat, "radius_m": 1500},
        }))  # fmt: skip
    rules.append(("报备3天内到期", {
        "signals": {"sources": ["filing-expiry"]}, "action": event,
        "condition": {"type": "threshold", "at_most": 3},
        "scope": {"type": "own_target", "target_kinds": ["construction_site"]},
    }))  # fmt: skip
    rules.append(("报备当天到期", {
        "signals": {"sources": ["filing-expiry"]}, "action": event,
        "condition": {"type": "threshold", "at_most": 0},
        "scope": {"type": "own_target"},
    }))  # fmt: skip
    for n in (2, 3, 5):
        rules.append((f"30天内第{n}次预警", {
            "condition": {"type": "repeated", "at_least": n}, "window": {"days": 30},
            "action": {**event, "priority": "urgent"},
        }))  # fmt: skip
    assert len(rules) == 50, len(rules)
    return rules


def create_rules(county, actor="bench") -> list:
    from gridgov.alerts.actions import RuleData, do_create_rule
    from gridgov.alerts.models import Rule

    Rule.objects.update(is_active=False)  # the demo's: only the bench's are measured
    return [
        do_create_rule(RuleData(name=name, jurisdiction=county, definition=d), actor=actor)
        for name, d in bench_rules(county.code, random.Random(3))
    ]


def make_signals(count: int, rng: random.Random) -> int:
    """`count` signals in arrival (= time) order, inserted with the intake's executemany."""
    from django.db import transaction
    from django.utils import timezone

    from gridgov.alerts import actions
    from gridgov.alerts.models import SignalSource
    from gridgov.inspections.models import InspectionTarget

    sources = dict(SignalSource.objects.values_list("code", "pk"))
    targets = list(
        InspectionTarget.objects.filter(is_active=True).values_list("pk", "kind", "lon", "lat")
    )
    sites = [t for t in targets if t[1] == "construction_site"]
    now = timezone.now().replace(second=0, microsecond=0)
    noise_share, air_share, water_share, complaint_share = 0.86, 0.08, 0.02, 0.035
    # Noise: sensors every five minutes over the last two days, some loud runs at night.
    devices = sites[: max(1, min(1500, int(count * noise_share / 576)))]
    per_device = max(1, int(count * noise_share / len(devices)))
    start = now - timedelta(minutes=5 * per_device)
    loud = {d[0]: rng.randrange(per_device) for d in rng.sample(devices, len(devices) // 10)}
    rows = []

    def add(source, kind, value, at, lon, lat, device="", target=None, unit=""):
        rows.append({
            "source_id": sources[source], "external_id": f"b{len(rows)}", "kind": kind,
            "value": value, "unit": unit, "observed_at": at, "lon": lon, "lat": lat,
            "device": device, "target_id": target, "payload": {},
        })  # fmt: skip

    for step in range(per_device):
        at = start + timedelta(minutes=5 * step)
        for pk, _kind, lon, lat in devices:
            value = 45 + rng.gauss(0, 4)
            if pk in loud and loud[pk] <= step < loud[pk] + 6:
                value += 20
            if rng.random() < 0.0002:
                value = 92.0
            add("noise", "noise_db", round(value, 1), at, lon + 0.0004, lat, f"NS-{pk}",
                unit="dB(A)")  # fmt: skip
    others = count - len(rows)
    span = (now - start).total_seconds()
    extra = []
    for _ in range(others):
        r = rng.random() * (1 - noise_share)
        at = start + timedelta(seconds=rng.uniform(0, span))
        pk, _kind, lon, lat = rng.choice(targets)
        lon, lat = lon + rng.uniform(-0.002, 0.002), lat + rng.uniform(-0.002, 0.002)
        if r < air_share:
            value = round(abs(rng.gauss(60, 40)), 1)
            extra.append(("air", "pm25", value, at, lon, lat, f"AQ-{pk % 300}", None, "μg/m³"))
        elif r < air_share + water_share:
            value = round(rng.uniform(2, 4.7), 2)
            extra.append(("water", "water_level", value, at, lon, lat, f"SW-{pk % 50}", None, "m"))
        elif r < air_share + water_share + complaint_share:
            kind = rng.choice(["0201", "0202", "0601", "0602", "0801", "0101", "0401", "0501",
                               "0704", "0206", "0301"])  # fmt: skip
            extra.append(("complaints", kind, 1.0, at, lon, lat, "", None, ""))
        else:
            site = rng.choice(sites)
            left = float(rng.randint(0, 7))
            extra.append(
                ("filing-expiry", "filing_expiry", left, at, site[2], site[3], "", site[0], "days")
            )
    # Arrival order is time order: merge the others into the noise stream by time.
    for source, kind, value, at, lon, lat, device, target, unit in extra:
        add(source, kind, value, at, lon, lat, device, target, unit)
    rows.sort(key=lambda r: r["observed_at"])
    for i, row in enumerate(rows):
        row["external_id"] = f"b{i}"
    with transaction.atomic():
        for begin in range(0, len(rows), 20_000):
            actions.insert_signals(rows[begin : begin + 20_000], now)
    return len(rows)


def phase_throughput(options) -> dict:
    from django.db import connection
    from django.db.models import Max

    from gridgov.alerts.engine import Engine, Targets
    from gridgov.alerts.evaluation import (
        _batches,
        active_rules,
        evaluate_new_signals,
        forget_engine,
        load_filings,
        source_pks,
    )
    from gridgov.alerts.models import Cursor, EarlyWarning, Signal
    from gridgov.regions.models import Region

    county = Region.objects.get(level="city")
    create_rules(county)
    rng = random.Random(11)
    started = time.perf_counter()
    made = make_signals(options.signals, rng)
    insert_seconds = time.perf_counter() - started
    first = Signal.objects.filter(external_id="b0").values_list("pk", flat=True).get()
    Cursor.objects.update_or_create(name="signals", defaults={"position": first - 1})
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE alerts_signal")

    # The evaluator alone over rows read from the database, firings only counted.
    rules = active_rules(source_pks())
    engine = Engine.build(rules, Targets.load(), load_filings())
    firings = 0

    def count(firing):
        nonlocal firings
        firings += 1

    read = evaluated = 0.0
    fed = 0
    batches = _batches(Signal.objects.filter(pk__gte=first), size=20_000)
    while True:
        t0 = time.perf_counter()
        rows = next(batches, None)
        t1 = time.perf_counter()
        if rows is None:
            break
        fed += engine.process(rows, count)
        read += t1 - t0
        evaluated += time.perf_counter() - t1
    # The worker's own path, from the same cursor: warnings and their events written.
    forget_engine()
    t0 = time.perf_counter()
    worker = evaluate_new_signals(max_seconds=10**6)
    worker_seconds = time.perf_counter() - t0
    last = Signal.objects.aggregate(last=Max("pk"))["last"]
    return {
        "signals": made,
        "rules": len(rules),
        "targets": len(engine.targets.rows),
        "insert_rows_per_s": made / insert_seconds,
        "fed": fed,
        "firings": firings,
        "evaluator_rate": fed / (read + evaluated),
        "evaluate_only_rate": fed / evaluated,
        "read_share": read / (read + evaluated),
        "worker_rate": worker["signals"] / worker_seconds,
        "worker_seconds": worker_seconds,
        "worker": worker,
        "warnings": EarlyWarning.objects.count(),
        "cursor_at_end": Cursor.objects.get(name="signals").position == last,
    }


def phase_latency_setup(options) -> dict:
    """One rule for the latency run (the bench's 50 switched off), a technical account with a
    token, and the targets each posted signal names."""
    from django.contrib.auth import get_user_model

    from gridgov.accounts.actions import do_issue_token
    from gridgov.alerts.actions import RuleData, do_create_rule
    from gridgov.alerts.models import Rule
    from gridgov.inspections.models import InspectionTarget
    from gridgov.org.actions import StaffData, do_create_account, do_create_staff
    from gridgov.org.choices import Role
    from gridgov.regions.models import Region

    Rule.objects.update(is_active=False)
    city = Region.objects.get(level="city")
    do_create_rule(
        RuleData(
            name=LATENCY_RULE,
            jurisdiction=city,
            definition={
                "signals": {"sources": ["noise"]},
                "condition": {"type": "threshold", "at_least": 90},
                "scope": {"type": "own_target"},
                "action": {"type": "event", "category": "0201"},
            },
        ),
        actor="bench",
    )
    admin = get_user_model().objects.get(username="admin")
    staff = do_create_staff(StaffData("噪声监测网关（压测）", Role.INTEGRATION, city), actor=admin)
    user = do_create_account(staff, actor=admin, username="bench-gateway", password="x" * 24)
    _token, secret = do_issue_token(user, actor=admin, name="bench/warnings.py")
    targets = list(
        InspectionTarget.objects.filter(is_active=True, name__startswith="压测对象")
        .order_by("pk")
        .values_list("pk", "lon", "lat")[: options.posts]
    )
    return {"secret": secret, "targets": targets}


def phase_latency_read(options) -> dict:
    from gridgov.alerts.models import EarlyWarning

    warnings = EarlyWarning.objects.filter(rule__name=LATENCY_RULE)
    return {
        "fired": {str(t): w.timestamp() for t, w in warnings.values_list("target_id", "fired_at")},
        "events": warnings.filter(event__isnull=False).count(),
    }


# --- The server (as bench/events.py, with run_stack's clock) --------------------------------


def post_signals(port, headers, targets, rate: float) -> dict:
    """One reading per target, from 2 client threads, paced at about `rate` per second."""
    sent, failures, samples = {}, 0, []
    lock = threading.Lock()
    queue = iter(enumerate(targets))
    started = time.monotonic()

    def client():
        nonlocal failures
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while True:
            with lock:
                item = next(queue, None)
            if item is None:
                break
            i, (pk, lon, lat) = item
            pause = started + i / rate - time.monotonic()
            if pause > 0:
                time.sleep(pause)
            body = {"source": "noise", "id": f"lat-{pk}", "value": 95.0, "lon": lon, "lat": lat,
                    "target": pk, "device": "bench", "observed_at": _now_iso()}  # fmt: skip
            t = time.time()
            try:
                conn.request("POST", "/api/v1/signals", body=json.dumps(body), headers=headers)
                response = conn.getresponse()
                content = response.read()
                status = response.status
            except (OSError, http.client.HTTPException) as exc:
                conn.close()
                status, content = 0, repr(exc).encode()
            with lock:
                sent[str(pk)] = t
                if status != 201:
                    failures += 1
                    if len(samples) < 3:
                        samples.append(f"{status} {content[:200].decode(errors='replace')}")
        conn.close()

    threads = [threading.Thread(target=client) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"sent": sent, "failures": failures, "samples": samples,
            "seconds": time.monotonic() - started}  # fmt: skip


def _now_iso() -> str:
    from datetime import datetime, timezone

    return datetime.now(timezone.utc).isoformat()  # noqa: UP017 - before Django is set up


def bench_latency(label, env, posts, rate, wait_s=30.0) -> dict:
    setup = run_phase(__file__, "latency-setup", env, posts=posts)
    headers = api_headers(setup["secret"])
    stack = Stack(env, BENCH_DIR / f"warnings-stack-{label.lower()}.log", clock=True)
    try:
        stack.wait_ready(headers)
        run = post_signals(stack.port, headers, setup["targets"], rate)
        deadline = time.monotonic() + wait_s
        while True:
            read = run_phase(__file__, "latency-read", env)
            if len(read["fired"]) >= len(run["sent"]) or time.monotonic() > deadline:
                break
            time.sleep(1)
    finally:
        stack.stop()
    latencies = sorted(
        read["fired"][pk] - t for pk, t in run["sent"].items() if pk in read["fired"]
    )
    missing = len(run["sent"]) - len(latencies)
    return {
        "label": label,
        "posts": len(run["sent"]),
        "rate": len(run["sent"]) / run["seconds"],
        "failures": run["failures"],
        "samples": run["samples"],
        "missing": missing,
        "events": read["events"],
        "p50": statistics.median(latencies) if latencies else math.nan,
        "p99": latencies[max(0, math.ceil(len(latencies) * 0.99) - 1)] if latencies else math.nan,
        "max": latencies[-1] if latencies else math.nan,
    }


# --- Report ---------------------------------------------------------------------------------


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def print_throughput(label: str, prep: dict, r: dict) -> bool:
    ok = r["evaluator_rate"] >= GOAL_RATE
    print(f"  {label}: {r['signals']:,} signals, {r['rules']} rules, {r['targets']:,} targets"
          f" (bench targets made in {prep['seconds']:.1f} s)")  # fmt: skip
    print(f"    inserted (executemany)      {r['insert_rows_per_s']:10,.0f} rows/s")
    print(f"    evaluator, from the database {r['evaluator_rate']:9,.0f} signals/s"
          f"   goal >= {GOAL_RATE:,}   {verdict(ok)}")  # fmt: skip
    print(f"      of which reading {100 * r['read_share']:.0f}%; evaluating alone"
          f" {r['evaluate_only_rate']:,.0f} signals/s; {r['firings']:,} firings")  # fmt: skip
    w = r["worker"]
    print(f"    worker path (warnings written) {r['worker_rate']:7,.0f} signals/s over"
          f" {r['worker_seconds']:.1f} s: {w['warnings']:,} warnings raised, {w['suppressed']:,}"
          f" firings held back (one open per rule and target)")  # fmt: skip
    print(f"    cursor at the last signal: {r['cursor_at_end']}")
    return ok and r["cursor_at_end"]


def print_latency(r: dict) -> bool:
    ok = r["p99"] < GOAL_P99_S and not r["failures"] and not r["missing"]
    print(f"  {r['label']}: {r['posts']} × POST /api/v1/signals at {r['rate']:.1f}/s, each a"
          f" warning and its event ({r['events']} events)")  # fmt: skip
    print(f"    signal → warning   p50 {r['p50']:.2f} s   p99 {r['p99']:.2f} s   max"
          f" {r['max']:.2f} s   goal p99 < {GOAL_P99_S:.0f} s   {verdict(ok)}")  # fmt: skip
    print(f"    failures {r['failures']}, warnings missing {r['missing']}")
    for sample in r["samples"]:
        print(f"      e.g. {sample}")
    return ok


# --- Main -----------------------------------------------------------------------------------


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small counts, for a smoke run")
    parser.add_argument("--signals", type=int)
    parser.add_argument("--targets", type=int)
    parser.add_argument("--posts", type=int, help="signals posted for the latency")
    parser.add_argument("--rate", type=float, default=10.0, help="posts per second")
    parser.add_argument("--skip-postgres", action="store_true")
    parser.add_argument("--skip-sqlite", action="store_true")
    parser.add_argument("--keep", action="store_true", help=f"keep {PG_NAME}")
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    parser.add_argument("--result-file", help=argparse.SUPPRESS)
    args = parser.parse_args()
    for name, value in (QUICK if args.quick else FULL).items():
        if getattr(args, name) is None:
            setattr(args, name, value)
    return args


def child_main(args) -> int:
    import django

    django.setup()
    phases = {
        "prepare": phase_prepare,
        "throughput": phase_throughput,
        "latency-setup": phase_latency_setup,
        "latency-read": phase_latency_read,
    }
    Path(args.result_file).write_text(json.dumps(phases[args.phase](args)))
    return 0


def main() -> int:
    args = parse_args()
    if args.phase:
        return child_main(args)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    databases = []
    if not args.skip_sqlite:
        for path in SQLITE_DB.parent.glob(f"{SQLITE_DB.name}*"):
            path.unlink()
        databases.append(("SQLite", f"sqlite:///{SQLITE_DB}"))
    use_pg = not args.skip_postgres and pg_available()
    if use_pg:
        pg_admin(f"DROP DATABASE IF EXISTS {PG_NAME} WITH (FORCE)")
        pg_admin(f"CREATE DATABASE {PG_NAME}")
        databases.append(("PostgreSQL", f"{PG_SERVER}/{PG_NAME}"))
    load_before = os.getloadavg()[0]
    results = []
    try:
        for label, url in databases:
            env = production_env(url, KEYS_FILE)
            print(f"{label}: preparing...", flush=True)
            prep = run_phase(__file__, "prepare", env, targets=args.targets)
            print(f"{label}: throughput...", flush=True)
            throughput = run_phase(__file__, "throughput", env, signals=args.signals)
            print(f"{label}: latency...", flush=True)
            latency = bench_latency(label, env, args.posts, args.rate)
            results.append((label, prep, throughput, latency))
    finally:
        if use_pg and not args.keep:
            pg_admin(f"DROP DATABASE IF EXISTS {PG_NAME} WITH (FORCE)")
    print(f"\nwarnings benchmark — {os.cpu_count()} cores; load average {load_before:.1f} before,"
          f" {os.getloadavg()[0]:.1f} after")  # fmt: skip
    if not use_pg and not args.skip_postgres:
        print("  (PostgreSQL not reachable at 127.0.0.1:5432: measured on SQLite only)")
    ok = True
    for label, prep, throughput, latency in results:
        ok = print_throughput(label, prep, throughput) and ok
        ok = print_latency(latency) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
