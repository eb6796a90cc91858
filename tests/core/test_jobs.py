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


def test_housekeeping_forgets_the_workers_old_finished_tasks(db):
    from datetime import timedelta

    from django.utils import timezone
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from gridgov.core.tasks import purge_finished_tasks

    now = timezone.now()

    def result(status, finished_hours_ago):
        return DBTaskResult.objects.create(
            status=status,
            finished_at=now - timedelta(hours=finished_hours_ago),
            args_kwargs={"args": [], "kwargs": {}},
            task_path="gridgov.alerts.jobs.evaluate_signals",
            backend_name="default",
            run_after=now,
        )

    kept = [
        result(TaskResultStatus.SUCCESSFUL, 2),
        result(TaskResultStatus.FAILED, 48),  # a failure is kept for a week
        result(TaskResultStatus.READY, 100),  # never finished: not ours to drop
    ]
    result(TaskResultStatus.SUCCESSFUL, 30)
    result(TaskResultStatus.FAILED, 24 * 8)
    assert purge_finished_tasks(now) == 2
    assert set(DBTaskResult.objects.values_list("pk", flat=True)) == {r.pk for r in kept}
