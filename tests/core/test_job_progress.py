"""A job that writes everything in one transaction (the imports: all or nothing) still shows
its progress while it runs: the heartbeat's own connection writes what it reports."""

import threading
import time

import pytest
from django.db import close_old_connections, connection, transaction

from gridgov.core.choices import JobStatus
from gridgov.core.jobs import job_handler, report_progress, run_job
from gridgov.core.models import Job

SEEN: list[str] = []


def message_seen_elsewhere(job_id: int, expected: str, timeout_s: float = 5.0) -> str:
    """The job's message as another connection reads it, once it is `expected` or time is up."""
    found = {}

    def read():
        deadline = time.monotonic() + timeout_s
        try:
            while time.monotonic() < deadline:
                found["message"] = Job.objects.get(pk=job_id).message
                if found["message"] == expected:
                    return
                time.sleep(0.05)
        finally:
            close_old_connections()
            connection.close()

    reader = threading.Thread(target=read)
    reader.start()
    reader.join()
    return found.get("message", "")


@job_handler("test.progress_in_one_transaction")
def import_in_one_transaction(job):
    with transaction.atomic():
        report_progress(job, "1,000 of 2,000 rows read")
        SEEN.append(message_seen_elsewhere(job.pk, "1,000 of 2,000 rows read"))
    return {"rows": 2000}


@pytest.mark.skipif(
    "sqlite" in __import__("django.conf").conf.settings.DATABASES["default"]["ENGINE"],
    reason="the suite's SQLite database is in memory, shared by no other connection: "
    "test_progress_inside_a_transaction_on_sqlite covers it there",
)
def test_progress_reported_inside_the_transaction_is_seen_before_it_commits(
    _demo_snapshot, transactional_db, admin_user
):
    SEEN.clear()
    # As the worker runs it: the job is committed before it starts.
    job = Job.objects.create(kind="test.progress_in_one_transaction", created_by=admin_user)
    assert run_job.call(job.pk) == JobStatus.SUCCEEDED
    # Another connection read the progress while the handler's transaction was still open.
    assert SEEN == ["1,000 of 2,000 rows read"]
    job.refresh_from_db()
    assert job.summary == {"rows": 2000}


def test_progress_inside_a_transaction_on_sqlite_is_written_by_the_handler(db, admin_user):
    """With no heartbeat thread (the suite's in-memory SQLite), the handler writes it itself."""
    job = Job.objects.create(kind="test.progress_in_one_transaction", created_by=admin_user,
                             status=JobStatus.RUNNING)  # fmt: skip
    with transaction.atomic():
        report_progress(job, "500 of 2,000 rows read")
        assert Job.objects.get(pk=job.pk).message == "500 of 2,000 rows read"


def test_a_job_run_twice_by_the_worker_is_not_run_again(db, admin_user):
    job = Job.objects.create(kind="test.progress_in_one_transaction", created_by=admin_user,
                             status=JobStatus.SUCCEEDED)  # fmt: skip
    assert run_job.call(job.pk) == "skipped"
