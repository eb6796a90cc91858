"""Queue the periodic tasks for the worker: a deadline sweep every minute, and so on.

The tasks themselves run in `db_worker`; this process only enqueues them on time. Run one
clock per deployment (`run_stack` starts it).
"""

import time

from django.core.management.base import BaseCommand
from django.utils.module_loading import import_string

from gridgov.core.registry import periodic_jobs


class Command(BaseCommand):
    help = "Enqueue the periodic tasks the apps register (core.registry) on schedule."

    def add_arguments(self, parser):
        parser.add_argument(
            "--once", action="store_true", help="Enqueue every task once, then stop."
        )

    def handle(self, *args, once, **options):
        schedule = [(import_string(path), seconds) for path, seconds in periodic_jobs()]
        next_run = [0.0] * len(schedule)
        while True:
            now = time.monotonic()
            for i, (task, seconds) in enumerate(schedule):
                if now >= next_run[i]:
                    task.enqueue()
                    next_run[i] = now + seconds
            if once:
                return
            time.sleep(1)
