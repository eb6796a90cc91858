#!/usr/bin/env python
"""Benchmark: the "综合查一次" planner on a city's month of inspection needs.

Prints, measured in one run:
  * the merged plan of 100,000 needs over 20,000 targets from 30 departments in a 30-day
    period: plan time (best and median of --runs, goal < 5 s), peak memory while planning
    (tracemalloc peak, in a run of its own since tracing slows allocation, and the growth of
    peak RSS over the RSS before planning; goal < 1 GiB), visits, the lower bound, the ratio
    visits/lower bound (goal <= 1.02), visits without merging, unplanned needs by reason;
  * the unmerged baseline (every need its own visit) on the same request: time, visits.

The request is generated from a seed (the same every run):
  * the period starts on a Monday; its 8 weekend days are days off (22 working days);
  * each target is of one of 8 kinds (restaurant, school, construction site, ...), each kind
    inspected by its own 4 to 8 of the 30 departments; every target has at least one need, the
    rest go to targets in proportion to a log-normal "size" (a market hall draws more needs
    than a corner shop), each from a department of its kind, more often the bigger ones;
  * windows: 15% short (1-3 days: after a warning or an event), 45% medium (5-14 days), 40%
    long (15-30 days: "this month"); 3% were carried over and started before the period;
  * caps: 3% of the targets (schools first) take at most one visit in the period;
  * officers: 4 to 6 visits a day each, as many per department as its needs ask for spread
    over the working days, plus 30%; one department is short-staffed (60% of that) and one
    has nobody yet, so that each reason shows up.
"""

import argparse
import gc
import random
import resource
import statistics
import sys
import time
import tracemalloc
from collections import Counter, defaultdict
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gridgov.inspections.planner import Need, Officer, PlanRequest, plan  # noqa: E402

NEEDS = 100_000
TARGETS = 20_000
DEPARTMENTS = 30
DAYS = 30
START = date(2025, 3, 3)  # a Monday
SEED = 2025
GOAL_SECONDS = 5.0
GOAL_BYTES = 1 << 30
GOAL_RATIO = 1.02
KINDS = 8
SHORT_STAFFED, UNSTAFFED = 7, 30  # department ids


def generate(seed: int = SEED) -> PlanRequest:
    rng = random.Random(seed)
    departments = list(range(1, DEPARTMENTS + 1))
    # Departments differ in size: a few (market supervision, fire, health) inspect a lot.
    weight = {d: 1 / d**0.7 for d in departments}
    kinds = [rng.sample(departments, rng.randint(4, 8)) for _ in range(KINDS)]
    kind_of = [rng.randrange(KINDS) for _ in range(TARGETS)]
    targets = list(range(1, TARGETS + 1))
    size = [rng.lognormvariate(0, 0.8) for _ in targets]
    owners = targets + rng.choices(targets, weights=size, k=NEEDS - TARGETS)
    end = START + timedelta(days=DAYS - 1)
    needs = []
    for need_id, target in enumerate(owners, start=1):
        pool = kinds[kind_of[target - 1]]
        department = rng.choices(pool, weights=[weight[d] for d in pool])[0]
        earliest, latest = window(rng)
        items = tuple(rng.sample(range(1, 400), rng.randint(1, 4)))
        needs.append(Need(need_id, target, department, items, earliest, latest))
    days_off = frozenset(
        START + timedelta(days=d) for d in range(DAYS) if (START + timedelta(days=d)).weekday() > 4
    )
    working = DAYS - len(days_off)
    schools_first = sorted(targets, key=lambda t: (kind_of[t - 1] != 0, rng.random()))
    capped = schools_first[: TARGETS * 3 // 100]
    return PlanRequest(
        start=START,
        end=end,
        needs=needs,
        officers=staff(rng, needs, working),
        target_caps=dict.fromkeys(capped, 1),
        days_off=days_off,
    )


def window(rng: random.Random) -> tuple[date, date]:
    draw = rng.random()
    if draw < 0.15:
        length = rng.randint(1, 3)
    elif draw < 0.60:
        length = rng.randint(5, 14)
    else:
        length = rng.randint(15, 30)
    carried_over = rng.random() < 0.03  # from the last period: it started before this one
    first = rng.randint(-10, -1) if carried_over else rng.randint(0, DAYS - length)
    return START + timedelta(days=first), START + timedelta(days=first + length - 1)


def staff(rng: random.Random, needs: list[Need], working_days: int) -> list[Officer]:
    demand = Counter(n.department for n in needs)
    officers = []
    for department in sorted(demand):
        if department == UNSTAFFED:
            continue
        per_day = demand[department] / working_days * 1.3
        if department == SHORT_STAFFED:
            per_day *= 0.6
        booked = 0
        while booked < per_day:
            capacity = rng.randint(4, 6)
            officers.append(Officer(len(officers) + 1, department, capacity))
            booked += capacity
    return officers


# --- Measuring ------------------------------------------------------------------------------


def rss_bytes(field: str = "VmRSS") -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) * 1024
    return 0


def reset_peak_rss() -> bool:
    """Let VmHWM start again from the current RSS (Linux >= 4.0); False where it cannot."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def timed(request: PlanRequest, runs: int):
    times, result = [], None
    for _ in range(runs):
        gc.collect()
        started = time.perf_counter()
        result = plan(request)
        times.append(time.perf_counter() - started)
    return min(times), statistics.median(times), result


def memory(request: PlanRequest) -> tuple[int, int]:
    """(tracemalloc peak, growth of peak RSS over the RSS before) of one plan."""
    gc.collect()
    before = rss_bytes()
    if reset_peak_rss():
        plan(request)
        rss_growth = rss_bytes("VmHWM") - before
    else:  # ru_maxrss is the whole process's peak: an upper bound
        plan(request)
        rss_growth = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 - before
    tracemalloc.start()
    plan(request)
    _, traced = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return traced, rss_growth


def broken_guarantees(request: PlanRequest, result) -> list[str]:
    """A quick check of the plan against the request (the tests check far more, on small
    inputs): at most once, inside the window, caps, capacities, one officer per department."""
    needs = {n.id: n for n in request.needs}
    officers = {o.id: o for o in request.officers}
    problems = []
    seen = Counter(i for v in result.visits for i in v.needs)
    if any(c > 1 for c in seen.values()):
        problems.append("a need planned twice")
    if set(seen) & {u.need for u in result.unplanned} or len(seen) + len(result.unplanned) != len(
        needs
    ):
        problems.append("needs not accounted for exactly once")
    per_target = Counter(v.target for v in result.visits)
    if any(per_target[t] > cap for t, cap in request.target_caps.items()):
        problems.append("a cap exceeded")
    load = Counter((o, v.day) for v in result.visits for o in v.officers)
    if any(count > officers[o].capacity for (o, _), count in load.items()):
        problems.append("an officer's capacity exceeded")
    for visit in result.visits:
        departments = sorted({needs[i].department for i in visit.needs})
        if [officers[o].department for o in visit.officers] != departments:
            problems.append("a visit without one officer per department")
            break
        if visit.day in request.days_off or any(
            not needs[i].earliest <= visit.day <= needs[i].latest for i in visit.needs
        ):
            problems.append("a visit outside a window or on a day off")
            break
    return problems


def describe(request: PlanRequest) -> dict:
    per_target = defaultdict(set)
    for need in request.needs:
        per_target[need.target].add(need.department)
    return {
        "departments_per_target": statistics.mean(len(d) for d in per_target.values()),
        "officers": len(request.officers),
        "capacity": sum(o.capacity for o in request.officers),
        "capped": len(request.target_caps),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="timed runs of each plan")
    args = parser.parse_args()

    started = time.perf_counter()
    request = generate()
    generate_seconds = time.perf_counter() - started
    facts = describe(request)
    # Memory first: later runs reuse the heap earlier ones grew, which would hide the peak.
    traced, rss_growth = memory(request)
    best, median, merged = timed(request, args.runs)
    baseline_request = PlanRequest(**{**request.__dict__, "merge": False})
    base_best, base_median, baseline = timed(baseline_request, args.runs)
    problems = broken_guarantees(request, merged) + broken_guarantees(baseline_request, baseline)
    reasons = Counter(u.reason for u in merged.unplanned)
    base_reasons = Counter(u.reason for u in baseline.unplanned)
    peak = max(traced, rss_growth)

    def verdict(ok: bool) -> str:
        return "ok" if ok else "MISSED"

    print(f"\nplanner benchmark — {len(request.needs):,} needs, {TARGETS:,} targets, "
          f"{DEPARTMENTS} departments, {DAYS} days ({DAYS - len(request.days_off)} working), "
          f"seed {SEED}")  # fmt: skip
    print(f"  request: {facts['departments_per_target']:.2f} departments per target, "
          f"{facts['officers']:,} officers ({facts['capacity']:,} visits a day), "
          f"{facts['capped']:,} targets capped at 1 visit; generated in "
          f"{generate_seconds:.1f} s")  # fmt: skip
    print("  merged plan")
    print(f"    plan time            {best:8.2f} s best, {median:.2f} s median of {args.runs}"
          f"   goal < {GOAL_SECONDS:.0f} s   {verdict(best < GOAL_SECONDS)}")  # fmt: skip
    print(f"    tracemalloc peak     {traced / 2**20:8.1f} MiB")
    print(f"    peak RSS growth      {rss_growth / 2**20:8.1f} MiB      goal < 1 GiB   "
          f"{verdict(peak < GOAL_BYTES)}")  # fmt: skip
    print(f"    process peak RSS     {rss_bytes('VmHWM') / 2**20:8.1f} MiB (request included)")
    print(f"    visits               {len(merged.visits):8,}")
    print(f"    lower bound          {merged.lower_bound:8,}")
    print(f"    ratio                {merged.ratio:8.4f}         goal <= {GOAL_RATIO}  "
          f"{verdict(merged.ratio <= GOAL_RATIO)}")  # fmt: skip
    print(f"    needs planned        {merged.planned_needs:8,}")
    print(f"    visits w/o merging   {merged.visits_without_merging:8,}   "
          f"(saved {merged.visits_saved:,})")  # fmt: skip
    print("    unplanned by reason  " + (", ".join(
        f"{r} {c:,}" for r, c in sorted(reasons.items())) or "none"))  # fmt: skip
    print("  unmerged baseline (every need its own visit)")
    print(f"    plan time            {base_best:8.2f} s best, {base_median:.2f} s median")
    print(f"    visits               {len(baseline.visits):8,}   (= needs planned)")
    print("    unplanned by reason  " + (", ".join(
        f"{r} {c:,}" for r, c in sorted(base_reasons.items())) or "none"))  # fmt: skip
    print(f"  guarantees checked     {'ok' if not problems else '; '.join(problems)}")
    ok = best < GOAL_SECONDS and peak < GOAL_BYTES and merged.ratio <= GOAL_RATIO
    return 0 if ok and not problems else 1


if __name__ == "__main__":
    sys.exit(main())
