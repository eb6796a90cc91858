"""The long-running processes survive what used to stop them: the clock rides out an SQLite
write lock held past the busy timeout (and queues one run of a task, not one per tick), and
run_stack starts a killed child again, and takes its children with it when it stops."""

import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def migrated(tmp_path_factory) -> Path:
    """An empty, migrated file database (the suite's own is in memory)."""
    database = tmp_path_factory.mktemp("faults") / "template.sqlite3"
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v0"],
        cwd=ROOT, env=environment(database), check=True, timeout=300,
    )  # fmt: skip
    return database


@pytest.fixture
def database(migrated, tmp_path) -> Path:
    copy = tmp_path / "gridgov.sqlite3"
    shutil.copy(migrated, copy)
    return copy


def environment(database: Path, **extra) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "gridgov.settings.development",
        "DATABASE_URL": f"sqlite:///{database}",
        "PYTHONPATH": str(ROOT),
        "GRIDGOV_SQLITE_TIMEOUT": "1",
        **extra,
    }


TASKS = "django_tasks_database_dbtaskresult"


def queued(database: Path) -> dict[str, int]:
    """How many runs of each task wait for the worker."""
    with sqlite3.connect(database, timeout=10) as db:
        rows = db.execute(
            f"SELECT task_path, COUNT(*) FROM {TASKS} WHERE status = 'READY' GROUP BY task_path"  # noqa: S608
        ).fetchall()
    return dict(rows)


def test_the_clock_survives_a_write_lock_held_past_the_busy_timeout_and_catches_up(database):
    clock = subprocess.Popen(
        [sys.executable, "manage.py", "run_clock"],
        cwd=ROOT, env=environment(database, GRIDGOV_WARNING_SWEEP_SECONDS="1"),
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while not queued(database) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert queued(database), "the clock queued nothing"
        holder = sqlite3.connect(database, timeout=10, isolation_level=None)
        # The warning sweep has run (as a worker would say); the clock wants to queue it again
        # every second, but another process holds the write lock for 4 s.
        holder.execute(f"UPDATE {TASKS} SET status = 'SUCCESSFUL'")  # noqa: S608
        holder.execute("BEGIN IMMEDIATE")
        time.sleep(4)
        holder.execute("COMMIT")
        holder.close()
        assert clock.poll() is None, "the clock exited on the held lock"
        deadline = time.monotonic() + 30
        while not queued(database) and time.monotonic() < deadline:
            time.sleep(0.5)
        time.sleep(3)  # several ticks of the 1-second warning sweep, with no worker running
        counts = queued(database)
    finally:
        clock.terminate()
        output = clock.communicate(timeout=20)[0]
    assert "lost the database" in output  # it waited the lock out, and said so
    # caught up: the sweep is queued again once the lock is free, once however many ticks
    # went by; no periodic job piles up (each due one waits once: a second run is not queued
    # while one still waits)
    assert counts.get("gridgov.alerts.jobs.evaluate_signals") == 1, (counts, output[-2000:])
    assert set(counts.values()) == {1}, (counts, output[-2000:])


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def children_of(pid: int) -> dict[int, str]:
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found[int(entry.name)] = cmdline
    return found


def child(pid: int, word: str, timeout: float = 60) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for child_pid, cmdline in children_of(pid).items():
            if word in cmdline:
                return child_pid
        time.sleep(0.3)
    raise AssertionError(f"no {word} process under {pid}: {children_of(pid)}")


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    status = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    return status != "Z"


def test_run_stack_restarts_a_killed_child_and_its_children_die_with_it(database):
    stack = subprocess.Popen(  # noqa: S603
        [sys.executable, "manage.py", "run_stack", "--port", str(free_port()), "--workers", "1"],
        cwd=ROOT, env=environment(database), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    try:
        clock = child(stack.pid, "run_clock")
        worker = child(stack.pid, "run_worker")
        web = child(stack.pid, "gunicorn")
        os.kill(clock, signal.SIGKILL)
        os.kill(worker, signal.SIGKILL)
        new_clock = child(stack.pid, "run_clock", timeout=30)
        new_worker = child(stack.pid, "run_worker", timeout=30)
        assert new_clock != clock and new_worker != worker
        assert stack.poll() is None and alive(web)
        web_workers = list(children_of(web))
        everyone = [new_clock, new_worker, web, *web_workers]
    finally:
        os.kill(stack.pid, signal.SIGKILL)  # the supervisor dies without a chance to clean up
        stack.wait(timeout=20)
    deadline = time.monotonic() + 20
    while any(alive(pid) for pid in everyone) and time.monotonic() < deadline:
        time.sleep(0.3)
    assert not [pid for pid in everyone if alive(pid)], "children outlived their parent"


KILLED_MID_JOB = """
from datetime import timedelta
from django.core.files.base import ContentFile
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from gridgov.accounts.models import User
from gridgov.core.jobs import do_submit_job
from gridgov.core.models import Job

user = User.objects.create_user("importer", password="x-correct-horse-9")
upload = ContentFile(b'{"type": "FeatureCollection", "features": []}', name="empty.geojson")
job = do_submit_job("regions.import_boundaries", actor=user, upload=upload,
                    params={"crs": "EPSG:4326", "overlap_tolerance_m2": 1})
# What a worker killed half-way leaves behind: both rows RUNNING, the lease long expired.
long_ago = timezone.now() - timedelta(minutes=5)
Job.objects.filter(pk=job.pk).update(status="running", started_at=long_ago,
                                     heartbeat_at=long_ago, attempts=1)
DBTaskResult.objects.update(status="RUNNING", started_at=long_ago, worker_ids=["killed"])
print(job.pk)
"""


def test_a_job_whose_worker_was_killed_is_run_again_within_a_minute(database, tmp_path):
    env = environment(
        database, GRIDGOV_VAR_DIR=str(tmp_path), GRIDGOV_JOB_LEASE_SECONDS="6",
        GRIDGOV_JOB_SWEEP_SECONDS="2", GRIDGOV_TASK_ABANDONED_SECONDS="6",
    )  # fmt: skip
    made = subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", "shell", "-c", KILLED_MID_JOB],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    job_id = int(made.stdout.strip().splitlines()[-1])
    stack = subprocess.Popen(  # noqa: S603 - our own manage.py
        [sys.executable, "manage.py", "run_stack", "--port", str(free_port()), "--workers", "1"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    started = time.monotonic()
    try:
        while time.monotonic() - started < 60:
            with sqlite3.connect(database, timeout=10) as db:
                row = db.execute(
                    "SELECT status, attempts, message FROM core_job WHERE id = ?", (job_id,)
                ).fetchone()
                running = db.execute(
                    f"SELECT COUNT(*) FROM {TASKS} WHERE status = 'RUNNING'"  # noqa: S608
                ).fetchone()[0]
            if row[0] in ("succeeded", "failed"):
                break
            time.sleep(0.5)
    finally:
        stack.terminate()
        stack.wait(timeout=30)
    status, attempts, message = row
    assert status in ("succeeded", "failed") and message, row
    assert attempts == 2, row  # run again by a worker, not merely given up
    assert running == 0
