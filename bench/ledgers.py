#!/usr/bin/env python
"""Benchmark: a county's 一标三实 ledger of a million residents, imported from Excel.

Generates the .xlsx of N residents (default 1,000,000) over 南湖区's micro-grids, 5,000 of them
in one village, as Excel saves it (shared strings, whole numbers as numbers; written by a
small streaming writer, not timed). Then, on SQLite (a temporary file) and on PostgreSQL
(gridgov_bench_ledgers, when the server answers), each measured in its own child process:

* the raw read: every row of the sheet through python-calamine, nothing else;
* the import as the worker runs it (`core.jobs.run_job` on an uploaded file): rows/s (goal
  ≥ 20,000), peak memory of the process (goal < 1 GiB), and its ratio to the raw read;
* the masked residents list of the village of 5,000 through the API: p50 (goal < 100 ms);
* coverage of the county recomputed after a visit (goal < 200 ms).

    bench/ledgers.py                  # 1,000,000 rows, SQLite then PostgreSQL
    bench/ledgers.py --rows 50000     # a quick run

Runs under production settings with throwaway keys.
"""

import argparse
import json
import os
import resource
import signal
import statistics
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

from harness import BENCH_DIR, PG_SERVER, ROOT, pg_admin, pg_available, production_env, run_phase

sys.path.insert(0, str(ROOT))
KEYS_FILE = BENCH_DIR / "ledgers-keys.json"
PG_DATABASE = f"{PG_SERVER}/gridgov_bench_ledgers"
COUNTY = "330402"  # 南湖区
VILLAGE_RESIDENTS = 5_000
ROWS = 1_000_000
GOAL_ROWS_PER_S = 20_000
GOAL_PEAK_BYTES = 2**30
GOAL_LIST_MS = 100
GOAL_COVERAGE_MS = 200
# Where the file's people were born: counties other than the demo town's, so that the demo's
# own residents never share an ID number with the file's (33,000 birth dates x 1,000 order
# codes per county, a million people and more).
BIRTH_COUNTIES = (
    [f"3301{n:02d}" for n in (2, 5, 6, 8, 9, 10, 11, 12, 22, 27, 82)]
    + [f"3302{n:02d}" for n in (3, 5, 6, 11, 12, 13, 25, 26, 81, 82)]
    + [f"3303{n:02d}" for n in (2, 3, 4, 5, 24, 26, 27, 28, 29, 81, 82)]
)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董沈"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国文红玉兰凤梅志宏新海燕春雪琳"


# --- The child processes ----------------------------------------------------------------------


def phase_prepare(options) -> dict:
    """Migrate, load the small demo (its town's own ledgers kept small), give the county an
    administrator; the micro-grids of the county, the measured village's first."""
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
    started = time.perf_counter()
    call_command("load_demo", scale="small", events=0, stdout=StringIO())
    demo = time.perf_counter() - started
    county = Region.objects.get(code=COUNTY)
    staff = do_create_staff(StaffData("南湖区管理员", Role.ADMIN, county), actor="bench")
    do_create_account(staff, actor="bench", username="bench-admin", password=new_initial_password())
    places = {}
    for level in ("microgrid", "grid"):
        for code, village in Region.objects.filter(county=county, level=level).values_list(
            "code", "village__code"
        ):
            places.setdefault(village, []).append(code)
        if places:
            break
    villages = sorted(places, key=lambda v: (-len(places[v]), v))
    return {"demo_seconds": demo, "villages": [[v, sorted(places[v])] for v in villages]}


def phase_raw(options) -> dict:
    """Every row of the sheet through python-calamine, and the process's peak memory."""
    from python_calamine import CalamineWorkbook

    started = time.perf_counter()
    rows = 0
    with CalamineWorkbook.from_path(options.file) as workbook:
        for _row in workbook.get_sheet_by_index(0).iter_rows():
            rows += 1
    return {"rows": rows, "seconds": time.perf_counter() - started, "peak": peak_bytes()}


def phase_import(options) -> dict:
    """Upload the ledger and run its job as the worker does, from submission to done."""
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import translation

    from gridgov.core.jobs import do_submit_job, run_job
    from gridgov.core.models import Job
    from gridgov.households.ledger_import import IMPORT_LEDGER

    translation.activate("zh-hans")
    admin = get_user_model().objects.get(username="bench-admin")
    data = Path(options.file).read_bytes()
    started = time.perf_counter()
    job = do_submit_job(
        IMPORT_LEDGER,
        actor=admin,
        params={"area": COUNTY, "skip_bad_rows": False},
        upload=SimpleUploadedFile("南湖区实有人口.xlsx", data),
    )
    del data
    run_job.call(job.pk)
    seconds = time.perf_counter() - started
    job = Job.objects.get(pk=job.pk)
    return {"seconds": seconds, "status": job.status, "summary": job.summary,
            "problems": job.problems[:5], "message": job.message,
            "peak": peak_bytes()}  # fmt: skip


def phase_list(options) -> dict:
    """p50 of the village's masked residents list, page 1 and a page further on."""
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import Resolver404, resolve

    from gridgov.households.models import Resident
    from gridgov.regions.models import Region

    try:
        resolve("/api/v1/residents")
    except Resolver404:
        return {"present": False}
    village = Region.objects.get(code=options.village)
    client = Client(HTTP_HOST="localhost", HTTP_X_FORWARDED_PROTO="https")
    client.force_login(get_user_model().objects.get(username="bench-admin"))
    url = f"/api/v1/residents?region={village.pk}"
    times, status = [], None
    for attempt in range(21):
        started = time.perf_counter()
        response = client.get(url + ("" if attempt % 2 else "&page=10"), secure=True)
        times.append(time.perf_counter() - started)
        status = response.status_code
    return {"present": True, "status": status, "p50": statistics.median(times[1:]),
            "residents": Resident.objects.filter(village=village).count()}  # fmt: skip


def phase_coverage(options) -> dict:
    """A canvass of the county started, one household visited, the county's coverage read
    back: the time of the visit and of the read (the counters, not a scan)."""
    import importlib

    try:
        coverage = importlib.import_module("gridgov.households.coverage")
    except ImportError:
        return {"present": False}
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.utils import timezone

    from gridgov.households.models import Canvass, Household
    from gridgov.regions.models import Region

    county = Region.objects.get(code=COUNTY)
    client = Client(HTTP_HOST="localhost", HTTP_X_FORWARDED_PROTO="https")
    client.force_login(get_user_model().objects.get(username="bench-admin"))
    today = timezone.localdate().isoformat()
    created = client.post(
        "/api/v1/canvasses",
        {"title": "南湖区敲门行动", "region": county.pk, "starts_on": today, "ends_on": today,
         "target": "all"},
        content_type="application/json", secure=True,
    )  # fmt: skip
    if created.status_code != 201:
        return {"present": True, "failed": f"create {created.status_code} {created.content[:200]}"}
    number = created.json()["number"]
    started = time.perf_counter()
    begun = client.post(f"/api/v1/canvasses/{number}/start", content_type="application/json",
                        secure=True)  # fmt: skip
    start_seconds = time.perf_counter() - started
    if begun.status_code >= 300:
        return {"present": True, "failed": f"start {begun.status_code} {begun.content[:200]}"}
    start_seconds += make_households_as_the_worker_does(number)
    household = Household.objects.filter(county=county, size__gt=0).order_by("pk").first()
    started = time.perf_counter()
    visited = client.post(
        f"/api/v1/canvasses/{number}/visits",
        {"household": household.number, "outcome": "visited"},
        content_type="application/json", secure=True, HTTP_IDEMPOTENCY_KEY="bench-visit-1",
    )  # fmt: skip
    visit_seconds = time.perf_counter() - started
    if visited.status_code >= 300:
        return {"present": True, "failed": f"visit {visited.status_code} {visited.content[:200]}"}
    started = time.perf_counter()
    coverage.area_coverage(Canvass.objects.get(number=number), county)
    read_seconds = time.perf_counter() - started
    return {"present": True, "start": start_seconds, "visit": visit_seconds,
            "read": read_seconds}  # fmt: skip


def make_households_as_the_worker_does(number: str) -> float:
    """A county's canvass makes its households in a background job (over 200,000 of them):
    run it here as the worker would, and count its time into the start."""
    from gridgov.core.choices import JobStatus
    from gridgov.core.jobs import run_job
    from gridgov.core.models import Job
    from gridgov.households.models import Canvass

    canvass = Canvass.objects.get(number=number)
    queued = Job.objects.filter(kind="canvass_households", status=JobStatus.QUEUED,
                                params__canvass=canvass.pk)  # fmt: skip
    started = time.perf_counter()
    for job in queued:
        run_job.call(job.pk)
    return time.perf_counter() - started


def peak_bytes() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux: KiB


# --- The file -----------------------------------------------------------------------------------


def ledger_rows(count: int, villages: list):
    """(region code, address code, building, unit, floor, room, use, household, relation, name,
    ID number, phone, kind, groups, note): the first VILLAGE_RESIDENTS in the first village,
    the others over the rest of the county; households of 1 to 5 at six rooms a floor."""
    import datetime as dt
    import random

    from gridgov.households.identity import id_number_for

    rng = random.Random(2026)
    first, *others = [codes for _village, codes in villages]
    others = [code for codes in others for code in codes] or first
    relations = ("户主", "配偶", "子女", "子女", "父母")
    made = household = 0
    base = dt.date(1930, 1, 1)
    while made < count:
        places = first if made < VILLAGE_RESIDENTS else others
        place = places[household % len(places)]
        building, slot = divmod(household // len(places), 36)
        unit, floor, room = 1 + slot // 18, 1 + slot % 18 // 3, 1 + slot % 3
        floating = rng.random() < 0.2
        size = min(count - made, rng.choice((1, 2, 2, 3, 3, 3, 4, 4, 5)))
        address = f"{place}-B{building + 1:04d}"
        for member in range(size):
            n = made + member
            born = base + dt.timedelta(days=(n * 7919) % 33000)
            id_number = id_number_for(BIRTH_COUNTIES[n // 33000 % len(BIRTH_COUNTIES)], born, n)
            name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(1 + n % 2))
            phone = f"1{rng.choice('35789')}{rng.randrange(10**9):09d}" if n % 5 else ""
            groups = "残疾人" if rng.random() < 0.02 else ""
            yield (place, address, f"{building + 1}幢", unit, floor, f"{floor}0{room}",
                   "出租" if floating else "自住", f"{address}-{unit}-{floor}0{room}",
                   relations[member], name, id_number, phone, "流动" if floating else "户籍",
                   groups, "")  # fmt: skip
        made += size
        household += 1


# Columns whose values repeat (places, vocabulary): one shared string each, as Excel keeps
# them; the others (names, numbers) are a shared string per cell.
REPEATING = {0, 2, 6, 8, 12, 13}


def write_xlsx(path: Path, header: list[str], rows) -> int:
    """A one-sheet workbook as Excel writes it — shared strings, numbers as numbers — streamed
    to the zip: the sheet first, its strings gathered in a temporary file."""
    shared: dict[str, int] = {}
    count = 0
    with tempfile.TemporaryFile("w+", encoding="utf-8") as strings:

        def ref(column: int, text: str) -> str:
            nonlocal count
            if column in REPEATING and text in shared:
                return f'<c t="s"><v>{shared[text]}</v></c>'
            if column in REPEATING:
                shared[text] = count
            strings.write(f"<si><t>{escape(text)}</t></si>")
            count += 1
            return f'<c t="s"><v>{count - 1}</v></c>'

        def cell(column: int, value) -> str:
            if value == "":
                return "<c/>"
            if isinstance(value, int):
                return f"<c><v>{value}</v></c>"
            return ref(column, value)

        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
            for name, text in _PARTS.items():
                archive.writestr(name, text)
            with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
                sheet.write(_SHEET_HEAD.encode())
                chunk, written = [], 0
                for number, row in enumerate([header, *rows] if isinstance(rows, list) else
                                             _with_header(header, rows), start=1):  # fmt: skip
                    cells = "".join(cell(i, v) for i, v in enumerate(row))
                    chunk.append(f'<row r="{number}">{cells}</row>')
                    written = number
                    if len(chunk) == 5000:
                        sheet.write("".join(chunk).encode())
                        chunk = []
                sheet.write(("".join(chunk) + "</sheetData></worksheet>").encode())
            strings.seek(0)
            with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as out:
                head = f'<sst xmlns="{_MAIN}" count="{count}" uniqueCount="{count}">'
                out.write((_XML + head).encode())
                while block := strings.read(1 << 20):
                    out.write(block.encode())
                out.write(b"</sst>")
    return written - 1


def _with_header(header, rows):
    yield header
    yield from rows


_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006"
_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_SHEET_HEAD = f'{_XML}<worksheet xmlns="{_MAIN}"><sheetData>'
_PARTS = {
    "[Content_Types].xml": f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<Types xmlns="{_PKG}/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/xl/workbook.xml" ContentType="{_CT}.sheet.main+xml"/>'
    f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{_CT}.worksheet+xml"/>'
    f'<Override PartName="/xl/sharedStrings.xml" ContentType="{_CT}.sharedStrings+xml"/>'
    "</Types>",
    "_rels/.rels": f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<Relationships xmlns="{_PKG}/relationships"><Relationship Id="rId1" '
    f'Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
    "xl/workbook.xml": f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><sheets>'
    '<sheet name="实有人口" sheetId="1" r:id="rId1"/></sheets></workbook>',
    "xl/_rels/workbook.xml.rels": f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<Relationships xmlns="{_PKG}/relationships">'
    f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{_REL}/sharedStrings" Target="sharedStrings.xml"/>'
    "</Relationships>",
}


def phase_generate(options) -> dict:
    from gridgov.households.ledger_import import COLUMNS

    villages = json.loads(Path(options.villages).read_text())
    started = time.perf_counter()
    rows = write_xlsx(Path(options.file), COLUMNS, ledger_rows(options.rows, villages))
    return {"rows": rows, "seconds": time.perf_counter() - started}


# --- The parent ---------------------------------------------------------------------------------


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=ROWS)
    parser.add_argument("--sqlite-only", action="store_true", help="leave PostgreSQL out")
    for hidden in ("phase", "result-file", "file", "villages", "village"):
        parser.add_argument(f"--{hidden}", help=argparse.SUPPRESS)
    return parser.parse_args()


def child_main(args) -> int:
    import django

    if args.phase != "raw":
        django.setup()
    phases = {"prepare": phase_prepare, "generate": phase_generate, "raw": phase_raw,
              "import": phase_import, "list": phase_list, "coverage": phase_coverage}  # fmt: skip
    Path(args.result_file).write_text(json.dumps(phases[args.phase](args)))
    return 0


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def run_database(label: str, url: str, rows: int, file: Path | None) -> tuple[bool, Path]:
    env = production_env(url, KEYS_FILE)
    env["GRIDGOV_DEMO_RESIDENTS"] = "2000"  # the demo town's own ledgers: not what is measured
    print(f"{label}: preparing (migrate, small demo)...", flush=True)
    prepared = run_phase(__file__, "prepare", env)
    villages = prepared["villages"]
    if file is None:
        file = BENCH_DIR / f"ledgers-{rows}.xlsx"
        listing = BENCH_DIR / "ledgers-villages.json"
        listing.write_text(json.dumps(villages))
        print(f"generating {rows:,} rows...", flush=True)
        made = run_phase(__file__, "generate", env, rows=rows, file=file, villages=listing)
        print(f"  file: {made['rows']:,} rows, {file.stat().st_size / 2**20:.1f} MB .xlsx, "
              f"written in {made['seconds']:.1f} s (not timed)")  # fmt: skip
    load = os.getloadavg()[0]
    raw = run_phase(__file__, "raw", env, file=file)
    result = run_phase(__file__, "import", env, file=file)
    listed = run_phase(__file__, "list", env, village=villages[0][0])
    covered = run_phase(__file__, "coverage", env)
    print(f"\nledgers benchmark — {label}, {os.cpu_count()} cores; load average {load:.1f} "
          f"before, {os.getloadavg()[0]:.1f} after")  # fmt: skip
    return report(label, rows, raw, result, listed, covered), file


def report(label, rows, raw, result, listed, covered) -> bool:
    raw_rate = raw["rows"] / raw["seconds"]
    print(f"  raw python-calamine read: {raw['rows']:,} rows in {raw['seconds']:.1f} s, "
          f"{raw_rate:,.0f} rows/s, peak {raw['peak'] / 2**20:,.0f} MiB")  # fmt: skip
    summary = result["summary"]
    done = summary.get("rows", 0)
    rate = done / result["seconds"] if result["seconds"] else 0
    ok_rate = result["status"] == "succeeded" and done == rows and rate >= GOAL_ROWS_PER_S
    print(f"  import {label}: {result['status']}, {done:,} rows in {result['seconds']:.1f} s, "
          f"{rate:,.0f} rows/s (goal ≥ {GOAL_ROWS_PER_S:,}) — {verdict(ok_rate)}; "
          f"{rate / raw_rate:.2f} of the raw read's rate")  # fmt: skip
    if result["status"] != "succeeded" or result["problems"]:
        print(f"    {result['message']} {result['problems']}")
    print(f"    {json.dumps(summary, ensure_ascii=False)}")
    ok_peak = result["peak"] < GOAL_PEAK_BYTES
    print(f"  import {label}: peak memory {result['peak'] / 2**20:,.0f} MiB "
          f"(goal < {GOAL_PEAK_BYTES / 2**20:,.0f} MiB) — {verdict(ok_peak)}")  # fmt: skip
    ok = ok_rate and ok_peak
    if not listed["present"]:
        print("  residents list of a village (GET /api/v1/residents?region=): not present")
    else:
        p50 = listed["p50"] * 1000
        ok_list = listed["status"] == 200 and p50 < GOAL_LIST_MS
        print(f"  residents list of a village of {listed['residents']:,}: HTTP {listed['status']}, "
              f"p50 {p50:.0f} ms (goal < {GOAL_LIST_MS} ms) — {verdict(ok_list)}")  # fmt: skip
        ok = ok and ok_list
    if not covered["present"]:
        print("  coverage of the county after a visit (gridgov.households.coverage): not present")
    elif "failed" in covered:
        print(f"  coverage of the county after a visit: could not run — {covered['failed']}")
        ok = False
    else:
        total = (covered["visit"] + covered["read"]) * 1000
        ok_cov = total < GOAL_COVERAGE_MS
        print(f"  coverage of the county after a visit: visit {covered['visit'] * 1000:.0f} ms + "
              f"read {covered['read'] * 1000:.0f} ms = {total:.0f} ms (goal < "
              f"{GOAL_COVERAGE_MS} ms) — {verdict(ok_cov)}; the canvass started in "
              f"{covered['start']:.1f} s")  # fmt: skip
        ok = ok and ok_cov
    return ok


def main() -> int:
    args = parse_args()
    if args.phase:
        return child_main(args)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    ok = True
    with tempfile.TemporaryDirectory(dir=BENCH_DIR) as scratch:
        sqlite_ok, file = run_database(
            "SQLite", f"sqlite:///{Path(scratch) / 'ledgers.sqlite3'}", args.rows, None
        )
        ok = ok and sqlite_ok
        if not args.sqlite_only and pg_available():
            pg_admin("DROP DATABASE IF EXISTS gridgov_bench_ledgers WITH (FORCE)")
            pg_admin("CREATE DATABASE gridgov_bench_ledgers")
            pg_ok, _file = run_database("PostgreSQL", PG_DATABASE, args.rows, file)
            ok = ok and pg_ok
        elif not args.sqlite_only:
            print("PostgreSQL: not reachable at " + PG_SERVER)
        file.unlink()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
