#!/usr/bin/env python

"""Benchmark: many people booking the same slots at once, against the production stack.

On SQLite and on PostgreSQL, with production settings and the processes of `manage.py
run_stack` (gunicorn with 2 sync workers and the task worker): --clients concurrent clients
(default 200, each a thread with its own connection) book --slots slots (default 1,000) of
--resources resources (default 20) through the staff API (`POST /api/v1/appointments/bookings`
with a duty manager's API token). Every slot is asked for by --attempts clients (default 2),
queued next to each other so that they race: one must get 201, the others 409 "该时段已被预约".

Prints, per database: double bookings (slots held by more than one active booking, counted in
the database afterwards; goal 0), slots booked (goal: every one, once), bookings per second
(goal >= GOAL_BOOKINGS_PER_S), p50 / p99 latency of every request (goal p99 <= GOAL_P99_MS: with
200 clients queued on 2 workers, the wait in the queue is most of it) and failures (any answer
but 201 or 409).

The SQLite file (var/bench/booking.sqlite3) and the PostgreSQL database `gridgov_bench_booking`
are made afresh each run (the `small` demo without events), each in a child process of this
script (`--phase prepare`) which hands back the token and the slots as JSON.

    .venv/bin/python bench/booking.py                 # 200 clients, 1,000 slots of 20 resources
    .venv/bin/python bench/booking.py --quick         # smoke run: 40 clients, 200 slots
"""

import argparse
import json
import os
import random
import signal
import sqlite3
import sys
from pathlib import Path

from harness import (
    BENCH_DIR,
    PG_SERVER,
    ROOT,
    Stack,
    api_headers,
    pg_admin,
    production_env,
    run_load,
    run_phase,
    summarise,
)

sys.path.insert(0, str(ROOT))
SQLITE_DB = BENCH_DIR / "booking.sqlite3"
KEYS_FILE = BENCH_DIR / "booking-keys.json"
PG_NAME = "gridgov_bench_booking"
DEMO_TOWN = "330402013"  # 东栅街道: its dispatcher is the resources' duty manager
OPENS, CLOSES = 8, 18  # ten one-hour slots a day
GOAL_DOUBLE = 0
GOAL_BOOKINGS_PER_S = 20
GOAL_P99_MS = 10_000
BOOKED = 201
TAKEN = 409


# --- Child phase (Django set up, one database) ----------------------------------------------


def phase_prepare(options) -> dict:
    """The demo, --resources resources open every day, and the first --slots free slots among
    them from tomorrow on, taken in turn from each resource."""
    import datetime as dt
    from io import StringIO

    from django.core.management import call_command
    from django.utils import timezone

    from gridgov.accounts.actions import do_issue_token
    from gridgov.appointments.actions import do_create_resource
    from gridgov.appointments.choices import ResourceKind
    from gridgov.appointments.selectors import free_slots
    from gridgov.org.models import Staff
    from gridgov.regions.models import Region

    call_command("migrate", verbosity=0, interactive=False)
    call_command("load_demo", scale="small", events=0, stdout=StringIO())
    town = Region.objects.get(code=DEMO_TOWN)
    manager = (
        Staff.objects.filter(role="dispatcher", region=town, user__isnull=False)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    every_day = [(d, dt.time(OPENS), dt.time(CLOSES)) for d in range(7)]
    resources = [
        do_create_resource(
            region=town, name=f"压测服务台{n:02d}", kind=ResourceKind.DESK, actor="bench",
            hours=every_day, slot_minutes=60, sensitive=False, duty_managers=[manager],
        )
        for n in range(options.resources)
    ]  # fmt: skip
    slots, day = [], timezone.localdate()
    while len(slots) < options.slots:
        day += dt.timedelta(days=1)
        for resource in resources:
            slots += [(resource.pk, start.isoformat()) for start in free_slots(resource, day)]
    _token, secret = do_issue_token(manager.user, actor=manager.user, name="bench/booking.py")
    return {"secret": secret, "slots": slots[: options.slots],
            "resources": [r.pk for r in resources]}  # fmt: skip


def child_main(args) -> int:
    import django

    django.setup()
    result = {"prepare": phase_prepare}[args.phase](args)
    Path(args.result_file).write_text(json.dumps(result))
    return 0


# --- The run --------------------------------------------------------------------------------


def booking_requests(slots: list, attempts: int, rng: random.Random) -> list:
    """Every slot asked for `attempts` times in a row, by different people: neighbours in the
    queue are sent at the same moment by different clients. The slots in a random order."""
    order = list(slots)
    rng.shuffle(order)
    requests = []
    for n, (resource, start) in enumerate(order):
        for attempt in range(attempts):
            body = {"resource": resource, "slot_start": start, "name": f"压测{n}-{attempt}",
                    "phone": f"139{(n * attempts + attempt) % 10**8:08d}"}  # fmt: skip
            requests.append(("POST", "/api/v1/appointments/bookings", json.dumps(body).encode()))
    return requests


# The statuses that hold a slot (appointments.choices.HOLDING), as the unique index reads them.
HELD = (
    "SELECT resource_id, slot_start, count(*) FROM appointments_booking "
    "WHERE resource_id IN ({ids}) AND status IN ('booked', 'attended', 'no_show') "
    "GROUP BY resource_id, slot_start"
)


def held_slots(database_url: str, resources: list) -> list:
    """(resource, slot start, active bookings) of each booked slot, read from the database."""
    sql = HELD.format(ids=", ".join(str(int(pk)) for pk in resources))
    if database_url.startswith("sqlite:///"):
        with sqlite3.connect(database_url.removeprefix("sqlite:///"), timeout=20) as conn:
            return conn.execute(sql).fetchall()
    import psycopg

    with psycopg.connect(database_url) as conn:
        return conn.execute(sql).fetchall()


def bench(label: str, env: dict, args) -> dict:
    prep = run_phase(__file__, "prepare", env, slots=args.slots, resources=args.resources)
    headers = api_headers(prep["secret"])
    requests = booking_requests(prep["slots"], args.attempts, random.Random(7))
    server = Stack(env, BENCH_DIR / f"booking-server-{label.lower()}.log")
    try:
        server.wait_ready(headers)
        load = run_load(server.port, requests, headers, args.clients, {BOOKED, TAKEN})
    finally:
        server.stop()
    held = held_slots(env["DATABASE_URL"], prep["resources"])
    summary = summarise([load])
    booked = load["statuses"].get(BOOKED, 0)
    return {
        "label": label,
        "summary": summary,
        "statuses": load["statuses"],
        "booked_answers": booked,
        "bookings_per_s": booked / load["seconds"],
        "slots_held": len(held),
        "double": sum(1 for *_slot, count in held if count > 1),
        "slots": len(prep["slots"]),
    }


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def print_result(r: dict) -> bool:
    s = r["summary"]
    checks = {
        "double": r["double"] <= GOAL_DOUBLE,
        "held": r["slots_held"] == r["slots"] == r["booked_answers"],
        "rate": r["bookings_per_s"] >= GOAL_BOOKINGS_PER_S,
        "p99": s["p99_ms"] <= GOAL_P99_MS,
        "failures": s["failures"] == 0,
    }
    print(f"  {r['label']}: {s['requests']} requests, answers {r['statuses']}")
    print(f"    double bookings {r['double']} (goal {GOAL_DOUBLE}) {verdict(checks['double'])}")
    held = verdict(checks["held"])
    print(f"    slots booked {r['slots_held']} of {r['slots']} in the database, "
          f"{r['booked_answers']} answered 201 (goal: all, once) {held}")  # fmt: skip
    print(f"    bookings/s {r['bookings_per_s']:.1f} (goal >= {GOAL_BOOKINGS_PER_S}) "
          f"{verdict(checks['rate'])}")  # fmt: skip
    print(f"    latency p50 {s['p50_ms']:.0f} ms, p99 {s['p99_ms']:.0f} ms "
          f"(goal p99 <= {GOAL_P99_MS} ms) {verdict(checks['p99'])}")  # fmt: skip
    print(f"    failures {s['failures']} (goal 0) {verdict(checks['failures'])}")
    for sample in s["samples"]:
        print(f"      e.g. {sample}")
    return all(checks.values())


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--slots", type=int, default=1000)
    parser.add_argument("--resources", type=int, default=20)
    parser.add_argument("--attempts", type=int, default=2, help="Clients asking for each slot.")
    parser.add_argument("--quick", action="store_true", help="40 clients, 200 slots.")
    parser.add_argument("--sqlite-only", action="store_true")
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    parser.add_argument("--result-file", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.quick:
        args.clients, args.slots = 40, 200
    return args


def main() -> int:
    args = parse_args()
    if args.phase:
        return child_main(args)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # unwind: stop, drop
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    for path in SQLITE_DB.parent.glob(f"{SQLITE_DB.name}*"):  # with -wal and -shm
        path.unlink()
    runs = [("SQLite", production_env(f"sqlite:///{SQLITE_DB}", KEYS_FILE))]
    if not args.sqlite_only:
        pg_admin(f"DROP DATABASE IF EXISTS {PG_NAME} WITH (FORCE)")
        pg_admin(f"CREATE DATABASE {PG_NAME}")
        runs.append(("PostgreSQL", production_env(f"{PG_SERVER}/{PG_NAME}", KEYS_FILE)))
    load_before, results = os.getloadavg()[0], []
    try:
        for label, env in runs:
            print(f"Booking on {label}...", flush=True)
            results.append(bench(label, env, args))
    finally:
        if not args.sqlite_only:
            pg_admin(f"DROP DATABASE IF EXISTS {PG_NAME} WITH (FORCE)")
    print(f"\nbooking benchmark — {os.cpu_count()} cores shared by the server and the clients;"
          f" load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after")  # fmt: skip
    print(f"  production settings, gunicorn 2 sync workers + task worker; {args.clients} client"
          f" threads; {args.slots} slots of {args.resources} resources, each asked for by"
          f" {args.attempts} clients at once")  # fmt: skip
    ok = all([print_result(r) for r in results])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
