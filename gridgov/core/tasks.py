"""Housekeeping the clock queues for the worker."""

from django_tasks import task

from .idempotency import purge_idempotency_keys
from .ratelimit import purge_rate_counters


@task()
def purge_expired() -> dict:
    """Forget idempotency keys older than a day and rate counters older than two."""
    return {"idempotency_keys": purge_idempotency_keys(), "rate_counters": purge_rate_counters()}
