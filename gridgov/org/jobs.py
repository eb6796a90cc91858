"""The worker side of roster uploads."""

import json

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from gridgov.core.jobs import job_handler, report_progress
from gridgov.regions.models import Region

from .roster import import_roster_file

IMPORT_ROSTER = "org.import_roster"


def invitations_name(job_id: int) -> str:
    """Where a roster job keeps the ids of the logins it created, until the importer downloads
    their invitation links (once). Ids only: the links are signed when downloaded."""
    return f"roster/invitations/job-{job_id}.json"


@job_handler(IMPORT_ROSTER)
def import_roster(job) -> dict:
    with job.upload.open("rb") as upload:
        data = upload.read()
    summary = import_roster_file(
        data,
        job.upload_name,
        area=Region.objects.get(code=job.params["area"]),
        actor=job.created_by,
        skip_bad_rows=job.params.get("skip_bad_rows", False),
        progress=lambda message: report_progress(job, message),
    )
    invited = summary.pop("invited", [])
    if invited:
        default_storage.save(invitations_name(job.pk), ContentFile(json.dumps(invited)))
    return summary
