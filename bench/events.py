#!/usr/bin/env python
# ruff: noqa: S608 - the SQL here is built from this script's constants, never from input
"""Benchmark: reporting events over HTTP, and the closed-loop KPIs over ten years of events.

Prints, measured in one run:
  * HTTP, against the production stack (production settings; gunicorn with 2 sync workers and
    the task worker, with the command lines of `manage.py run_stack`), on SQLite and on
    PostgreSQL: `POST /api/v1/events` (a grid worker's API token, a leaf category, a point
    inside a micro-grid) and the trivial authenticated `GET /api/v1/me` of the same server in
    the same run, in alternating rounds from concurrent keep-alive clients after a warm-up:
    requests/s, p50 / p99 latency, failures (every create must answer 201, every notification
    task must succeed), and the ratio create/trivial (goal >= 0.35);
  * KPIs on PostgreSQL over --events generated events (default 10,000,000, spread over ten
    years, made by one INSERT … SELECT): `event_kpis` for one county and one calendar year
    (goal < 500 ms, as the county leader) and for the whole city and one year (goal < 1 s, as a
    superuser), best and median of --kpi-runs runs after a warm-up. When a goal is missed, the
    EXPLAIN (ANALYZE, BUFFERS) of the slowest query shows where the time goes.

The SQLite file (var/bench/events.sqlite3) is made afresh each run. The PostgreSQL database
`gridgov_bench` is created and dropped by the script; with --keep it is kept, and a later run
with the same --events reuses its generated events instead of making them again.

Django's settings are per process, so each database is prepared, and the KPIs are timed, in a
child process of this script (`--phase`), which then hands its figures back as JSON.

    .venv/bin/python bench/events.py --quick           # smoke run: small counts, 200,000 events
    .venv/bin/python bench/events.py --keep            # full run, keep the 10M-event database
"""

import argparse
import json
import os
import random
import signal
import statistics
import sys
import time
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
SQLITE_DB = BENCH_DIR / "events.sqlite3"
# Throwaway production secrets, made once and reused: a kept PostgreSQL database holds staff
# phone numbers encrypted with them.
KEYS_FILE = BENCH_DIR / "events-keys.json"
PG_NAME = "gridgov_bench"

GRID_WORKER = "gridworker"  # demo login: reports through the API, no dispatcher or unit powers
COUNTY_LEADER = "leader"  # demo login: the leader of one county
SUPERUSER = "admin"
GOAL_RATIO = 0.35
GOAL_COUNTY_MS = 500
GOAL_CITY_MS = 1000
YEARS = 10

FULL = {
    "creates": 2000, "trivial": 4000, "warmup": 100, "rounds": 4, "events": 10_000_000,
    "kpi_runs": 5,
}  # fmt: skip
QUICK = {
    "creates": 200, "trivial": 400, "warmup": 40, "rounds": 2, "events": 200_000, "kpi_runs": 3
}  # fmt: skip


# --- Environment ----------------------------------------------------------------------------


# --- PostgreSQL database --------------------------------------------------------------------


def create_pg_database(keep: bool) -> bool:
    """A fresh `gridgov_bench`, or with --keep the existing one. Returns whether it was reused."""
    exists = bool(pg_admin(f"SELECT 1 FROM pg_database WHERE datname = '{PG_NAME}'"))
    if keep and exists:
        return True
    pg_admin(f"DROP DATABASE IF EXISTS {PG_NAME} WITH (FORCE)")
    pg_admin(f"CREATE DATABASE {PG_NAME}")
    return False


def drop_pg_database() -> None:
    pg_admin(f"DROP DATABASE IF EXISTS {PG_NAME} WITH (FORCE)")


# --- The server -----------------------------------------------------------------------------


# --- Load -----------------------------------------------------------------------------------


def task_counts(database_url: str) -> dict:
    """The task worker's queue, by status, read straight from the database."""
    sql = "SELECT status, count(*) FROM django_tasks_database_dbtaskresult GROUP BY status"
    if database_url.startswith("sqlite:///"):
        import sqlite3

        with sqlite3.connect(database_url.removeprefix("sqlite:///"), timeout=20) as conn:
            return dict(conn.execute(sql).fetchall())
    import psycopg

    with psycopg.connect(database_url) as conn:
        return dict(conn.execute(sql).fetchall())


def wait_for_worker(database_url: str, timeout: float = 300) -> float:
    """Wait until the task worker has sent every queued notification; return the seconds."""
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        counts = task_counts(database_url)
        if not counts.get("READY") and not counts.get("RUNNING"):
            break
        time.sleep(0.05)
    return time.perf_counter() - started


def create_requests(count: int, prep: dict, rng: random.Random) -> list:
    requests = []
    for i in range(count):
        lon, lat = rng.choice(prep["points"])
        body = {
            "title": f"占道经营摊点（压测 {i}）",
            "category": rng.choice(prep["categories"]),
            "lon": lon,
            "lat": lat,
        }
        requests.append(("POST", "/api/v1/events", json.dumps(body).encode()))
    return requests


def bench_http(
    label: str, env: dict, counts: dict, clients: int, rounds: int, with_worker: bool
) -> dict:
    """Prepare the database, start the server, warm it up, then time creates and trivial
    requests in alternating rounds, so that a change in the machine's other load (tests run
    alongside) weighs on both alike. After each round of creates, wait for the task worker
    to send their notifications, so that this work is not done during the trivial rounds."""
    prep = run_phase(__file__, "prepare", env)
    rng = random.Random(11)
    headers = api_headers(prep["secret"])
    me = ("GET", "/api/v1/me", None)
    url = env["DATABASE_URL"]
    server = Stack(env, BENCH_DIR / f"events-server-{label.lower()}.log", worker=with_worker)
    # Without the worker (--no-task-worker, to see what it costs) the notifications stay queued.
    drain = (lambda: wait_for_worker(url)) if with_worker else (lambda: 0.0)
    creates, trivial, drain_seconds = [], [], 0.0
    try:
        server.wait_ready(headers)
        # Concurrent, so that both gunicorn workers build their locate index and connect.
        run_load(server.port, create_requests(counts["warmup"], prep, rng), headers, clients, 201)
        run_load(server.port, [me] * counts["warmup"], headers, clients, 200)
        drain()
        for _ in range(rounds):
            batch = create_requests(counts["creates"] // rounds, prep, rng)
            creates.append(run_load(server.port, batch, headers, clients, 201))
            drain_seconds += drain()
            batch = [me] * (counts["trivial"] // rounds)
            trivial.append(run_load(server.port, batch, headers, clients, 200))
        tasks = task_counts(url)
    finally:
        server.stop()
    create, trivial = summarise(creates), summarise(trivial)
    create_seconds = sum(batch["seconds"] for batch in creates)
    return {
        "label": label,
        "events_before": prep["events"],
        "create": create,
        "trivial": trivial,
        "ratio": create["rps"] / trivial["rps"],
        # Creates per second once their notifications are sent too (the worker polls each 1 s).
        "sustained_rps": (
            create["requests"] / (create_seconds + drain_seconds) if with_worker else None
        ),
        "tasks": tasks,
    }


# --- Child phases (Django set up, one database) ---------------------------------------------


def prepare_database() -> None:
    """Migrate and load the `small` demo without events (load_demo skips a loaded database)."""
    from io import StringIO

    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    call_command("load_demo", scale="small", events=0, stdout=StringIO())


def phase_prepare(options) -> dict:
    from django.contrib.auth import get_user_model

    from gridgov.accounts.actions import do_issue_token
    from gridgov.events.models import Event, EventCategory
    from gridgov.regions.choices import RegionLevel
    from gridgov.regions.models import Region

    prepare_database()
    user = get_user_model().objects.get(username=GRID_WORKER)
    _token, secret = do_issue_token(user, actor=user, name="bench/events.py")
    points = Region.objects.filter(level=RegionLevel.MICROGRID, label_lon__isnull=False)
    return {
        "secret": secret,
        "points": list(points.values_list("label_lon", "label_lat")),
        "categories": list(
            EventCategory.objects.filter(parent__isnull=False, is_active=True).values_list(
                "code", flat=True
            )
        ),
        "events": Event.objects.count(),
    }


def phase_kpi(options) -> dict:
    prepare_database()
    generated = ensure_generated_events(options.events)
    return {"generated": generated, **time_kpis(options.kpi_runs)}


# --- Generating events in SQL ---------------------------------------------------------------


def u(k: int) -> str:
    """A uniform number in [0, 1) drawn from the row number g with stream k: deterministic, so
    the runs are repeatable, and an ordinary expression the planner can join on."""
    return f"((hashint8extended(g, {k}) & 4294967295)::float8 / 4294967296.0)"


def pick(r: str, choices: list[tuple[str, float]]) -> str:
    """CASE choosing among (SQL value, weight) pairs by the uniform number expression r."""
    total, cumulative, whens = sum(w for _v, w in choices), 0.0, []
    for value, weight in choices[:-1]:
        cumulative += weight / total
        whens.append(f"WHEN {r} < {cumulative:.6f} THEN {value}")
    return f"CASE {' '.join(whens)} ELSE {choices[-1][0]} END"


# Events older than a month have mostly been closed; the last month's are still under way.
OLD_STATUS = [
    ("'closed'", 89), ("'rejected'", 6), ("'merged'", 4), ("'reported'", 0.2),
    ("'accepted'", 0.2), ("'dispatched'", 0.2), ("'handling'", 0.2), ("'handled'", 0.1),
    ("'verified'", 0.1),
]  # fmt: skip
RECENT_STATUS = [
    ("'closed'", 44), ("'rejected'", 5), ("'merged'", 3), ("'reported'", 8), ("'accepted'", 6),
    ("'dispatched'", 8), ("'handling'", 12), ("'handled'", 8), ("'verified'", 6),
]  # fmt: skip
SOURCES = [
    ("'grid_worker'", 60), ("'hotline'", 15), ("'citizen'", 8), ("'inspection'", 8),
    ("'supervision'", 5), ("'warning'", 4),
]  # fmt: skip
REPORTER_NAMES = {
    "grid_worker": "网格员", "hotline": "12345热线", "citizen": "市民", "inspection": "执法检查",
    "supervision": "督查组", "warning": "预警规则",
}  # fmt: skip
PRIORITIES = [("'normal'", 88), ("'urgent'", 10), ("'critical'", 2)]
SATISFACTION = [("5", 60), ("4", 25), ("3", 9), ("2", 4), ("1", 2)]
REACHED = {  # timestamp column: the statuses that have it
    "accepted_at": ("accepted", "dispatched", "handling", "handled", "verified", "closed"),
    "dispatched_at": ("dispatched", "handling", "handled", "verified", "closed"),
    "handled_at": ("handled", "verified", "closed"),
    "verified_at": ("verified", "closed"),
    "closed_at": ("closed",),
}
# Open status: (timed step, when it started, the category's hours for it).
RUNNING_STEP = {
    "reported": ("'accept'", "reported_at", "accept_hours"),
    "accepted": ("'dispatch'", "accepted_at", "dispatch_hours"),
    "dispatched": ("'handle'", "dispatched_at", "handle_hours"),
    "handling": ("'handle'", "dispatched_at", "handle_hours"),
    "handled": ("'verify'", "handled_at", "verify_hours"),
    "verified": ("'verify'", "verified_at", "verify_hours"),
}
VERSION = {"reported": 1, "accepted": 2, "dispatched": 3, "handling": 4, "handled": 5,
           "verified": 6, "closed": 7, "rejected": 2, "merged": 2}  # fmt: skip


# Every column of events_event but the identity; check_columns() guards against new ones.
COLUMNS = (
    "id", "number", "title", "description", "category_id", "source", "priority", "status",
    "version", "step", "warn_at", "due_at", "late", "lon", "lat", "address", "city_id",
    "county_id", "town_id", "village_id", "grid_id", "microgrid_id", "command_region_id",
    "routed_unit_id", "routing_reason", "lead_unit_id", "reporter_id", "reporter_name",
    "reporter_phone", "duplicate_of_id", "reported_at", "occurred_at", "accepted_at",
    "dispatched_at",
    "handled_at", "verified_at", "closed_at", "rework_count", "reopen_count",
    "escalation_count", "satisfaction", "updated_at",
)  # fmt: skip


def in_status(statuses) -> str:
    return "status IN (" + ", ".join(f"'{s}'" for s in statuses) + ")"


def running(i: int) -> str:
    """WHEN branches giving item i of RUNNING_STEP (step, start column, hours column)."""
    return " ".join(f"WHEN status = '{s}' THEN {v[i]}" for s, v in RUNNING_STEP.items())


def case_of(column: str, values: dict) -> str:
    return f"CASE {column} " + " ".join(f"WHEN '{k}' THEN {v}" for k, v in values.items()) + " END"


def drawn_layer(count: int, first_id: int, first_day: str, days: int) -> str:
    """Row g: its id, day (in id order, as a live system writes them, so that a year's rows
    lie together in the table), number, time of day, status and every random draw."""
    day = f"((g - 1) * {days}::bigint / {count})"
    seq = f"(g - ({day} * {count} + {days} - 1) / {days})"  # 1, 2, … within the day
    date = f"(date '{first_day}' + {day}::int)"
    return f"""
        SELECT g, {first_id} + g AS id, {day} AS day,
            'SJ' || to_char({date}, 'YYYYMMDD') || lpad({seq}::text, 6, '0') AS number,
            ({date}::timestamp + interval '1 second' * (25200 + 50400 * {u(1)}))
                AT TIME ZONE 'Asia/Shanghai' AS reported_at,
            CASE WHEN {day} >= {days - 30} THEN {pick(u(2), RECENT_STATUS)}
                 ELSE {pick(u(2), OLD_STATUS)} END AS status,
            hashint8extended(g, 3) & 2147483647 AS microgrid_draw,
            hashint8extended(g, 4) & 2147483647 AS category_draw,
            {pick(u(5), SOURCES)} AS source,
            {pick(u(6), PRIORITIES)} AS priority,
            CASE WHEN {u(7)} < 0.05 THEN 1 ELSE 0 END AS escalation_count,
            {u(8)} AS r_rework, {u(9)} AS r_late, {u(10)} AS r_reopen, {u(11)} AS r_rated,
            {u(12)} AS r_satisfaction,
            -- Hours from the report to each step (the delays of demo.py), and per rework.
            0.1 + 2.9 * {u(13)} AS to_accept, 0.1 + 3.9 * {u(14)} AS to_dispatch,
            2 + 58 * {u(15)} AS to_handle, 8 + 40 * {u(16)} AS per_rework,
            0.5 + 9.5 * {u(17)} AS to_verify, 0.1 + 3.9 * {u(18)} AS to_close
        FROM generate_series(1, {count}) AS g"""


def placed_layer(previous: str) -> str:
    """Where (a micro-grid and its ancestors), what (a leaf category), who should handle it."""
    return f"""
        SELECT d.*, c.id AS category_id, c.name AS title, c.accept_hours, c.dispatch_hours,
            c.handle_hours, c.verify_hours, m.id AS microgrid_id, m.city_id, m.county_id,
            m.town_id, m.village_id, m.grid_id, m.label_lon AS lon, m.label_lat AS lat,
            CASE WHEN escalation_count > 0 OR c.handling_level = 'county'
                 THEN m.county_id ELSE m.town_id END AS command_region_id,
            rt.unit_id AS routed_unit_id, COALESCE(rt.reason, '') AS routing_reason,
            CASE WHEN {in_status(("handling", "handled", "verified", "closed"))}
                 THEN CASE WHEN r_rework < 0.06 THEN 1 WHEN r_rework < 0.07 THEN 2 ELSE 0 END
                 ELSE 0 END AS rework_count
        FROM {previous} AS d
        JOIN bench_microgrid m ON m.n = d.microgrid_draw % (SELECT count(*) FROM bench_microgrid)
        JOIN bench_category c ON c.n = d.category_draw % (SELECT count(*) FROM bench_category)
        LEFT JOIN bench_route rt ON rt.category_id = c.id AND rt.town_id = m.town_id"""


def stamped_layer(previous: str) -> str:
    """The time of each step the event has reached, and the figures of a closed one."""
    hours = {
        "accepted_at": "to_accept",
        "dispatched_at": "to_accept + to_dispatch",
        "handled_at": "to_accept + to_dispatch + to_handle + rework_count * per_rework",
        "verified_at": "to_accept + to_dispatch + to_handle + rework_count * per_rework"
        " + to_verify",
        "closed_at": "to_accept + to_dispatch + to_handle + rework_count * per_rework"
        " + to_verify + to_close",
    }
    stamps = ",\n            ".join(
        f"CASE WHEN {in_status(REACHED[column])}"
        f" THEN reported_at + interval '1 hour' * ({sum_}) END AS {column}"
        for column, sum_ in hours.items()
    )
    return f"""
        SELECT *,
            {stamps},
            CASE WHEN status = 'closed' AND r_reopen < 0.03 THEN 1 ELSE 0 END AS reopen_count,
            CASE WHEN status = 'closed' AND r_rated < 0.4
                 THEN {pick("r_satisfaction", SATISFACTION)} END AS satisfaction,
            CASE WHEN status = 'merged' AND g > 50 THEN id - 1 - g % 50 END AS duplicate_of_id
        FROM {previous} AS p"""


def running_layer(previous: str) -> str:
    """The running deadline of an open event (wall-clock hours: the working-day calendar does
    not matter to the figures timed here)."""
    return f"""
        SELECT *,
            CASE {running(0)} ELSE '' END AS step,
            interval '1 hour' * CASE {running(2)} END AS step_hours,
            CASE {running(1)} END + interval '1 hour' * CASE {running(2)} END AS due_at
        FROM {previous} AS s"""


def final_layer(previous: str) -> str:
    """The table's columns, in COLUMNS order."""
    return f"""
        SELECT id, number, title, '', category_id, source, priority, status,
            {case_of("status", VERSION)} + 2 * rework_count + escalation_count, step,
            due_at - 0.2 * step_hours, due_at,
            -- An open event is late once past its deadline; a closed one was, now and then.
            COALESCE(due_at < now(), r_late < CASE WHEN rework_count > 0 THEN 0.5 ELSE 0.1 END),
            lon, lat, '', city_id, county_id, town_id,
            village_id, grid_id, microgrid_id, command_region_id, routed_unit_id, routing_reason,
            CASE WHEN dispatched_at IS NOT NULL THEN routed_unit_id END, NULL,
            {case_of("source", {k: f"'{v}'" for k, v in REPORTER_NAMES.items()})}, '',
            duplicate_of_id, reported_at, NULL, accepted_at, dispatched_at, handled_at, verified_at,
            closed_at, rework_count, reopen_count, escalation_count, satisfaction,
            COALESCE(closed_at, verified_at, handled_at, dispatched_at, accepted_at, reported_at)
        FROM {previous} AS r"""


def insert_sql(count: int, first_id: int, first_day: str, days: int) -> str:
    """One INSERT … SELECT of `count` events with ids first_id+1…, reported day by day over
    `days` days from first_day, at micro-grids and of leaf categories drawn uniformly.

    Built in layers, each the FROM of the next and fenced with OFFSET 0, so that a value drawn
    or worked out once is not computed again in every expression of the next layer that uses it.
    """
    sql = drawn_layer(count, first_id, first_day, days)
    for layer in (placed_layer, stamped_layer, running_layer, final_layer):
        sql = layer(f"({sql}\n        OFFSET 0)")
    return f"INSERT INTO events_event ({', '.join(COLUMNS)})\n{sql}"


LEVELS = ("city", "county", "town", "village", "grid")  # a micro-grid's ancestors


def fill_lookup_tables(cursor) -> None:
    """Micro-grids (with their ancestors), leaf categories and their suggested unit per town,
    numbered from 0 so that a drawn number picks a row with one equality join."""
    from gridgov.events.models import EventCategory
    from gridgov.events.routing import route
    from gridgov.regions.choices import RegionLevel
    from gridgov.regions.models import Region

    cursor.execute(
        "CREATE TEMP TABLE bench_microgrid ON COMMIT DROP AS"
        " SELECT row_number() OVER (ORDER BY id) - 1 AS n, id, city_id, county_id, town_id,"
        " village_id, grid_id, label_lon, label_lat FROM regions_region"
        " WHERE level = %s AND label_lon IS NOT NULL",
        [RegionLevel.MICROGRID],
    )
    cursor.execute(
        "CREATE TEMP TABLE bench_category ON COMMIT DROP AS"
        " SELECT row_number() OVER (ORDER BY id) - 1 AS n, id, name, handling_level,"
        " accept_hours, dispatch_hours, handle_hours, verify_hours FROM events_eventcategory"
        " WHERE parent_id IS NOT NULL AND is_active"
    )
    # Routing is decided per category and place; one micro-grid stands for its town.
    one_per_town = {}
    for microgrid in Region.objects.filter(level=RegionLevel.MICROGRID).select_related(*LEVELS):
        one_per_town.setdefault(microgrid.town_id, microgrid)
    rows = []
    for category in EventCategory.objects.filter(parent__isnull=False, is_active=True):
        for town_id, microgrid in one_per_town.items():
            routed = route(category, microgrid)
            unit_id = routed.unit.pk if routed.unit else None
            rows.append((category.pk, town_id, unit_id, routed.reason[:255]))
    cursor.execute(
        "CREATE TEMP TABLE bench_route (category_id bigint, town_id bigint, unit_id bigint,"
        " reason text) ON COMMIT DROP"
    )
    cursor.executemany("INSERT INTO bench_route VALUES (%s, %s, %s, %s)", rows)
    cursor.execute("ANALYZE bench_microgrid; ANALYZE bench_category; ANALYZE bench_route")


def check_columns(cursor) -> None:
    """Fail loudly if the table gained a column this script does not fill (it may be NOT NULL,
    and a database default is not something Django sets)."""
    cursor.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'events_event'"
    )
    missing = {name for (name,) in cursor.fetchall()} - set(COLUMNS)
    if missing:
        raise SystemExit(f"events_event has columns the generator does not fill: {missing}")


def ensure_generated_events(count: int) -> dict:
    """`count` generated events in the database: made now, or found from a kept earlier run."""
    from datetime import timedelta

    from django.db import connection, transaction
    from django.utils import timezone

    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS bench_generated (events bigint, seconds float)")
        cursor.execute("SELECT events, seconds FROM bench_generated")
        row = cursor.fetchone()
    if row is not None and row[0] == count:
        return {"events": count, "seconds": row[1], "reused": True}
    print(f"Generating {count:,} events in PostgreSQL...", flush=True)
    started = time.perf_counter()
    last_day = timezone.localdate() - timedelta(days=1)  # today's numbers: the API's
    days = YEARS * 365 + YEARS // 4
    first_day = last_day - timedelta(days=days - 1)
    from gridgov.events.partitions import maintain_partitions

    maintain_partitions(since=first_day)  # each month its partition (PostgreSQL, partitioned)
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('events_event_key') IS NOT NULL")
        keyed = cursor.fetchone()[0]  # partitioned: the ids and numbers live in a key table
    with transaction.atomic(), connection.cursor() as cursor:
        check_columns(cursor)
        keys = ", events_event_key, events_eventtimelineentry_key" if keyed else ""
        cursor.execute(f"TRUNCATE events_event, bench_generated{keys} CASCADE")
        fill_lookup_tables(cursor)
        # Build the secondary indexes once at the end instead of row by row, and skip the
        # per-row foreign-key triggers: every id comes from the tables it refers to.
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'events_event'"
            " AND indexname NOT IN (SELECT conname FROM pg_constraint"
            " WHERE conrelid = 'events_event'::regclass)"
        )
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
        cursor.execute("SELECT COALESCE(max(id), 0) + 1000 FROM events_event")
        first_id = cursor.fetchone()[0]
        cursor.execute(insert_sql(count, first_id, first_day.isoformat(), days))
        inserted = time.perf_counter() - started
        for _name, definition in indexes:
            # A partitioned table's index reads "ON ONLY": made again, it covers every month.
            cursor.execute(definition.replace(" ON ONLY ", " ON "))
        if keyed:  # its triggers were off with the foreign-key checks
            cursor.execute("INSERT INTO events_event_key (id, number) SELECT id, number"
                           " FROM events_event")  # fmt: skip
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('events_event', 'id'), max(id)) FROM events_event"
        )
        cursor.execute(
            "INSERT INTO bench_generated VALUES (%s, %s)", [count, time.perf_counter() - started]
        )
    indexed = time.perf_counter() - started
    # VACUUM as well as ANALYZE: autovacuum would have set the visibility map and hint bits of
    # rows this old, and the first timed run must not be the one that writes them.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE) events_event")
    seconds = time.perf_counter() - started
    print(
        f"  inserted in {inserted:.0f} s, indexed by {indexed:.0f} s, vacuumed and analysed"
        f" by {seconds:.0f} s",
        flush=True,
    )
    return {"events": count, "seconds": seconds, "reused": False}


# --- Timing the KPIs ------------------------------------------------------------------------


def time_kpis(runs: int) -> dict:
    from datetime import datetime

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from gridgov.org.roles import post_of
    from gridgov.regions.models import Region

    users = get_user_model().objects
    leader, admin = users.get(username=COUNTY_LEADER), users.get(username=SUPERUSER)
    county = post_of(leader).region
    city = Region.objects.get(pk=county.city_id)
    year = timezone.localdate().year - 1  # the last whole calendar year
    tz = timezone.get_current_timezone()
    start, end = datetime(year, 1, 1, tzinfo=tz), datetime(year + 1, 1, 1, tzinfo=tz)
    return {
        "year": year,
        "county": time_kpi(leader, county, start, end, runs, GOAL_COUNTY_MS),
        "city": time_kpi(admin, city, start, end, runs, GOAL_CITY_MS),
    }


def time_kpi(user, region, start, end, runs: int, goal_ms: float) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from gridgov.events.kpi import KpiQuery, event_kpis

    query = KpiQuery(region=region, start=start, end=end)
    event_kpis(user, query)  # warm-up: the user's scope, caches, the table's pages
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        figures = event_kpis(user, query)
        times.append((time.perf_counter() - started) * 1000)
    # One more run to see the queries; not timed, capturing costs a little.
    with CaptureQueriesContext(connection) as captured:
        event_kpis(user, query)
    slowest = max(captured.captured_queries, key=lambda q: float(q["time"]))
    result = {
        "region": region.name,
        "user": user.get_username(),
        "events": figures["total"],
        "best_ms": min(times),
        "median_ms": statistics.median(times),
        "queries": len(captured.captured_queries),
        "slowest_query_ms": float(slowest["time"]) * 1000,
        "goal_ms": goal_ms,
        "explain": [],
    }
    if result["median_ms"] >= goal_ms:
        result["explain"] = explain(slowest["sql"])
    return result


def explain(sql: str) -> list[str]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
        return [line for (line,) in cursor.fetchall()]


# --- Report ---------------------------------------------------------------------------------


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def print_http(result: dict) -> bool:
    create, trivial, ratio = result["create"], result["trivial"], result["ratio"]
    print(f"  {result['label']} (events in the table before: {result['events_before']:,})")
    for name, r in (("POST /api/v1/events", create), ("GET  /api/v1/me    ", trivial)):
        print(f"    {name} x {r['requests']:>6,} {r['rps']:8.1f} req/s   p50 {r['p50_ms']:7.1f} ms"
              f"   p99 {r['p99_ms']:7.1f} ms   failures {r['failures']}")  # fmt: skip
        for sample in r["samples"]:
            print(f"      e.g. {sample}")
    tasks = ", ".join(f"{n:,} {status.lower()}" for status, n in sorted(result["tasks"].items()))
    tasks = tasks or "none queued: a new report notifies no one"
    if result["sustained_rps"] is not None:
        print(f"    with notifications sent {result['sustained_rps']:5.1f} creates/s"
              f"   (tasks: {tasks})")  # fmt: skip
    else:
        print(f"    without the task worker   (tasks: {tasks})")
    ok_ratio = ratio >= GOAL_RATIO
    print(f"    ratio create/trivial {ratio:8.3f}        goal >= {GOAL_RATIO}    "
          f"{verdict(ok_ratio)}")  # fmt: skip
    failed_tasks = result["tasks"].get("FAILED", 0)
    return ok_ratio and not create["failures"] and not trivial["failures"] and not failed_tasks


def print_kpis(kpi: dict) -> bool:
    generated = kpi["generated"]
    how = "kept from an earlier run" if generated["reused"] else "generated"
    print(f"  KPIs on PostgreSQL: {generated['events']:,} events over {YEARS} years, {how} in "
          f"{generated['seconds']:.0f} s; year {kpi['year']}")  # fmt: skip
    ok = True
    for key in ("county", "city"):
        r = kpi[key]
        met = r["median_ms"] < r["goal_ms"]
        ok = ok and met
        print(f"    {key:<6} {r['region']} as {r['user']}, {r['events']:,} events")
        print(f"      best {r['best_ms']:8.1f} ms   median {r['median_ms']:8.1f} ms   "
              f"goal < {r['goal_ms']:.0f} ms   {verdict(met)}")  # fmt: skip
        print(f"      {r['queries']} queries; slowest {r['slowest_query_ms']:.1f} ms")
        if r["explain"]:
            print("      EXPLAIN (ANALYZE, BUFFERS) of the slowest query:")
            for line in r["explain"]:
                print(f"        {line}")
    return ok


# --- Main -----------------------------------------------------------------------------------


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small counts, for a smoke run")
    parser.add_argument("--creates", type=int, help="timed POST /api/v1/events per database")
    parser.add_argument("--trivial", type=int, help="timed GET /api/v1/me per database")
    parser.add_argument("--warmup", type=int, help="untimed requests of each kind first")
    parser.add_argument("--clients", type=int, default=4, help="concurrent client threads")
    parser.add_argument("--rounds", type=int, help="alternating rounds of creates and trivial")
    parser.add_argument("--events", type=int, help="generated events for the KPIs")
    parser.add_argument("--kpi-runs", type=int, help="timed runs of each KPI")
    parser.add_argument("--keep", action="store_true", help=f"keep (and reuse) {PG_NAME}")
    parser.add_argument(
        "--no-task-worker", action="store_true", help="serve without the task worker (to compare)"
    )
    parser.add_argument("--skip-http", action="store_true", help="only the KPIs")
    parser.add_argument("--skip-kpi", action="store_true", help="only the HTTP figures")
    parser.add_argument("--phase", choices=["prepare", "kpi"], help=argparse.SUPPRESS)
    parser.add_argument("--result-file", help=argparse.SUPPRESS)
    args = parser.parse_args()
    defaults = QUICK if args.quick else FULL
    for name, value in defaults.items():
        if getattr(args, name) is None:
            setattr(args, name, value)
    return args


def child_main(args) -> int:
    import django

    django.setup()
    phases = {"prepare": phase_prepare, "kpi": phase_kpi}
    result = phases[args.phase](args)
    Path(args.result_file).write_text(json.dumps(result))
    return 0


def main() -> int:
    args = parse_args()
    if args.phase:
        return child_main(args)
    # Stopped with SIGTERM: unwind, so that the server is stopped and the database dropped.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    pg_env = production_env(f"{PG_SERVER}/{PG_NAME}", KEYS_FILE)
    http_results, kpi = [], None
    load_before = os.getloadavg()[0]
    reused = create_pg_database(args.keep)
    try:
        if not args.skip_http:
            counts = {"warmup": args.warmup, "creates": args.creates, "trivial": args.trivial}
            for path in SQLITE_DB.parent.glob(f"{SQLITE_DB.name}*"):  # with -wal and -shm
                path.unlink()
            sqlite_env = production_env(f"sqlite:///{SQLITE_DB}", KEYS_FILE)
            for label, env in (("SQLite", sqlite_env), ("PostgreSQL", pg_env)):
                print(f"HTTP on {label}...", flush=True)
                result = bench_http(
                    label, env, counts, args.clients, args.rounds, not args.no_task_worker
                )
                http_results.append(result)
        if not args.skip_kpi:
            print("KPIs on PostgreSQL...", flush=True)
            kpi = run_phase(__file__, "kpi", pg_env, events=args.events, kpi_runs=args.kpi_runs)
    finally:
        if not args.keep:
            drop_pg_database()

    print(f"\nevents benchmark — {os.cpu_count()} cores shared by the server and the clients;"
          f" load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after")  # fmt: skip
    if http_results:
        print(
            f"  HTTP: production settings, gunicorn 2 sync workers, {args.clients} client"
            f" threads, {args.warmup} warm-up requests of each kind, {args.rounds} rounds"
        )
    if reused:
        print(f"  ({PG_NAME} was kept from an earlier run)")
    ok = all([print_http(r) for r in http_results])
    if kpi is not None:
        ok = print_kpis(kpi) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
