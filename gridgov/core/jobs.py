"""Background jobs: submit from a request, run in the worker, follow on a page.

An app registers a handler for a kind of job with `@job_handler("regions.import_boundaries")`.
The handler gets the Job and returns a summary dict, or raises a GridGovError whose details
become the job's problem list; a summary's "problems" entry lists what a job that succeeded
left aside. A job's status changes only through the actions below.

A running job holds a lease: the worker renews `heartbeat_at` every HEARTBEAT while it works.
A job whose worker was killed stops renewing it; `sweep_stuck_jobs` (queued by the clock)
queues it again, up to MAX_ATTEMPTS runs, then fails it with the reason on its page. Handlers
must therefore be safe to run twice: the imports compare the file with what is stored and
write in one transaction, so a run cut short wrote nothing and a second run adds nothing new.
"""

import logging
import threading
import time
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from . import audit
from .choices import JobStatus
from .errors import GridGovError
from .models import Job

logger = logging.getLogger(__name__)
_HANDLERS: dict[str, Callable[[Job], dict]] = {}
MAX_ATTEMPTS = 3


def lease() -> timedelta:
    """How long a running job may go without a heartbeat before it counts as lost."""
    return timedelta(seconds=settings.GRIDGOV_JOB_LEASE_SECONDS)


def heartbeat_seconds() -> float:
    return settings.GRIDGOV_JOB_LEASE_SECONDS / 3


def job_handler(kind: str):
    def register(function: Callable[[Job], dict]):
        _HANDLERS[kind] = function
        return function

    return register


@transaction.atomic
def do_submit_job(kind: str, *, actor, params: dict, upload=None) -> Job:
    """Record the job and queue it for the worker.

    The queue lives in the same database (django-tasks-db), so queueing inside this transaction
    makes the job and its queue entry exist together or not at all.
    """
    if kind not in _HANDLERS:
        raise ValueError(f"No handler for jobs of kind {kind!r}.")
    job = Job.objects.create(
        kind=kind,
        created_by=actor,
        params=params,
        upload=upload,
        upload_name=getattr(upload, "name", "")[:255],
    )
    audit.record("core.job.submit", actor=actor, target=job, summary=kind, changes=params)
    run_job.enqueue(job.pk)
    return job


@task()
def run_job(job_id: int) -> str:
    if not do_start_job(job_id):
        return "skipped"  # delivered twice, or cancelled: someone else has it
    job = Job.objects.select_related("created_by").get(pk=job_id)
    try:
        with _Heartbeat(job_id):
            summary = _HANDLERS[job.kind](job)
    except GridGovError as exc:
        do_finish_job(job, JobStatus.FAILED, str(exc.message), problems=exc.details)
    except Exception:
        logger.exception("Job %s failed", job.pk)
        do_finish_job(
            job, JobStatus.FAILED, _("An unexpected error stopped the job; it was logged.")
        )
        raise
    else:
        # A job that went ahead despite some problems (rows skipped on request) lists them.
        problems = summary.pop("problems", None) if isinstance(summary, dict) else None
        do_finish_job(job, JobStatus.SUCCEEDED, _("Done."), summary=summary, problems=problems)
    return job.status


class _Heartbeat:
    """Renews a running job's lease from a thread of its own while the handler works, and
    shows the progress the handler reports from inside its transaction (`report_progress`)."""

    running: "dict[int, _Heartbeat]" = {}
    PROGRESS_SECONDS = 1.0  # how often a reported progress is written, at most

    def __init__(self, job_id: int):
        self.job_id = job_id
        self.stop = threading.Event()
        self.wake = threading.Event()
        self.message: str | None = None
        self.handing_over = threading.Lock()  # the handler's thread sets it, ours takes it
        self.thread = threading.Thread(target=self._beat, daemon=True, name=f"job-{job_id}")

    def __enter__(self):
        if connection.vendor != "sqlite" or not str(connection.settings_dict["NAME"]).startswith(
            "file:memorydb"
        ):  # the test suite's in-memory database is not shared with other threads' writes
            self.thread.start()
            _Heartbeat.running[self.job_id] = self
        return self

    def __exit__(self, *exc):
        _Heartbeat.running.pop(self.job_id, None)
        self.stop.set()
        self.wake.set()
        if self.thread.is_alive():
            self.thread.join(timeout=5)
        return False

    def show(self, message: str) -> None:
        with self.handing_over:
            self.message = message
        self.wake.set()

    def take_message(self) -> str | None:
        with self.handing_over:
            message, self.message = self.message, None
        return message

    def _beat(self):
        last_beat = time.monotonic()
        try:
            while not self.stop.is_set():
                self.wake.wait(heartbeat_seconds())
                if self.stop.is_set():
                    break
                self.wake.clear()
                message = self.take_message()
                if message is None and time.monotonic() - last_beat < heartbeat_seconds():
                    continue
                self._write(message)
                last_beat = time.monotonic()
                self.stop.wait(self.PROGRESS_SECONDS)  # a burst of reports: one write a second
        finally:
            connection.close()

    def _write(self, message: str | None) -> None:
        fields = {"heartbeat_at": timezone.now()}
        if message is not None:
            fields["message"] = message
        try:
            Job.objects.filter(pk=self.job_id, status=JobStatus.RUNNING).update(**fields)
        except Exception as exc:  # a lock wait or a lost connection: the next beat may pass
            # On SQLite the job's own long transaction holds the lock (an import of a county's
            # ledger): expected, so one line, not a traceback every beat.
            logger.warning("Job %s: heartbeat failed: %s", self.job_id, exc)


@transaction.atomic
def do_start_job(job_id: int) -> bool:
    """Claim a queued job for this worker; False if it is not (or no longer) queued."""
    now = timezone.now()
    claimed = Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING,
        started_at=now,
        heartbeat_at=now,
        attempts=models.F("attempts") + 1,
    )
    if claimed:
        audit.record("core.job.running", actor="worker", target=("core.job", job_id))
    return claimed == 1


def report_progress(job: Job, message: str) -> None:
    """Show how far a running job has got (its page shows the message while it runs).

    A handler that writes everything in one transaction (the imports: all or nothing) reports
    from inside it, where its own update would stay unseen until the end; the job's heartbeat
    thread, on a connection of its own, writes the message instead, within a second (so such
    a transaction must not lock the job's own row)."""
    beat = _Heartbeat.running.get(job.pk)
    # SQLite has one writer at a time: there the message waits for the transaction anyway.
    if beat is not None and connection.in_atomic_block and connection.vendor != "sqlite":
        beat.show(message[:255])
        return
    Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING).update(message=message[:255])


@transaction.atomic
def do_finish_job(job: Job, status: str, message: str, *, summary=None, problems=None) -> None:
    refused_file = job.upload.name if status == JobStatus.FAILED else ""
    job.status = status
    job.message = message[:255]
    job.summary = summary or {}
    job.problems = problems or []
    job.finished_at = timezone.now()
    fields = ["status", "message", "summary", "problems", "finished_at"]
    if refused_file:
        # The person fixes the file and uploads it again, so a refused file is not kept; an
        # imported one stays, as the record of what changed.
        job.upload = ""
        fields.append("upload")
        storage = job.upload.storage
        transaction.on_commit(lambda: storage.delete(refused_file))
    job.save(update_fields=fields)
    audit.record(
        f"core.job.{status}",
        actor=job.created_by,
        target=job,
        summary=job.kind,
        changes={"problems": len(job.problems), **job.summary},
    )


def sweep_stuck_jobs(*, now=None) -> dict:
    """Jobs whose lease ran out (their worker was killed, or stopped past its grace period):
    queued again while they have attempts left, failed with the reason otherwise. Also the
    worker's own task rows that a killed worker left RUNNING, so that nothing waits on them."""
    now = now or timezone.now()
    requeued = failed = 0
    expired = Job.objects.filter(status=JobStatus.RUNNING, heartbeat_at__lt=now - lease())
    for job_id in expired.values_list("pk", flat=True):
        outcome = do_recover_job(job_id, now=now)
        requeued += outcome == JobStatus.QUEUED
        failed += outcome == JobStatus.FAILED
    return {"requeued": requeued, "failed": failed, "tasks": _fail_abandoned_tasks(now)}


@transaction.atomic
def do_recover_job(job_id: int, *, now) -> str | None:
    job = Job.objects.select_for_update().select_related("created_by").filter(pk=job_id).first()
    if job is None or job.status != JobStatus.RUNNING or job.heartbeat_at >= now - lease():
        return None  # it finished, or its worker beat in the meantime
    if job.attempts >= MAX_ATTEMPTS:
        do_finish_job(
            job,
            JobStatus.FAILED,
            _("The worker running this job stopped %(n)d times; the job was given up.")
            % {"n": job.attempts},
        )
        return JobStatus.FAILED
    job.status = JobStatus.QUEUED
    job.message = _("The worker running this job stopped; it was queued again.")[:255]
    job.save(update_fields=["status", "message"])
    audit.record(
        "core.job.requeued",
        actor="worker",
        target=job,
        summary=job.kind,
        changes={"attempts": job.attempts},
    )
    run_job.enqueue(job.pk)
    return JobStatus.QUEUED


def _fail_abandoned_tasks(now) -> int:
    """Mark FAILED the worker's task rows left RUNNING longer than any task runs: a periodic
    task is not queued again while a run of it is RUNNING (see run_clock)."""
    try:
        from django_tasks_db.compat import TaskResultStatus
        from django_tasks_db.models import DBTaskResult
    except ImportError:  # pragma: no cover - the database backend is always installed
        return 0
    cutoff = now - max(lease(), timedelta(seconds=settings.GRIDGOV_TASK_ABANDONED_SECONDS))
    return DBTaskResult.objects.filter(
        status=TaskResultStatus.RUNNING, started_at__lt=cutoff
    ).update(
        status=TaskResultStatus.FAILED,
        finished_at=now,
        exception_class_path="gridgov.core.jobs.WorkerLost",
        traceback="The worker running this task stopped before it finished.",
    )


@task()
def sweep_stuck_jobs_task() -> dict:
    return sweep_stuck_jobs()


def problem_location(problem: dict) -> str:
    """Where a problem is, whichever importer reported it: a feature, a line, a row."""
    if problem.get("feature"):
        return str(problem["feature"])
    parts = []
    if "line" in problem:
        parts.append(_("line %(n)s") % {"n": problem["line"]})
    if "row" in problem:
        parts.append(_("row %(n)s") % {"n": problem["row"]})
    for key in ("column", "field"):
        if problem.get(key):
            parts.append(str(problem[key]))
    return ", ".join(parts)
