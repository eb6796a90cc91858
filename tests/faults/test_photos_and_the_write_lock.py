"""Large photos are decoded and stored before the transaction: while several people upload
big photos (with an Idempotency-Key, whose transaction used to hold SQLite's write lock
during the decoding), someone else's small report is not kept waiting."""

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from tests.conftest import GRID_A
from tests.events.conftest import point_in

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "sqlite",
        reason="measures SQLite's one write lock; PostgreSQL locks rows",
    ),
]
PROBE = Path(__file__).with_name("photo_lock_probe.py")


def test_a_small_write_finishes_within_a_second_while_big_photos_are_uploaded(
    _demo_snapshot, transactional_db, tmp_path
):
    # Transactional: the demo is copied to a file with no transaction open (and put back after).
    database = tmp_path / "gridgov.sqlite3"
    connection.ensure_connection()
    target = sqlite3.connect(database)
    connection.connection.backup(target)  # the demo as loaded, in a file of its own
    target.close()
    lon, lat = point_in(GRID_A)
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "PYTHONPATH": os.getcwd()}
    env["DJANGO_SETTINGS_MODULE"] = "gridgov.settings.test"
    finished = subprocess.run(  # noqa: S603 - our own probe
        [
            sys.executable,
            str(PROBE),
            str(tmp_path / "media"),
            "gridworker",
            "microgrid",
            str(lon),
            str(lat),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert finished.returncode == 0, finished.stderr[-3000:]
    results = json.loads(finished.stdout.strip().splitlines()[-1])
    uploads = sorted((u["photos"], u["status"]) for u in results["uploads"])
    assert uploads == [(2, 201), (2, 201), (9, 400)], results
    writes = results["small_writes"]
    assert writes and all(w["status"] == 201 for w in writes), results
    assert max(w["seconds"] for w in writes) < 1.0, results
