"""The warnings' background work.

- `evaluate_signals`: the evaluator over the signals that arrived since its cursor. The intake
  queues it once a batch is committed (unless one is already waiting), and the clock queues it
  every few seconds as a safety net.
- `ingest_complaints`: events of the categories a complaint source names become signals.
- `ingest_expiring_filings`: approved night-construction filings about to run out become
  signals, one per filing and day left.
"""

from django.conf import settings
from django_tasks import task

from .evaluation import evaluate_new_signals
from .intake import ingest_complaint_events
from .intake import ingest_expiring_filings as ingest_expiring


@task()
def evaluate_signals() -> dict:
    return evaluate_new_signals()


@task()
def ingest_complaints() -> dict:
    result = ingest_complaint_events()
    if result["signals"]:
        enqueue_evaluation()
    return result


@task()
def ingest_expiring_filings() -> dict:
    result = ingest_expiring()
    if result["signals"]:
        enqueue_evaluation()
    return result


def enqueue_evaluation() -> None:
    """Queue one evaluation unless one is already waiting to start: a burst of intake requests
    needs a single pass, which reads everything they brought."""
    backend = settings.TASKS.get(evaluate_signals.backend, {}).get("BACKEND", "")
    if backend == "django_tasks_db.DatabaseBackend":
        from django_tasks_db.models import DBTaskResult

        waiting = DBTaskResult.objects.ready().filter(task_path=evaluate_signals.module_path)
        if waiting.exists():
            return
    evaluate_signals.enqueue()
