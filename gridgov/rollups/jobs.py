"""The periodic refresh the clock queues every few seconds."""

from django_tasks import task

from .refresh import refresh_rollups


@task()
def refresh() -> dict:
    return refresh_rollups()
