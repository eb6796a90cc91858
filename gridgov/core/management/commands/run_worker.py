"""`db_worker` that rides out database outages: a lock wait past the busy timeout or a lost
PostgreSQL connection makes it wait and try again (with backoff) instead of exiting; it also
keeps the lease of the job it runs (see core.jobs)."""

import logging
import time

from django_tasks_db.management.commands import db_worker

from gridgov.core.resilience import Backoff, after_transient_error

logger = logging.getLogger(__name__)
# A run this long without an error means the database is back: waits start short again.
HEALTHY_SECONDS = 60


class ResilientWorker(db_worker.Worker):
    def run(self) -> None:
        backoff = Backoff()
        while self.running:
            started = time.monotonic()
            try:
                super().run()
                return  # --batch or --max-tasks: done
            except Exception as exc:  # transient ones are retried, others raised
                if time.monotonic() - started > HEALTHY_SECONDS:
                    backoff.reset()
                after_transient_error(exc, "The worker lost the database", backoff)


class Command(db_worker.Command):
    help = db_worker.Command.help + " Rides out database outages."

    def handle(self, *args, **options):
        original = db_worker.Worker
        db_worker.Worker = ResilientWorker  # the parent's handle() builds the worker by name
        try:
            return super().handle(*args, **options)
        finally:
            db_worker.Worker = original
