"""The events' background work: the deadline sweep, queued every minute by `run_clock`."""

from django_tasks import task

from .actions import do_escalate_overdue


@task()
def check_deadlines() -> dict:
    """Escalate or urge every late event (see `do_escalate_overdue`)."""
    return do_escalate_overdue()
