"""What the benchmarks that run GridGov as deployed share: production settings with throwaway
secrets, phases in child processes (each with its own settings), a scratch PostgreSQL
database, and the stack `run_stack` starts — gunicorn with 2 sync workers, the task worker and,
when asked, its clock."""

import base64
import http.client
import json
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "var" / "bench"
PG_SERVER = "postgres://postgres@127.0.0.1:5432"


def production_env(database_url: str, keys_file: Path) -> dict:
    """The environment of a production deployment with throwaway secrets."""
    env = os.environ.copy()
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "gridgov.settings.production",
            "DATABASE_URL": database_url,
            "GRIDGOV_DEBUG": "false",
            "GRIDGOV_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "GRIDGOV_LOG_LEVEL": "WARNING",
            # One token sends thousands of writes a minute here: the throttle's counter is still
            # written on every one (its cost is measured), it just never says no.
            "GRIDGOV_API_WRITES_PER_MINUTE": "100000000",
            **throwaway_keys(keys_file),
        }
    )
    return env


def throwaway_keys(keys_file: Path) -> dict:
    """Made once and reused: a kept PostgreSQL database holds staff phone numbers encrypted
    with them."""
    if not keys_file.exists():
        keys = {
            "GRIDGOV_SECRET_KEY": secrets.token_urlsafe(50),
            # A Fernet key: url-safe base64 of 32 random bytes (see gridgov/core/pii.py).
            "GRIDGOV_PII_KEYS": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
            "GRIDGOV_PII_INDEX_KEY": secrets.token_urlsafe(32),
        }
        keys_file.write_text(json.dumps(keys))
        keys_file.chmod(0o600)
    return json.loads(keys_file.read_text())


def run_phase(script: str, phase: str, env: dict, **options) -> dict:
    """Run `phase` of a benchmark script in a child process with `env`; return the JSON it
    wrote to --result-file."""
    with tempfile.NamedTemporaryFile(suffix=".json", dir=BENCH_DIR) as result:
        args = [sys.executable, str(Path(script).resolve()), "--phase", phase,
                "--result-file", result.name]  # fmt: skip
        for name, value in options.items():
            args += [f"--{name.replace('_', '-')}", str(value)]
        subprocess.run(args, env=env, cwd=ROOT, check=True)  # noqa: S603 - our own script
        return json.loads(Path(result.name).read_text())


def pg_admin(sql: str) -> list:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        cursor = conn.execute(sql)
        return cursor.fetchall() if cursor.description else []


def pg_available() -> bool:
    try:
        pg_admin("SELECT 1")
    except Exception:
        return False
    return True


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def api_headers(secret: str) -> dict:
    return {
        "Authorization": f"Bearer {secret}",
        "Content-Type": "application/json",
        # As the command centre's TLS-terminating proxy sends them: production settings
        # redirect plain-HTTP requests to https and read the client address from the proxy.
        "X-Forwarded-Proto": "https",
        "X-Forwarded-For": "10.20.30.40",
    }


class Stack:
    """The processes of `run_stack`, with its command lines: gunicorn with 2 sync workers,
    the task worker, and the clock when `clock` is set (a benchmark that measures requests
    leaves it out: the sweeps it queues would compete with the measurement)."""

    def __init__(self, env: dict, log: Path, *, worker: bool = True, clock: bool = False):
        self.port = free_port()
        self.log = log.open("w")
        web = [
            str(Path(sys.executable).parent / "gunicorn"),
            "gridgov.wsgi:application",
            f"--bind=127.0.0.1:{self.port}",
            "--workers=2",
            "--worker-class=sync",
            "--access-logfile=-",
            "--timeout=120",
        ]
        commands = [web]
        if worker:
            commands.append([sys.executable, "manage.py", "run_worker", "--interval", "1"])
        if clock:
            commands.append([sys.executable, "manage.py", "run_clock"])
        self.processes = [
            subprocess.Popen(  # noqa: S603 - fixed argument lists
                command, env=env, cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT
            )
            for command in commands
        ]

    def wait_ready(self, headers: dict, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any(process.poll() is not None for process in self.processes):
                raise RuntimeError(f"the server stopped; see {self.log.name}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                conn.request("GET", "/api/v1/me", headers=headers)
                status = conn.getresponse().status
                conn.close()
                if status == 200:
                    return
                raise RuntimeError(f"GET /api/v1/me answered {status}; see {self.log.name}")
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not start in time")

    def stop(self) -> None:
        # Our own children, by their pids: SIGTERM lets gunicorn stop its workers.
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        self.log.close()


def run_load(port: int, requests: list, headers: dict, clients: int, expect) -> dict:
    """Send `requests` ((method, path, body) each) from `clients` threads, each with its own
    connection; http.client reconnects by itself when a sync worker closes it after answering.
    `expect` is the status every answer must have, or a set of them; `statuses` counts each."""
    expected = {expect} if isinstance(expect, int) else set(expect)
    latencies, failures, samples, statuses = [], 0, [], Counter()
    lock = threading.Lock()
    queue = iter(requests)

    def client():
        nonlocal failures
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        mine, bad, mine_statuses = [], 0, Counter()
        while True:
            with lock:
                item = next(queue, None)
            if item is None:
                break
            method, path, body = item
            started = time.perf_counter()
            try:
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                content = response.read()
                status = response.status
            except (OSError, http.client.HTTPException) as exc:
                conn.close()
                status, content = 0, repr(exc).encode()
            mine.append((time.perf_counter() - started) * 1000)
            mine_statuses[status] += 1
            if status not in expected:
                bad += 1
                with lock:
                    if len(samples) < 3:
                        samples.append(f"{status} {content[:300].decode(errors='replace')}")
        conn.close()
        with lock:
            latencies.extend(mine)
            statuses.update(mine_statuses)
            failures += bad

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {
        "seconds": time.perf_counter() - started,
        "latencies": latencies,
        "failures": failures,
        "samples": samples,
        "statuses": dict(statuses),
    }


def summarise(batches: list[dict]) -> dict:
    """Requests/s over the batches' time together; percentiles over all their requests."""
    latencies = sorted(ms for batch in batches for ms in batch["latencies"])
    return {
        "requests": len(latencies),
        "rps": len(latencies) / sum(batch["seconds"] for batch in batches),
        "p50_ms": statistics.median(latencies),
        "p99_ms": latencies[max(0, int(len(latencies) * 0.99) - 1)],
        "failures": sum(batch["failures"] for batch in batches),
        "samples": [sample for batch in batches for sample in batch["samples"]][:3],
    }
