"""Run the web server, the background worker and its clock together, as `make demo` does.

A supervisor: a child that stops is started again after a wait that doubles (1 s up to 30 s);
only a child that keeps failing (MAX_RESTARTS within RESTART_WINDOW seconds) stops everything.
The children die with this process (PR_SET_PDEATHSIG), so none is left answering alone.
"""

import os
import signal
import subprocess
import sys
import time

from django.core.management.base import BaseCommand

from gridgov.core.processes import die_with_parent
from gridgov.core.registry import demo_logins

MAX_RESTARTS = 5
RESTART_WINDOW = 300.0
FIRST_WAIT, LONGEST_WAIT = 1.0, 30.0


class Child:
    """One supervised process: how to start it, and its recent restarts."""

    def __init__(self, name: str, argv: list[str], env: dict):
        self.name, self.argv, self.env = name, argv, env
        self.process: subprocess.Popen | None = None
        self.restarts: list[float] = []
        self.wait = FIRST_WAIT
        self.due = 0.0  # when a stopped child is started again
        self.started = 0.0

    def start(self) -> None:
        self.started = time.monotonic()
        self.process = subprocess.Popen(  # noqa: S603 - fixed argument lists
            self.argv, env=self.env, preexec_fn=die_with_parent
        )

    def stopped(self) -> bool:
        return self.process is not None and self.process.poll() is not None

    def schedule_restart(self, now: float) -> bool:
        """Note a stop; False when the child has failed too often to go on."""
        if now - self.started > RESTART_WINDOW:
            self.wait = FIRST_WAIT  # it ran well for a long while: not a failing child
        self.restarts = [t for t in self.restarts if now - t < RESTART_WINDOW] + [now]
        self.due = now + self.wait
        self.wait = min(self.wait * 2, LONGEST_WAIT)
        self.process = None
        return len(self.restarts) <= MAX_RESTARTS


class Command(BaseCommand):
    help = "Serve GridGov with gunicorn and run the task worker and clock; Ctrl-C stops all."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=2)

    def handle(self, *args, host, port, workers, **options):
        children = self._children(host, port, workers)
        for child in children:
            child.start()
        self._announce(host, port)
        signal.signal(signal.SIGTERM, lambda *_: self._stop(children, 0))
        try:
            self._supervise(children)
        except KeyboardInterrupt:
            self._stop(children, 0)

    def _children(self, host, port, workers) -> list[Child]:
        env = os.environ.copy()
        bin_dir = os.path.dirname(sys.executable)
        manage = [sys.executable, "manage.py"]
        web = [
            os.path.join(bin_dir, "gunicorn"),
            "gridgov.wsgi:application",
            f"--bind={host}:{port}",
            # Sync workers: SQLite has one writer, threads would only queue on its lock.
            f"--workers={workers}",
            "--worker-class=sync",
            "--access-logfile=-",
            "--timeout=120",
            "--config=python:gridgov.core.processes",  # web workers die with their master
        ]
        return [
            Child("web", web, env),
            Child("worker", [*manage, "run_worker", "--interval", "1"], env),
            Child("clock", [*manage, "run_clock"], env),
        ]

    def _supervise(self, children: list[Child]) -> None:
        while True:
            now = time.monotonic()
            for child in children:
                if child.process is None:
                    if now >= child.due:
                        self.stderr.write(f"Starting the {child.name} process again.")
                        child.start()
                elif child.stopped():
                    code = child.process.returncode
                    if not child.schedule_restart(now):
                        self.stderr.write(
                            f"The {child.name} process keeps stopping; stopping everything."
                        )
                        self._stop(children, code or 1)
                    self.stderr.write(
                        f"The {child.name} process stopped (exit {code}); "
                        f"starting it again in {child.due - now:.0f} s."
                    )
            time.sleep(0.5)

    def _announce(self, host, port):
        self.stdout.write(self.style.SUCCESS(f"\nGridGov is running at http://{host}:{port}/"))
        password, logins = demo_logins()
        if logins:
            self.stdout.write(f"Demo logins (password {password}):")
            for login in logins:
                self.stdout.write(f"  {login.username:<11} {login.role}  {login.where}")
        self.stdout.write("Press Ctrl-C to stop the web server, the worker and the clock.\n")

    def _stop(self, children: list[Child], code):
        running = [c.process for c in children if c.process is not None]
        for process in running:
            if process.poll() is None:
                process.terminate()
        for process in running:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        sys.exit(code)
