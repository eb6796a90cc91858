"""Housekeeping the clock queues for the worker."""

from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from .idempotency import purge_idempotency_keys
from .ratelimit import purge_rate_counters

# How long the worker's finished tasks are kept: the clock queues a warning evaluation every
# few seconds, so the table of results would otherwise grow by thousands of rows a day.
KEEP_SUCCESSFUL = timedelta(hours=24)
KEEP_FAILED = timedelta(days=7)  # long enough for someone to read the traceback


def purge_finished_tasks(now=None) -> int:
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    successful = DBTaskResult.objects.filter(
        status=TaskResultStatus.SUCCESSFUL, finished_at__lt=now - KEEP_SUCCESSFUL
    )
    failed = DBTaskResult.objects.filter(
        status=TaskResultStatus.FAILED, finished_at__lt=now - KEEP_FAILED
    )
    return successful.delete()[0] + failed.delete()[0]


@task()
def purge_expired() -> dict:
    """Forget idempotency keys older than a day, rate counters older than two, and the
    worker's finished tasks (successful ones after a day, failed ones after a week)."""
    return {
        "idempotency_keys": purge_idempotency_keys(),
        "rate_counters": purge_rate_counters(),
        "finished_tasks": purge_finished_tasks(),
    }
