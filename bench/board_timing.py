#!/usr/bin/env python
"""Benchmark: the campaign board's data endpoint for a campaign of 5,000 items.

Builds (once per database) a 5,000-item campaign — polygons, four stages, five task teams, a
plan — through the same action an imported ledger goes through, then times
GET /api/v1/campaigns/<number>/board through Django's test client and prints

    board of 5,000 items  p50 … ms  p99 … ms  goal < 300 ms  ok

`run(database_url)` does it in a child process (so a caller's own Django set-up, settings or
database do not matter) and returns the printed lines; `python bench/board_timing.py
[DATABASE_URL]` prints them (default: a scratch SQLite file under var/bench).
"""

import json
import os
import random
import statistics
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ITEMS = 5_000
REQUESTS = 60
GOAL_MS = 300
NAME = "看板基准：5000项"
TOWN = "330421003"
STAGES = ("复评", "签约", "腾空", "拆除")
TEAMS = ("一专班", "二专班", "三专班", "四专班", "五专班")
MARKER = "BOARD-LINES "


def run(database_url: str) -> list[str]:
    """Build the campaign on `database_url` if needed, time the board; the printed lines."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "gridgov.settings.development",
        "GRIDGOV_DEBUG": "false",
        "GRIDGOV_ALLOWED_HOSTS": "testserver",
        "GRIDGOV_LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }
    done = subprocess.run(  # noqa: S603 - this script, with our own interpreter
        [sys.executable, __file__, "--measure"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    for line in done.stdout.splitlines():
        if line.startswith(MARKER):
            return json.loads(line[len(MARKER) :])
    return [f"board of {ITEMS:,} items  failed: {done.stderr.strip()[-400:]}  MISSED"]


def _measure() -> list[str]:
    import django

    sys.path.insert(0, str(ROOT))
    django.setup()
    from django.core.management import call_command
    from django.test import Client

    call_command("migrate", verbosity=0)
    campaign, user, built = _campaign()
    client = Client()
    client.force_login(user)
    url = f"/api/v1/campaigns/{campaign.number}/board"
    answer = client.get(url)
    assert answer.status_code == 200, answer.content[:300]
    assert len(json.loads(answer.content)["items"]["features"]) == ITEMS
    times = []
    for _ in range(REQUESTS):
        start = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    p50 = statistics.median(times)
    p99 = times[min(len(times) - 1, round(len(times) * 0.99) - 1)]
    verdict = "ok" if p99 < GOAL_MS else "MISSED"
    size = len(answer.content) / 2**20
    return [
        f"board of {ITEMS:,} items  p50 {p50:.0f} ms  p99 {p99:.0f} ms  goal < {GOAL_MS} ms  "
        f"{verdict}",
        f"  ({size:.1f} MB of JSON; campaign built in {built:.1f} s)" if built else
        f"  ({size:.1f} MB of JSON; campaign reused)",
    ]  # fmt: skip


def _campaign():
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from gridgov.campaigns.actions import (
        ItemData,
        StageSpec,
        do_create_campaign,
        do_create_team,
        do_save_items,
        do_set_plan,
    )
    from gridgov.campaigns.models import Campaign
    from gridgov.campaigns.places import mu_to_m2, read_place
    from gridgov.regions.actions import do_import_divisions
    from gridgov.regions.divisions import JIAXING_DIVISIONS, read_division_csv
    from gridgov.regions.models import Region

    users = get_user_model().objects
    user = users.filter(username="bench-board").first() or users.create_superuser(
        "bench-board", password=None
    )
    existing = Campaign.objects.filter(name=NAME).first()
    if existing is not None and existing.items.count() == ITEMS:
        return existing, user, 0.0
    started = time.perf_counter()
    if not Region.objects.filter(code=TOWN).exists():
        rows = read_division_csv(JIAXING_DIVISIONS.read_text(encoding="utf-8"))
        do_import_divisions(rows, actor="bench")
    today = timezone.localdate()
    campaign = do_create_campaign(
        region=Region.objects.get(code=TOWN),
        name=NAME,
        stages=[StageSpec(s) for s in STAGES],
        started_on=today - timedelta(days=300),
        actor="bench",
    )
    for name in TEAMS:
        do_create_team(campaign, kind="task_team", name=name, actor="bench")
    rng = random.Random(5000)
    rows = []
    for n in range(ITEMS):
        x, y = rng.uniform(120.85, 121.0), rng.uniform(30.80, 30.92)
        d = 0.0004
        ring = [[x, y], [x + d, y], [x + d, y + d], [x, y + d], [x, y]]
        geometry, lon, lat = read_place(json.dumps({"type": "Polygon", "coordinates": [ring]}))
        reached, day = {}, campaign.started_on
        for stage in STAGES[: rng.randint(0, len(STAGES))]:
            day = min(day + timedelta(days=rng.randint(1, 60)), today)
            reached[stage] = day
        rows.append(
            ItemData(
                code=f"B{n:05d}",
                name=f"企业{n}",
                area_m2=mu_to_m2(rng.randint(1, 40)),
                geometry=geometry,
                lon=lon,
                lat=lat,
                task_team=TEAMS[n % len(TEAMS)],
                reached=reached,
            )
        )
    do_save_items(campaign, rows, actor="bench")
    for stage in campaign.stages.all():
        do_set_plan(
            campaign, stage=stage, due_on=today, count=ITEMS // (stage.position + 1), actor="bench"
        )
    return campaign, user, time.perf_counter() - started


if __name__ == "__main__":
    if "--measure" in sys.argv:
        print(MARKER + json.dumps(_measure(), ensure_ascii=False))
    else:
        default = f"sqlite:///{ROOT / 'var' / 'bench' / 'board.sqlite3'}"
        (ROOT / "var" / "bench").mkdir(parents=True, exist_ok=True)
        for line in run(sys.argv[1] if len(sys.argv) > 1 else default):
            print(line)
