"""The worker side of ledger uploads: read, import, run the fund rules; a row-level report."""

from django_tasks import task

from gridgov.core.jobs import job_handler

from .actions import do_import_disbursements, do_run_fund_rules
from .files import read_ledger_file
from .selectors import projects_for

IMPORT_DISBURSEMENTS = "supervision.import_disbursements"


@job_handler(IMPORT_DISBURSEMENTS)
def import_disbursements(job) -> dict:
    with job.upload.open("rb") as upload:
        data = upload.read()
    projects = list(projects_for(job.created_by))
    rows, problems = read_ledger_file(data, job.upload_name, projects)
    return do_import_disbursements(
        rows,
        actor=job.created_by,
        skip_bad_rows=job.params.get("skip_bad_rows", False),
        file_problems=problems,
    )


@task()
def run_fund_rules() -> dict:
    """Every day: funds fall idle with time alone, without a new payment."""
    from .models import Project

    projects = list(Project.objects.filter(progress__lt=100).order_by("code"))
    return do_run_fund_rules(projects, actor="system:fund-rules")
