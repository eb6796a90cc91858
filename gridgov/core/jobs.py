"""Background jobs: submit from a request, run in the worker, follow on a page.

An app registers a handler for a kind of job with `@job_handler("regions.import_boundaries")`.
The handler gets the Job and returns a summary dict, or raises a GridGovError whose details
become the job's problem list. Status changes go through the functions below only.
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
    """Record the job and hand it to the worker once the record is committed."""
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
    transaction.on_commit(lambda: run_job.enqueue(job.pk))
    return job


@task()
def run_job(job_id: int) -> str:
    job = Job.objects.select_related("created_by").get(pk=job_id)
    if job.status != JobStatus.QUEUED:
        return job.status  # delivered twice: the first delivery did the work
    _mark(job, status=JobStatus.RUNNING, started_at=timezone.now())
    try:
        summary = _HANDLERS[job.kind](job)
    except GridGovError as exc:
        _finish(job, JobStatus.FAILED, str(exc.message), problems=exc.details)
    except Exception:
        logger.exception("Job %s failed", job.pk)
        _finish(job, JobStatus.FAILED, _("An unexpected error stopped the job; it was logged."))
        raise
    else:
        _finish(job, JobStatus.SUCCEEDED, _("Done."), summary=summary)
    return job.status


def _finish(job: Job, status: str, message: str, *, summary=None, problems=None) -> None:
    _mark(
        job,
        status=status,
        message=message[:255],
        summary=summary or {},
        problems=problems or [],
        finished_at=timezone.now(),
    )


def _mark(job: Job, **values) -> None:
    for field, value in values.items():
        setattr(job, field, value)
    job.save(update_fields=list(values))


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
