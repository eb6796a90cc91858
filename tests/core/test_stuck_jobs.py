"""A job whose worker was killed does not stay RUNNING: its lease runs out, and the sweep
queues it again (up to MAX_ATTEMPTS runs) or fails it with a reason its page shows."""

from datetime import timedelta

import pytest
from django.utils import timezone

from gridgov.core.choices import JobStatus
from gridgov.core.jobs import MAX_ATTEMPTS, job_handler, lease, sweep_stuck_jobs
from gridgov.core.models import AuditEntry, Job
from tests.conftest import client_for

pytestmark = pytest.mark.django_db
RUNS = []


@job_handler("test.recovered")
def recovered(job):
    RUNS.append(job.pk)
    return {"runs": len(RUNS)}


def abandoned(user, *, attempts=1, beat_ago=None) -> Job:
    """A job as a killed worker leaves it: RUNNING, its last heartbeat long ago."""
    beat = timezone.now() - (beat_ago or lease() + timedelta(seconds=5))
    return Job.objects.create(
        kind="test.recovered", created_by=user, status=JobStatus.RUNNING,
        started_at=beat, heartbeat_at=beat, attempts=attempts,
    )  # fmt: skip


def test_a_job_whose_lease_ran_out_is_queued_and_run_again(admin_user):
    RUNS.clear()
    job = abandoned(admin_user)
    assert sweep_stuck_jobs()["requeued"] == 1  # the tests' backend runs it at once
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and [job.pk] == RUNS and job.attempts == 2
    assert AuditEntry.objects.filter(action="core.job.requeued", target_id=str(job.pk)).exists()


def test_a_job_whose_worker_keeps_dying_is_failed_with_the_reason_on_its_page(admin_user, english):
    job = abandoned(admin_user, attempts=MAX_ATTEMPTS)
    assert sweep_stuck_jobs()["failed"] == 1
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.finished_at
    assert "stopped 3 times" in job.message
    page = client_for(admin_user).get(f"/jobs/{job.pk}/")
    assert "stopped 3 times" in page.content.decode()


def test_a_job_whose_worker_still_beats_is_left_alone(admin_user):
    job = abandoned(admin_user, beat_ago=timedelta(seconds=1))
    assert sweep_stuck_jobs() == {"requeued": 0, "failed": 0, "tasks": 0}
    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING


def test_task_rows_a_killed_worker_left_running_are_failed_so_the_clock_queues_again(db):
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from gridgov.core.management.commands.run_clock import pending
    from gridgov.core.tasks import purge_expired

    long_ago = timezone.now() - timedelta(hours=1)
    row = DBTaskResult.objects.create(
        status=TaskResultStatus.RUNNING, args_kwargs={"args": [], "kwargs": {}},
        task_path=purge_expired.module_path, backend_name="default", queue_name="default",
        run_after=long_ago, started_at=long_ago, worker_ids=["gone"],
    )  # fmt: skip
    assert sweep_stuck_jobs()["tasks"] == 1
    row.refresh_from_db()
    assert row.status == TaskResultStatus.FAILED
    assert not pending(purge_expired)
