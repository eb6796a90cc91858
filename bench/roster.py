#!/usr/bin/env python
"""Benchmark: a county's roster import, as its administrator runs it on day one.

Generates 南湖区's roster of 6,000 staff (ID numbers with valid check digits, phones, employee
numbers, a login for each) over the county's departments, agencies, town units and grids,
plus 10 units the file adds; uploads it as .xlsx and runs the import job as the worker does
(`core.jobs.run_job`), then imports the same file again (nothing changes). Prints rows/s and
the time of each (goal: the first import in under a minute).

    bench/roster.py                                   # SQLite, in var/bench/
    bench/roster.py --database postgres://postgres@127.0.0.1:5432/gridgov_bench_roster

Runs under production settings with throwaway keys, in a child process per phase.
"""

import argparse
import json
import os
import random
import signal
import sys
import time
from pathlib import Path

from harness import BENCH_DIR, PG_SERVER, ROOT, pg_admin, production_env, run_phase

sys.path.insert(0, str(ROOT))
SQLITE_DB = BENCH_DIR / "roster.sqlite3"
KEYS_FILE = BENCH_DIR / "roster-keys.json"
COUNTY = "330402"  # 南湖区
STAFF = 6000
NEW_UNITS = 10
GOAL_SECONDS = 60.0


def phase_prepare(options) -> dict:
    """Migrate, load the small demo without events, give the county an administrator."""
    from io import StringIO

    from django.core.management import call_command

    from gridgov.org.actions import (
        StaffData,
        do_create_account,
        do_create_staff,
        new_initial_password,
    )
    from gridgov.org.choices import Role
    from gridgov.regions.models import Region

    call_command("migrate", verbosity=0, interactive=False)
    call_command("load_demo", scale="small", events=0, stdout=StringIO())
    county = Region.objects.get(code=COUNTY)
    staff = do_create_staff(StaffData("南湖区管理员", Role.ADMIN, county), actor="bench")
    do_create_account(staff, actor="bench", username="bench-admin", password=new_initial_password())
    return {}


def generate(staff: int, seed: int = 2026) -> list[list[str]]:
    """The county's roster rows: officers over its units, grid workers over its grids."""
    from gridgov.core.validators import id_number_check_character
    from gridgov.org.choices import Role
    from gridgov.org.demo import PeopleFactory
    from gridgov.org.models import Department
    from gridgov.org.roster import COLUMNS
    from gridgov.regions.models import Region

    rng = random.Random(seed)
    people = PeopleFactory(seed)
    units = list(
        Department.objects.filter(region__county__code=COUNTY, is_active=True)
        .select_related("region")
        .order_by("code")
    )
    grids = list(
        Region.objects.filter(county__code=COUNTY, level="grid").values_list("code", flat=True)
    )
    rows = []
    for n in range(NEW_UNITS):
        code = f"{COUNTY}-BENCH{n:02d}"
        rows.append([code, f"南湖区试点单位{n}", "其他", COUNTY, "", "否", *[""] * 7])
    units += [Department(code=f"{COUNTY}-BENCH{n:02d}", region=units[0].region)
              for n in range(NEW_UNITS)]  # fmt: skip
    for n in range(staff):
        first17 = f"{COUNTY}{1960 + n % 40}{1 + n % 12:02d}{1 + n % 28:02d}{n % 1000:03d}"
        id_number = first17 + id_number_check_character(first17)
        if rng.random() < 0.6:
            unit = units[rng.randrange(len(units))]
            post = (unit.code, str(Role.OFFICER.label), unit.region.code)
        else:
            post = ("", "网格员", grids[rng.randrange(len(grids))])
        rows.append([post[0], "", "", "", "", "", people.name(), f"NH{n:05d}", id_number,
                     people.phone(), post[1], post[2], f"nh{n:05d}"])  # fmt: skip
    assert len(rows[0]) == len(COLUMNS)
    return rows


def phase_import(options) -> dict:
    """Upload the roster and run its job twice; the times of each, from submission to done."""
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import translation

    from gridgov.core.exports import write_xlsx
    from gridgov.core.jobs import do_submit_job, run_job
    from gridgov.core.models import Job
    from gridgov.org.jobs import IMPORT_ROSTER
    from gridgov.org.roster import COLUMNS

    translation.activate("zh-hans")
    admin = get_user_model().objects.get(username="bench-admin")
    started = time.perf_counter()
    data = write_xlsx(COLUMNS, generate(options.staff))
    generated = time.perf_counter() - started
    runs = []
    for _attempt in range(2):
        started = time.perf_counter()
        job = do_submit_job(
            IMPORT_ROSTER,
            actor=admin,
            params={"area": COUNTY, "skip_bad_rows": False},
            upload=SimpleUploadedFile("南湖区花名册.xlsx", data),
        )
        run_job.call(job.pk)
        seconds = time.perf_counter() - started
        job = Job.objects.get(pk=job.pk)
        runs.append({"seconds": seconds, "status": job.status, "summary": job.summary,
                     "problems": job.problems[:5], "message": job.message})  # fmt: skip
    return {"bytes": len(data), "generated": generated, "runs": runs}


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", help="a database URL (default: SQLite in var/bench/)")
    parser.add_argument("--staff", type=int, default=STAFF)
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    parser.add_argument("--result-file", help=argparse.SUPPRESS)
    return parser.parse_args()


def child_main(args) -> int:
    import django

    django.setup()
    phases = {"prepare": phase_prepare, "import": phase_import}
    Path(args.result_file).write_text(json.dumps(phases[args.phase](args)))
    return 0


def fresh_database(url: str | None) -> str:
    if url is None:
        for path in SQLITE_DB.parent.glob(f"{SQLITE_DB.name}*"):
            path.unlink()
        return f"sqlite:///{SQLITE_DB}"
    if url.startswith("postgres"):
        name = url.rsplit("/", 1)[1]
        if url.startswith(PG_SERVER):
            pg_admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            pg_admin(f"CREATE DATABASE {name}")
    return url


def main() -> int:
    args = parse_args()
    if args.phase:
        return child_main(args)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    url = fresh_database(args.database)
    label = "PostgreSQL" if url.startswith("postgres") else "SQLite"
    env = production_env(url, KEYS_FILE)
    load_before = os.getloadavg()[0]
    print(f"{label}: preparing (migrate, small demo)...", flush=True)
    run_phase(__file__, "prepare", env)
    print(f"{label}: importing {args.staff} staff twice...", flush=True)
    result = run_phase(__file__, "import", env, staff=args.staff)
    print(f"\nroster benchmark — {label}, {os.cpu_count()} cores; load average "
          f"{load_before:.1f} before, {os.getloadavg()[0]:.1f} after")  # fmt: skip
    print(f"  file: {args.staff} staff + {NEW_UNITS} units, {result['bytes'] / 2**20:.1f} MB "
          f".xlsx, generated in {result['generated']:.1f} s")  # fmt: skip
    ok = True
    for name, run in zip(("first import", "same file again"), result["runs"], strict=True):
        rows = run["summary"].get("rows", 0)
        rate = rows / run["seconds"] if run["seconds"] else 0
        print(f"  {name}: {run['status']} in {run['seconds']:.1f} s, {rate:,.0f} rows/s — "
              f"{json.dumps(run['summary'], ensure_ascii=False)}")  # fmt: skip
        if run["problems"]:
            print(f"    problems: {run['problems']}")
        ok = ok and run["status"] == "succeeded"
    first = result["runs"][0]["seconds"]
    verdict = "OK" if ok and first < GOAL_SECONDS else "MISSED"
    print(f"  goal: first import under {GOAL_SECONDS:.0f} s — {verdict}")
    return 0 if verdict == "OK" else 1


if __name__ == "__main__":
    sys.exit(main())
