"""Background jobs: submit from a request, run in the worker, follow on a page.

An app registers a handler for a kind of job with `@job_handler("regions.import_boundaries")`.
The handler gets the Job and returns a summary dict, or raises a GridGovError whose details
become the job's problem list; a summary's "problems" entry lists what a job that succeeded
left aside. A job's status changes only through the actions below.
"""

import logging
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from . import audit
from .choices import JobStatus
from .errors import GridGovError
from .models import Job

logger = logging.getLogger(__name__)
_HANDLERS: dict[str, Callable[[Job], dict]] = {}


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


@transaction.atomic
def do_start_job(job_id: int) -> bool:
    """Claim a queued job for this worker; False if it is not (or no longer) queued."""
    claimed = Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING, started_at=timezone.now()
    )
    if claimed:
        audit.record("core.job.running", actor="worker", target=("core.job", job_id))
    return claimed == 1


def report_progress(job: Job, message: str) -> None:
    """Show how far a running job has got (its page shows the message while it runs). Called
    between a handler's steps, outside any transaction of theirs, so the page sees it at once."""
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
