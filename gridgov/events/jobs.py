"""The events' periodic job: the coming months' partitions (PostgreSQL; see partitions)."""

from django_tasks import task

from .partitions import maintain_partitions


@task()
def partitions_ahead() -> dict:
    return maintain_partitions()
