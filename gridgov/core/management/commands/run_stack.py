"""Run the web server, the background worker and its clock together, as `make demo` does."""

import os
import signal
import subprocess
import sys
import time

from django.core.management.base import BaseCommand

from gridgov.core.registry import demo_logins


class Command(BaseCommand):
    help = "Serve GridGov with gunicorn and run the task worker; Ctrl-C stops both."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=2)

    def handle(self, *args, host, port, workers, **options):
        env = os.environ.copy()
        bin_dir = os.path.dirname(sys.executable)
        processes = {
            "web": subprocess.Popen(  # noqa: S603 - fixed argument list
                [
                    os.path.join(bin_dir, "gunicorn"),
                    "gridgov.wsgi:application",
                    f"--bind={host}:{port}",
                    # Sync workers: SQLite has one writer, threads would only queue on its lock.
                    f"--workers={workers}",
                    "--worker-class=sync",
                    "--access-logfile=-",
                    "--timeout=120",
                ],
                env=env,
            ),
            "worker": subprocess.Popen(
                [sys.executable, "manage.py", "db_worker", "--interval", "1"],
                env=env,
            ),
            "clock": subprocess.Popen([sys.executable, "manage.py", "run_clock"], env=env),
        }
        self._announce(host, port)
        signal.signal(signal.SIGTERM, lambda *_: self._stop(processes, 0))
        try:
            while True:
                for name, process in processes.items():
                    if process.poll() is not None:
                        self.stderr.write(f"The {name} process stopped; stopping everything.")
                        self._stop(processes, process.returncode or 1)
                time.sleep(0.5)
        except KeyboardInterrupt:
            self._stop(processes, 0)

    def _announce(self, host, port):
        self.stdout.write(self.style.SUCCESS(f"\nGridGov is running at http://{host}:{port}/"))
        password, logins = demo_logins()
        if logins:
            self.stdout.write(f"Demo logins (password {password}):")
            for login in logins:
                self.stdout.write(f"  {login.username:<11} {login.role}  {login.where}")
        self.stdout.write("Press Ctrl-C to stop the web server and the worker.\n")

    def _stop(self, processes, code):
        for process in processes.values():
            if process.poll() is None:
                process.terminate()
        for process in processes.values():
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        sys.exit(code)
