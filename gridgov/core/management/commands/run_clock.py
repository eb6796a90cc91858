"""Queue the periodic tasks for the worker: a deadline sweep every minute, and so on.

The tasks themselves run in the worker; this process only enqueues them on time. Run one
clock per deployment (`run_stack` starts it).

A task is not queued again while an earlier run of it is still waiting or running: when the
worker is held up, one run waits for it, not one per tick. A database that is briefly
unavailable (SQLite's lock held past the busy timeout, PostgreSQL restarting) is waited out,
and the clock catches up when it is back.
"""

import logging
import time

from django.core.management.base import BaseCommand
from django.utils.module_loading import import_string

from gridgov.core.registry import periodic_jobs
from gridgov.core.resilience import Backoff, after_transient_error

logger = logging.getLogger(__name__)


def pending(task) -> bool:
    """Whether a run of `task` is queued or running already."""
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    if not task.get_backend().__class__.__module__.startswith("django_tasks_db"):
        return False  # another backend (the tests' immediate one) keeps no queue to look at
    return DBTaskResult.objects.filter(
        task_path=task.module_path,
        status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING],
    ).exists()


def enqueue_due(schedule, next_run: list[float], now: float) -> list[str]:
    """Queue every task whose time has come and that is not pending; returns what was queued."""
    queued = []
    for i, (task, seconds) in enumerate(schedule):
        if now < next_run[i]:
            continue
        if not pending(task):
            task.enqueue()
            queued.append(task.module_path)
        next_run[i] = now + seconds
    return queued


class Command(BaseCommand):
    help = "Enqueue the periodic tasks the apps register (core.registry) on schedule."

    def add_arguments(self, parser):
        parser.add_argument(
            "--once", action="store_true", help="Enqueue every task once, then stop."
        )

    def handle(self, *args, once, **options):
        schedule = [(import_string(path), seconds) for path, seconds in periodic_jobs()]
        next_run = [0.0] * len(schedule)
        backoff = Backoff()
        while True:
            try:
                enqueue_due(schedule, next_run, time.monotonic())
                backoff.reset()
            except Exception as exc:  # transient ones are waited out, others raised
                after_transient_error(exc, "The clock lost the database", backoff)
                continue  # what was due is still due: next_run only moves on success
            if once:
                return
            time.sleep(1)
