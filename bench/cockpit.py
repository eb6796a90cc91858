#!/usr/bin/env python
# ruff: noqa: S608 - the SQL here is built from this script's constants, never from input
"""Benchmark: the cockpit over ten years of a city's events on PostgreSQL.

Prints, measured in one run on a scratch database (`gridgov_bench_cockpit`, dropped and made
again; production settings):
  * the cockpit's data (`cockpit.selectors.cockpit_data`, every tile) for the city (as the
    superuser) and for a county (as its leader), for this month (the page's default) and for
    this year: the first answer of a fresh process (goal < 300 ms), then the median of --runs;
  * the rollup lag: an event reported through `do_report_event`, then `refresh_rollups()` (as
    the worker runs it every 5 s) until the city's figure counts it (goal < 10 s, counting
    the worst wait for the worker's next refresh, 5 s);
  * a month's evaluation of every town of the city (`do_evaluate_month`, GB/T 30428.4's
    default set; goal < 5 s);
  * whether the events are partitioned, and the plan of a one-month count (partition pruning);
  * the load average before and after, and the row counts.

--events (default 10,000,000) events are generated over ten years by INSERT … SELECT in
chunks of --chunk rows (bench/events.py's generator: the demo city's micro-grids, its leaf
categories, routed units, statuses and times), with one timeline entry each. Then the events'
rollups of the last --rollup-days days (default 400: the periods measured read nothing older) are
recounted by the refresh's own `recount_day`, the other sources rebuilt whole; --rollup-days 0
runs `rebuild_rollups` over all ten years instead (slow: its cells grow with the events; at
200,000 events it had not finished after 6 minutes on two shared cores). Each measurement runs
in a child process of its own (`--phase`), so that the first answer is a fresh process's.

    .venv/bin/python bench/cockpit.py --events 200000     # smoke run
    .venv/bin/python bench/cockpit.py                     # ten million events
"""

import argparse
import json
import os
import signal
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

from harness import BENCH_DIR, PG_SERVER, ROOT, pg_admin, production_env, run_phase

sys.path.insert(0, str(ROOT))
PG_NAME = "gridgov_bench_cockpit"
KEYS_FILE = BENCH_DIR / "cockpit-keys.json"
YEARS = 10
GOAL_FIRST_MS = 300
GOAL_LAG_S = 10
GOAL_EVALUATION_S = 5
REFRESH_INTERVAL_S = 5  # gridgov/rollups/registry.py: the clock queues the refresh this often
COUNTY_LEADER, SUPERUSER, GRID_WORKER = "leader", "admin", "gridworker"


# --- Child phases (Django set up) -----------------------------------------------------------


def phase_generate(options) -> dict:
    """Migrate, load the small demo without events, generate the events and their timeline,
    rebuild the rollups."""
    from io import StringIO

    from django.core.management import call_command
    from django.utils import timezone

    from gridgov.events.partitions import maintain_partitions

    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    call_command("load_demo", scale="small", events=0, stdout=StringIO())
    prepared = time.perf_counter() - started
    last_day = timezone.localdate() - timedelta(days=1)
    days = YEARS * 365 + YEARS // 4
    first_day = last_day - timedelta(days=days - 1)
    # Every month of the ten years gets its partition before a row arrives (no-op unpartitioned).
    maintain_partitions(since=first_day)
    generated = generate(options.events, options.chunk, first_day, days)
    return {"prepared_s": prepared, **generated, **build_rollups(options.rollup_days)}


def build_rollups(days_back: int) -> dict:
    """`rebuild_rollups` (every day of the ten years) with --rollup-days 0; else the events'
    cells of the last `days_back` days only, by the refresh's own `recount_day` (the periods
    measured, this month and this year, read nothing older), the other sources whole; then
    the watermark is set as a refresh leaves it, so that the next refresh counts only what
    changes from now on."""
    from io import StringIO

    from django.core.management import call_command
    from django.utils import timezone

    from gridgov.events.models import Event
    from gridgov.rollups.models import RollupCell, RollupSource
    from gridgov.rollups.refresh import recount_day, refresh_rollups
    from gridgov.rollups.sources import rollup_sources

    started = time.perf_counter()
    if not days_back:
        call_command("rebuild_rollups", stdout=StringIO())
    else:
        began, today = timezone.now(), timezone.localdate()
        for spec in rollup_sources():
            if spec.model is not Event:
                refresh_rollups([spec.name], full=True)
                continue
            for back in range(days_back, -1, -1):
                recount_day(spec, today - timedelta(days=back))
            RollupSource.objects.update_or_create(
                name=spec.name,
                defaults={"watermark": began, "refreshed_at": timezone.now(), "revision": 1},
            )
    seconds = time.perf_counter() - started
    cells = RollupCell.objects.count()
    what = "every day" if not days_back else f"the events' last {days_back} days"
    print(f"  rollups of {what}: {cells:,} cells in {seconds:.0f} s", flush=True)
    return {"rollups_s": seconds, "rollup_cells": cells, "rollup_days": days_back}


def generate(count: int, chunk: int, first_day, days: int) -> dict:
    from django.db import connection, transaction
    from events import check_columns, fill_lookup_tables, insert_sql

    print(f"Generating {count:,} events in chunks of {chunk:,}...", flush=True)
    started = time.perf_counter()
    keyed = _has_key_tables()
    with connection.cursor() as cursor:
        check_columns(cursor)
        # The demo's own events go (their numbers are the generator's too), with what refers
        # to them: through the key tables when the events are partitioned.
        keys = ", events_event_key, events_eventtimelineentry_key" if keyed else ""
        cursor.execute(f"TRUNCATE events_event, events_eventtimelineentry{keys} CASCADE")
        indexes = _secondary_indexes(cursor)
        for name, _definition in indexes:  # built once at the end, not row by row
            cursor.execute(f'DROP INDEX "{name}"')
        cursor.execute("SELECT COALESCE(max(id), 0) + 1000 FROM events_event")
        first_id = cursor.fetchone()[0]
    done = 0
    while done < count:
        size = min(chunk, count - done)
        with transaction.atomic(), connection.cursor() as cursor:
            fill_lookup_tables(cursor)  # temporary tables, dropped at commit
            # Every id comes from the tables it refers to: skip the per-row foreign-key checks
            # (and so the key tables' triggers, which are filled below in one statement each).
            cursor.execute("SET LOCAL session_replication_role = replica")
            sql = insert_sql(count, first_id, first_day.isoformat(), days)
            cursor.execute(sql.replace(f"generate_series(1, {count})",
                                       f"generate_series({done + 1}, {done + size})"))  # fmt: skip
            low, high = first_id + done + 1, first_id + done + size
            cursor.execute(
                "INSERT INTO events_eventtimelineentry (item_id, seq, action, from_state,"
                " to_state, actor_id, actor_label, at, note, data)"
                " SELECT id, 1, 'report', '', 'reported', NULL, reporter_name, reported_at, '',"
                " '{}'::jsonb FROM events_event WHERE id BETWEEN %s AND %s",
                [low, high],
            )
            if keyed:
                cursor.execute(
                    "INSERT INTO events_event_key (id, number) SELECT id, number"
                    " FROM events_event WHERE id BETWEEN %s AND %s",
                    [low, high],
                )
                cursor.execute(
                    "INSERT INTO events_eventtimelineentry_key (id, item_id, seq)"
                    " SELECT id, item_id, seq FROM events_eventtimelineentry"
                    " WHERE item_id BETWEEN %s AND %s",
                    [low, high],
                )
        done += size
        elapsed = time.perf_counter() - started
        print(f"  {done:>12,} events  {elapsed:6.0f} s  {done / elapsed:9,.0f} events/s",
              flush=True)  # fmt: skip
    inserted = time.perf_counter() - started
    with connection.cursor() as cursor:
        # The generator stamps an event's last change at its last step, which for the latest
        # days may lie ahead; a live system never writes a future updated_at, and the rollup
        # refresh would recount those days on every run.
        cursor.execute("UPDATE events_event SET updated_at = now() - interval '1 hour'"
                       " WHERE updated_at > now() - interval '1 hour'")  # fmt: skip
        cursor.execute("SET maintenance_work_mem = '512MB'")
        for _name, definition in indexes:
            cursor.execute(definition)
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('events_event', 'id'), max(id)) FROM events_event"
        )
    indexed = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE) events_event")
        cursor.execute("VACUUM (ANALYZE) events_eventtimelineentry")
    seconds = time.perf_counter() - started
    print(f"  inserted in {inserted:.0f} s, indexed by {indexed:.0f} s, vacuumed and analysed"
          f" by {seconds:.0f} s", flush=True)  # fmt: skip
    return {
        "events": count,
        "insert_s": inserted,
        "generate_s": seconds,
        "events_per_s": count / inserted,
    }


def _secondary_indexes(cursor) -> list[tuple[str, str]]:
    """The events' indexes that back no constraint (on a partitioned table, its parent's)."""
    cursor.execute(
        "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i"
        " JOIN pg_class c ON c.oid = i.indexrelid"
        " WHERE i.indrelid = 'events_event'::regclass AND NOT i.indisprimary"
        " AND NOT i.indisunique"
    )
    # A partitioned table's index reads "ON ONLY": created again, it is built on every month.
    return [(name, sql.replace(" ON ONLY ", " ON ")) for name, sql in cursor.fetchall()]


def _has_key_tables() -> bool:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('events_event_key') IS NOT NULL")
        return cursor.fetchone()[0]


def _users():
    from django.contrib.auth import get_user_model

    from gridgov.org.roles import post_of
    from gridgov.regions.models import Region

    users = get_user_model().objects
    leader, admin = users.get(username=COUNTY_LEADER), users.get(username=SUPERUSER)
    county = post_of(leader).region
    return leader, admin, county, Region.objects.get(pk=county.city_id)


def _period(name: str):
    from django.utils import timezone

    from gridgov.core.dates import Period

    today = timezone.localdate()
    return Period.month(today) if name == "month" else Period.parse(str(today.year))


def phase_cockpit(options) -> dict:
    """A fresh process: the first answer, then --runs more."""
    from django.db import connections
    from django.urls import reverse
    from django.utils import translation

    from gridgov.cockpit.selectors import cockpit_data

    # What any first request of a fresh process pays, timed apart: the database connection
    # (closed after the users were read), the URL resolver, the translations.
    leader, admin, county, city = _users()
    user, region = (admin, city) if options.region == "city" else (leader, county)
    period = _period(options.period)
    connections.close_all()
    started = time.perf_counter()
    connections["default"].ensure_connection()
    reverse("core:home")
    translation.activate("zh-hans")
    process = (time.perf_counter() - started) * 1000
    started = time.perf_counter()
    data = cockpit_data(user, region, period)
    first = (time.perf_counter() - started) * 1000
    times = []
    for _ in range(options.runs):
        started = time.perf_counter()
        cockpit_data(user, region, period)
        times.append((time.perf_counter() - started) * 1000)
    figures = {f["key"]: f["value"] for tile in data["tiles"] for f in tile["figures"]}
    return {
        "region": region.name,
        "user": user.get_username(),
        "period": str(period),
        "events": figures.get("events.total"),
        "tiles": len(data["tiles"]),
        "process_ms": process,
        "first_ms": first,
        "median_ms": statistics.median(times),
    }


def phase_lag(options) -> dict:
    """Report an event, then refresh the rollups until the city's cockpit counts it."""
    from django.contrib.auth import get_user_model

    from gridgov.cockpit.selectors import cockpit_data
    from gridgov.events.actions import ReportData, do_report_event
    from gridgov.events.models import EventCategory
    from gridgov.regions.choices import RegionLevel
    from gridgov.regions.models import Region
    from gridgov.rollups.refresh import refresh_rollups

    _leader, admin, _county, city = _users()
    period = _period("month")
    refresh_rollups()  # what the worker would have done before

    def city_total() -> int:
        data = cockpit_data(admin, city, period)
        return next(f["value"] for t in data["tiles"] for f in t["figures"]
                    if f["key"] == "events.total")  # fmt: skip

    before = city_total()
    reporter = get_user_model().objects.get(username=GRID_WORKER)
    place = Region.objects.filter(level=RegionLevel.MICROGRID, label_lon__isnull=False).first()
    category = EventCategory.objects.filter(parent__isnull=False, is_active=True).first()
    started = time.perf_counter()
    event = do_report_event(
        ReportData(title="占道经营（压测）", category=category.code,
                   lon=place.label_lon, lat=place.label_lat),
        actor=reporter,
    )  # fmt: skip
    reported = time.perf_counter() - started
    refreshes, refresh_s = 0, []
    while True:
        tick = time.perf_counter()
        refresh_rollups()
        refresh_s.append(time.perf_counter() - tick)
        refreshes += 1
        if city_total() > before or refreshes >= 5:
            break
    seen = time.perf_counter() - started
    return {
        "number": event.number,
        "report_s": reported,
        "seen_s": seen,
        "counted": city_total() > before,
        "refreshes": refreshes,
        "refresh_s": max(refresh_s),
        "worst_s": seen + REFRESH_INTERVAL_S,
    }


def phase_evaluate(options) -> dict:
    from django.utils import timezone

    from gridgov.core.dates import Period
    from gridgov.evaluation.actions import do_evaluate_month
    from gridgov.evaluation.choices import UnitKind
    from gridgov.evaluation.defaults import create_default_set

    _leader, admin, _county, city = _users()
    indicator_set = create_default_set(
        "BENCH-CITY", f"{city.name}镇街考核", city, UnitKind.TOWNS, actor=admin
    )
    month = Period.month(timezone.localdate()).previous()  # the latest whole month
    started = time.perf_counter()
    evaluation = do_evaluate_month(indicator_set, month, actor=admin)
    seconds = time.perf_counter() - started
    return {"month": str(month), "towns": evaluation.scores.count(), "seconds": seconds}


def phase_facts(options) -> dict:
    """Row counts, the partitions, and the plan of a one-month count."""
    from datetime import datetime

    from django.db import connection
    from django.utils import timezone

    from gridgov.events.models import Event

    counts = {}
    with connection.cursor() as cursor:
        for table in ("events_event", "events_eventtimelineentry", "rollups_rollupcell"):
            cursor.execute(f"SELECT count(*) FROM {table}")
            counts[table] = cursor.fetchone()[0]
        cursor.execute(
            "SELECT count(*) FROM pg_inherits WHERE inhparent = to_regclass('events_event')"
        )
        partitions = cursor.fetchone()[0]
    month = timezone.localdate().replace(day=1) - timedelta(days=1)
    tz = timezone.get_current_timezone()
    first = datetime(month.year, month.month, 1, tzinfo=tz)
    last = datetime(month.year + month.month // 12, month.month % 12 + 1, 1, tzinfo=tz)
    plan = Event.objects.filter(reported_at__gte=first, reported_at__lt=last).explain()
    return {"counts": counts, "partitions": partitions, "plan": plan.splitlines(),
            "month": f"{month:%Y-%m}"}  # fmt: skip


# --- Report ---------------------------------------------------------------------------------


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def line(label: str, value: float, unit: str, goal: float) -> bool:
    ok = value < goal
    print(f"    {label:<44} {value:9.1f} {unit:<3} goal < {goal:g} {unit:<3}"
          f" ({value / goal:5.2f} of it)  {verdict(ok)}")  # fmt: skip
    return ok


def report(generated, cockpits, lag, evaluation, facts, load_before, load_after) -> bool:
    print(f"\ncockpit benchmark — {os.cpu_count()} cores; load average {load_before:.1f} before,"
          f" {load_after:.1f} after")  # fmt: skip
    counts = facts["counts"]
    print(f"  rows: {counts['events_event']:,} events, {counts['events_eventtimelineentry']:,}"
          f" timeline entries, {counts['rollups_rollupcell']:,} rollup cells")  # fmt: skip
    print(f"  generated {generated['events']:,} events in {generated['insert_s']:.0f} s"
          f" ({generated['events_per_s']:,.0f} events/s with their timeline), indexed, vacuumed"
          f" by {generated['generate_s']:.0f} s")  # fmt: skip
    what = (f"the events' last {generated['rollup_days']} days" if generated["rollup_days"]
            else "every day (rebuild_rollups)")  # fmt: skip
    print(f"  rollups of {what}: {generated['rollup_cells']:,} cells in"
          f" {generated['rollups_s']:.0f} s")  # fmt: skip
    ok = True
    print("  cockpit_data, every tile (a fresh process: first answer, then median)")
    for r in cockpits:
        print(f"    {r['region']} as {r['user']}, {r['period']}: {r['tiles']} tiles,"
              f" {r['events'] or 0:,} events")  # fmt: skip
        ok &= line("  first answer, fresh process", r["process_ms"] + r["first_ms"], "ms",
                   GOAL_FIRST_MS)  # fmt: skip
        line("  … of which the cockpit's own", r["first_ms"], "ms", GOAL_FIRST_MS)
        ok &= line("  median after", r["median_ms"], "ms", GOAL_FIRST_MS)
    print(f"  a new event ({lag['number']}, reported in {lag['report_s'] * 1000:.0f} ms) in the"
          f" city's cockpit after {lag['refreshes']} refresh(es) of up to"
          f" {lag['refresh_s'] * 1000:.0f} ms: {'counted' if lag['counted'] else 'NOT counted'}"
          )  # fmt: skip
    ok &= lag["counted"]
    ok &= line("rollup lag, refresh right away", lag["seen_s"], "s", GOAL_LAG_S)
    ok &= line(f"rollup lag, + the worker's {REFRESH_INTERVAL_S} s interval", lag["worst_s"], "s",
               GOAL_LAG_S)  # fmt: skip
    print(f"  evaluation of {evaluation['month']}: {evaluation['towns']} towns of the city")
    ok &= line("do_evaluate_month", evaluation["seconds"], "s", GOAL_EVALUATION_S)
    if facts["partitions"]:
        print(f"  events_event is partitioned ({facts['partitions']} partitions); the plan of a"
              f" count of {facts['month']}:")  # fmt: skip
    else:
        print(f"  events_event is not partitioned; the plan of a count of {facts['month']}:")
    for plan_line in facts["plan"]:
        print(f"    {plan_line}")
    return ok


# --- Main -----------------------------------------------------------------------------------


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=10_000_000, help="events to generate")
    parser.add_argument("--chunk", type=int, default=1_000_000, help="events per INSERT")
    parser.add_argument("--runs", type=int, default=5, help="timed answers after the first")
    parser.add_argument(
        "--rollup-days", type=int, default=400,
        help="rebuild the events' rollups of this many days back (0: every day, rebuild_rollups)",
    )  # fmt: skip
    parser.add_argument("--keep", action="store_true", help=f"keep {PG_NAME} afterwards")
    parser.add_argument(
        "--phase", choices=["generate", "cockpit", "lag", "evaluate", "facts"],
        help=argparse.SUPPRESS,
    )  # fmt: skip
    parser.add_argument("--region", help=argparse.SUPPRESS)
    parser.add_argument("--period", help=argparse.SUPPRESS)
    parser.add_argument("--result-file", help=argparse.SUPPRESS)
    return parser.parse_args()


def child_main(args) -> int:
    import django

    sys.path.insert(0, str(Path(__file__).resolve().parent))  # bench/events.py's generator
    django.setup()
    phases = {"generate": phase_generate, "cockpit": phase_cockpit, "lag": phase_lag,
              "evaluate": phase_evaluate, "facts": phase_facts}  # fmt: skip
    result = phases[args.phase](args)
    Path(args.result_file).write_text(json.dumps(result, default=str))
    return 0


def main() -> int:
    args = parse_args()
    if args.phase:
        return child_main(args)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # unwind: drop the database
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    env = production_env(f"{PG_SERVER}/{PG_NAME}", KEYS_FILE)
    load_before = os.getloadavg()[0]
    pg_admin(f"DROP DATABASE IF EXISTS {PG_NAME} WITH (FORCE)")
    pg_admin(f"CREATE DATABASE {PG_NAME}")
    try:
        generated = run_phase(
            __file__, "generate", env,
            events=args.events, chunk=args.chunk, rollup_days=args.rollup_days,
        )  # fmt: skip
        cockpits = [
            run_phase(__file__, "cockpit", env, region=region, period=period, runs=args.runs)
            for period in ("month", "year")
            for region in ("city", "county")
        ]
        lag = run_phase(__file__, "lag", env)
        evaluation = run_phase(__file__, "evaluate", env)
        facts = run_phase(__file__, "facts", env)
    finally:
        if not args.keep:
            pg_admin(f"DROP DATABASE IF EXISTS {PG_NAME} WITH (FORCE)")
    ok = report(generated, cockpits, lag, evaluation, facts, load_before, os.getloadavg()[0])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
