#!/usr/bin/env python
"""Benchmark: a county's year of duty shifts and the look for overwork (强制休息令).

南湖区 with 10,000 people on duty at 30 posts, a year of three 8-hour shifts a day (00–08,
08–16, 16–24): each person works one of them a day, on a rotating shift, with a day off in
seven — 3.1 million shifts, bulk-loaded (executemany on SQLite, COPY on PostgreSQL). Fifty of
them stood a second shift on each of the last three days. Then, as the hourly job does,
detection as of today: the SQL that finds who went past the county's policy (best of 3), and
the whole run with its proposals (50 rest orders). Goal: detection under 2 s.

Also runs `bench/board_timing.py`'s run(database_url) when that file is there.

    bench/duty.py                 # SQLite in var/bench/, then PostgreSQL if a server answers
    bench/duty.py --sqlite-only

Runs under production settings with throwaway keys, in a child process per phase.
"""

import argparse
import datetime as dt
import importlib.util
import json
import os
import signal
import sys
import time
from pathlib import Path

from harness import BENCH_DIR, PG_SERVER, ROOT, pg_admin, pg_available, production_env, run_phase

sys.path.insert(0, str(ROOT))
SQLITE_DB = BENCH_DIR / "duty.sqlite3"
PG_NAME = "gridgov_bench_duty"
KEYS_FILE = BENCH_DIR / "duty-keys.json"
COUNTY = "330402"  # 南湖区
STAFF, POSTS, DAYS = 10_000, 30, 365
OVERWORKED_EVERY = 200  # one person in 200 stood double shifts lately
GOAL_SECONDS = 2.0
SHIFT_COLUMNS = ["city_id", "county_id", "town_id", "village_id", "grid_id", "microgrid_id",
                 "staff_id", "post_id", "starts_at", "ends_at", "day_number", "minutes",
                 "minutes_next_day", "night", "created_at"]  # fmt: skip


# Our own column list, not input.
INSERT_SQL = "INSERT INTO care_shift ({}) VALUES ({})".format(  # noqa: S608
    ", ".join(SHIFT_COLUMNS), ", ".join(["%s"] * len(SHIFT_COLUMNS))
)


def phase_prepare(options) -> dict:
    """Migrate, the small demo without events, and the county's people and posts."""
    from io import StringIO

    from django.core.management import call_command

    from gridgov.care.actions import PostData, do_create_post
    from gridgov.care.choices import PostKind
    from gridgov.org.choices import Role
    from gridgov.org.models import Staff
    from gridgov.regions.models import Region

    call_command("migrate", verbosity=0, interactive=False)
    call_command("load_demo", scale="small", events=0, stdout=StringIO())
    county = Region.objects.get(code=COUNTY)
    towns = list(Region.objects.filter(parent=county).order_by("code"))
    for i in range(POSTS):
        kind = [PostKind.CHECKPOINT, PostKind.TEST_POINT, PostKind.MOTORWAY_EXIT][i % 3]
        do_create_post(PostData(f"B-{i:03d}", f"值守点{i + 1}", kind, towns[i % len(towns)]),
                       actor="bench")  # fmt: skip
    people = [
        Staff(name=f"值守员{i:05d}", role=Role.GRID_WORKER, region=towns[i % len(towns)])
        for i in range(STAFF)
    ]
    Staff.objects.bulk_create(people, batch_size=2000)
    return {}


def _shift_rows(staff_ids, posts, today):
    """Every shift of the year, as tuples of SHIFT_COLUMNS (aware datetimes)."""
    from gridgov.care import rules

    now = dt.datetime.now(dt.UTC)
    first = today - dt.timedelta(days=DAYS - 1)
    for n, staff_id in enumerate(staff_ids):
        post = posts[n % len(posts)]
        place = (post.city_id, post.county_id, post.town_id, post.village_id, post.grid_id,
                 post.microgrid_id)  # fmt: skip
        for d in range(DAYS):
            if (n + d) % 7 == 0:
                continue  # the day off
            day = first + dt.timedelta(days=d)
            slot = (n + d) % 3
            hours = [8 * slot]
            if n % OVERWORKED_EVERY == 0 and d >= DAYS - 3:
                hours.append(16 if slot == 1 else 8)
            for hour in hours:
                start = dt.datetime.combine(day, dt.time(hour), tzinfo=rules.DUTY_TZ)
                end = start + dt.timedelta(hours=8)
                f = rules.figures(start, end)
                yield (*place, staff_id, post.pk, start, end, f.day_number, f.minutes,
                       f.minutes_next_day, f.night, now)  # fmt: skip


def phase_load(options) -> dict:
    from django.db import connection, transaction
    from django.utils import timezone

    from gridgov.care import rules
    from gridgov.care.models import DutyPost
    from gridgov.org.models import Staff

    today = timezone.localdate(timezone.now(), rules.DUTY_TZ)
    posts = list(DutyPost.objects.filter(code__startswith="B-").order_by("code"))
    staff_ids = list(
        Staff.objects.filter(name__startswith="值守员").order_by("pk").values_list("pk", flat=True)
    )
    started = time.perf_counter()
    rows = _shift_rows(staff_ids, posts, today)
    count = 0
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            sql = f"COPY care_shift ({', '.join(SHIFT_COLUMNS)}) FROM STDIN"
            with cursor.cursor.copy(sql) as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
        else:
            sql = INSERT_SQL
            batch = []
            for row in rows:
                batch.append(_sqlite_row(row))
                if len(batch) == 20_000:
                    cursor.executemany(sql, batch)
                    count += len(batch)
                    batch = []
            cursor.executemany(sql, batch)
            count += len(batch)
    seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {"shifts": count, "seconds": seconds}


def _sqlite_row(row):
    """Datetimes as Django stores them in SQLite: naive UTC text."""
    return tuple(
        v.astimezone(dt.UTC).replace(tzinfo=None).isoformat(" ")
        if isinstance(v, dt.datetime)
        else v
        for v in row
    )


def phase_detect(options) -> dict:
    from django.db import transaction
    from django.utils import timezone

    from gridgov.care import rules
    from gridgov.care.actions import propose_rest_orders
    from gridgov.care.detection import find_breaches
    from gridgov.regions.models import Region

    county = Region.objects.get(code=COUNTY)
    today = timezone.localdate(timezone.now(), rules.DUTY_TZ)
    times, found = [], {}
    for _run in range(3):
        started = time.perf_counter()
        found = find_breaches(county, today)
        times.append(time.perf_counter() - started)
    started = time.perf_counter()
    with transaction.atomic():
        proposed = propose_rest_orders(county, today)
    whole = time.perf_counter() - started
    return {"sql": min(times), "found": len(found), "whole": whole, "proposed": len(proposed)}


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sqlite-only", action="store_true")
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    parser.add_argument("--result-file", help=argparse.SUPPRESS)
    return parser.parse_args()


def child_main(args) -> int:
    import django

    django.setup()
    phases = {"prepare": phase_prepare, "load": phase_load, "detect": phase_detect}
    Path(args.result_file).write_text(json.dumps(phases[args.phase](args)))
    return 0


def fresh_database(label: str) -> str:
    if label == "SQLite":
        for path in SQLITE_DB.parent.glob(f"{SQLITE_DB.name}*"):
            path.unlink()
        return f"sqlite:///{SQLITE_DB}"
    pg_admin(f"DROP DATABASE IF EXISTS {PG_NAME} WITH (FORCE)")
    pg_admin(f"CREATE DATABASE {PG_NAME}")
    return f"{PG_SERVER}/{PG_NAME}"


def bench_one(label: str) -> tuple[bool, str]:
    url = fresh_database(label)
    env = production_env(url, KEYS_FILE)
    print(f"{label}: preparing (migrate, small demo, {STAFF} people, {POSTS} posts)...", flush=True)
    run_phase(__file__, "prepare", env)
    print(f"{label}: loading a year of shifts...", flush=True)
    load = run_phase(__file__, "load", env)
    detect = run_phase(__file__, "detect", env)
    rate = load["shifts"] / load["seconds"] if load["seconds"] else 0
    print(f"\nduty benchmark — {label}, {os.cpu_count()} cores, load average "
          f"{os.getloadavg()[0]:.1f}")  # fmt: skip
    print(f"  bulk load: {load['shifts']:,} shifts in {load['seconds']:.1f} s ({rate:,.0f}/s)")
    ok = detect["whole"] < GOAL_SECONDS and detect["sql"] < GOAL_SECONDS
    verdict = "ok" if ok else "MISSED"
    print(f"  detection SQL (best of 3): {detect['sql']:.3f} s, {detect['found']} people past "
          f"the policy")  # fmt: skip
    print(f"  detection with proposals: {detect['whole']:.3f} s, {detect['proposed']} rest "
          f"orders proposed — goal < {GOAL_SECONDS:.0f} s: {verdict}")  # fmt: skip
    return ok, url


def board_timing(url: str) -> None:
    """The campaign board's timing, from its own script when it is there."""
    path = Path(__file__).resolve().parent / "board_timing.py"
    if not path.exists():
        print("board timing: not present")
        return
    spec = importlib.util.spec_from_file_location("board_timing", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    lines = module.run(url)
    for line in lines or ():
        print(line)


def main() -> int:
    args = parse_args()
    if args.phase:
        return child_main(args)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    labels = ["SQLite"] + ([] if args.sqlite_only or not pg_available() else ["PostgreSQL"])
    all_ok = True
    for label in labels:
        ok, url = bench_one(label)
        all_ok = all_ok and ok
        board_timing(url)
    return 0 if all_ok else 1


if __name__ == "__main__":
    sys.exit(main())
