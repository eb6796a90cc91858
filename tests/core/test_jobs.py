import pytest

from gridgov.core.choices import JobStatus
from gridgov.core.jobs import do_submit_job, job_handler, run_job
from gridgov.core.models import AuditEntry, Job

pytestmark = pytest.mark.django_db

CALLS = []


@job_handler("test.count")
def count_calls(job):
    CALLS.append(job.pk)
    return {"calls": len(CALLS)}


@job_handler("test.crash")
def crash(job):
    raise RuntimeError("boom")


def test_a_job_runs_once_even_if_delivered_twice(admin_user):
    CALLS.clear()
    job = do_submit_job("test.count", actor=admin_user, params={})  # the test backend runs it
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and job.started_at and job.finished_at
    assert run_job.call(job.pk) == "skipped"
    assert [job.pk] == CALLS
    assert AuditEntry.objects.filter(action="core.job.succeeded", target_id=str(job.pk)).exists()


@pytest.mark.usefixtures("english")
def test_a_crashing_job_is_marked_failed_and_the_error_reaches_the_worker_log(admin_user):
    job = Job.objects.create(kind="test.crash", created_by=admin_user)  # as queued by a request
    with pytest.raises(RuntimeError, match="boom"):
        run_job.call(job.pk)  # as the worker runs it: the worker logs what escapes
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert "unexpected error" in job.message


def test_an_unknown_kind_of_job_is_a_programming_error(admin_user):
    with pytest.raises(ValueError, match="No handler"):
        do_submit_job("test.unknown", actor=admin_user, params={})
